/**
 * The example stacks, one per use case. The same stacks are written in Python and Java under
 * examples/python and examples/java. They use the built library (lib/), as a user would.
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ResourceDataSync, SyncDestination, SyncSource } from '../lib';

/** 1. Inventory to a new encrypted bucket: zero configuration, plus a reader role. */
export class InventoryStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const sync = new ResourceDataSync(this, 'Inventory');
    const analysts = new iam.Role(this, 'InventoryReader', {
      assumedBy: new iam.ServicePrincipal('athena.amazonaws.com'),
    });
    sync.grantRead(analysts);
  }
}

/** 2. Inventory to a bucket and key the user already defines in the app, under a prefix. */
export class ExistingBucketStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const key = new kms.Key(this, 'DataKey', { enableKeyRotation: true });
    const bucket = new s3.Bucket(this, 'DataBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
    });
    new ResourceDataSync(this, 'ToMyBucket', {
      syncName: 'inventory-to-my-bucket',
      destination: SyncDestination.fromBucket(bucket, { prefix: 'inventory', encryptionKey: key }),
    });
  }
}

/** 3. Explorer: OpsData from the whole AWS Organization (deploy in the management or delegated administrator account). */
export class OrganizationOpsDataStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    new ResourceDataSync(this, 'OrganizationOpsData', {
      syncName: 'organization-opsdata',
      source: SyncSource.entireOrganization({ regions: ['us-east-1', 'eu-west-1'], includeFutureRegions: true }),
    });
  }
}

/** Every example stack, in one app. */
export function addExampleStacks(app: App): Stack[] {
  return [
    new InventoryStack(app, 'InventoryStack'),
    new ExistingBucketStack(app, 'ExistingBucketStack'),
    new OrganizationOpsDataStack(app, 'OrganizationOpsDataStack'),
  ];
}
