/**
 * The example stacks, one per use case. The same stacks are written in Python and Java under
 * examples/python and examples/java. They use the built library (lib/), as a user would.
 */
import { Annotations, App, CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  InventoryDatabase, InventoryHistory, OrganizationCoverage, OrganizationInventory, ResourceDataSync, SyncDestination, SyncHealthMonitor, SyncSource,
} from '../lib';

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

/** 4a. The central account: one bucket and key that every account of the organization writes into. */
export class CentralInventoryStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & { readonly organizationId: string }) {
    super(scope, id, props);
    const sync = new ResourceDataSync(this, 'Inventory', {
      syncName: 'inventory',
      destination: SyncDestination.newBucket({
        bucketName: `inventory-${this.account}-${this.region}`,
        prefix: 'inventory',
        organizationId: props.organizationId,
      }),
    });
    // What the member stacks need: the bucket's name and the key's ARN.
    new CfnOutput(this, 'BucketName', { value: sync.bucket!.bucketName });
    new CfnOutput(this, 'KeyArn', { value: sync.encryptionKey!.keyArn });
  }
}

/** 4b. A member account, in any Region: its Inventory into the central bucket. */
export class MemberInventoryStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & { readonly centralBucketName: string; readonly centralRegion: string; readonly centralKeyArn: string }) {
    super(scope, id, props);
    const sync = new ResourceDataSync(this, 'Inventory', {
      syncName: 'inventory-to-central',
      destination: SyncDestination.fromBucketName(props.centralBucketName, {
        region: props.centralRegion,
        prefix: 'inventory',
        kmsKeyArn: props.centralKeyArn,
      }),
    });
    // The central stack's organization statements already let this account write and encrypt.
    const reason = 'the central bucket and key grant the whole organization (CentralInventoryStack)';
    Annotations.of(sync).acknowledgeWarning('cdk-ssm-resource-data-sync:bucketPolicyNotManaged', reason);
    Annotations.of(sync).acknowledgeWarning('cdk-ssm-resource-data-sync:keyPolicyNotManaged', reason);
  }
}

/**
 * 5. The whole organization from the management account: a StackSet puts a sync in every account
 * and Region, the central bucket is queryable with Athena, Explorer aggregates OpsData with every
 * OpsData source on (an API-only field), and an alarm watches the syncs of this account.
 */
export class OrganizationInventoryStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const organization = new OrganizationInventory(this, 'Organization', {
      organizationId: 'o-a1b2c3d4e5',
      organizationalUnits: ['r-ab12'],
      regions: ['us-east-1', 'eu-west-1'],
      bucketName: 'org-inventory-333333333333-us-east-1',
      prefix: 'inventory',
    });
    const query = new InventoryDatabase(this, 'Query', { inventoryBucket: organization.destination });
    // History: daily snapshots of the inventory and the change queries over them.
    new InventoryHistory(this, 'History', { database: query });
    const opsData = new ResourceDataSync(this, 'OpsData', {
      source: SyncSource.entireOrganization({ regions: ['us-east-1', 'eu-west-1'], enableAllOpsDataSources: true }),
    });
    new SyncHealthMonitor(this, 'SyncHealth', { syncs: [organization.deployingAccountSync!, opsData] });

    // The coverage census: which accounts and Regions write no Inventory, since when and why; its alarm to a topic.
    new OrganizationCoverage(this, 'Coverage', { inventory: organization, alarmTopic: new sns.Topic(this, 'CoverageAlarms') });
  }
}

/** Every example stack, in one app. */
function requiredContext(app: App, key: string): string {
  const value = app.node.tryGetContext(key);
  if (typeof value !== 'string') throw new Error(`No context value present for ${key} key: deploy CentralInventoryStack first, then pass its output with -c ${key}=<KeyArn>.`);
  return value;
}

export function addExampleStacks(app: App): Stack[] {
  const central = { account: '111111111111', region: 'us-east-1' };
  return [
    new InventoryStack(app, 'InventoryStack'),
    new ExistingBucketStack(app, 'ExistingBucketStack'),
    new OrganizationOpsDataStack(app, 'OrganizationOpsDataStack'),
    new CentralInventoryStack(app, 'CentralInventoryStack', { env: central, organizationId: 'o-a1b2c3d4e5' }),
    new MemberInventoryStack(app, 'MemberInventoryStack', {
      env: { account: '222222222222', region: 'eu-west-1' },
      centralBucketName: 'inventory-111111111111-us-east-1',
      centralRegion: central.region,
      // The central stack's KeyArn output, once it is deployed (a key id is known only then):
      // `cdk deploy -c centralKeyArn=...`. Without it the app stops: a made-up key would deploy a
      // sync whose every write the central bucket policy denies.
      centralKeyArn: requiredContext(app, 'centralKeyArn'),
    }),
    new OrganizationInventoryStack(app, 'OrganizationInventoryStack', { env: { account: '333333333333', region: 'us-east-1' } }),
  ];
}
