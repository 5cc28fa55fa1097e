import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { newApp } from './util';
import { DestinationEncryption, InventoryBucket, ResourceDataSync, SyncDestination, SyncSource } from '../src';

const ENV = { account: '111122223333', region: 'us-east-1' };

/** One whole stack per use case of the README; snapshot-tested and linted. */
export const USE_CASES: Record<string, () => Stack> = {
  'zero-config inventory': () => {
    const stack = new Stack(newApp(), 'ZeroConfig');
    new ResourceDataSync(stack, 'Inventory');
    return stack;
  },
  'inventory with a prefix, S3-managed encryption and a reader': () => {
    const stack = new Stack(newApp(), 'S3Managed', { env: ENV });
    const sync = new ResourceDataSync(stack, 'Inventory', {
      syncName: 'inventory',
      destination: SyncDestination.newBucket({ prefix: 'inventory', encryption: DestinationEncryption.S3_MANAGED }),
    });
    sync.grantRead(new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }));
    return stack;
  },
  'inventory to an existing bucket and key': () => {
    const stack = new Stack(newApp(), 'ExistingBucket', { env: ENV });
    const key = new kms.Key(stack, 'DataKey', { enableKeyRotation: true });
    const bucket = new s3.Bucket(stack, 'DataBucket', {
      encryptionKey: key, bucketKeyEnabled: true, enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    });
    new ResourceDataSync(stack, 'ToMyBucket', { destination: SyncDestination.fromBucket(bucket, { prefix: 'inventory', encryptionKey: key }) });
    return stack;
  },
  'inventory to a central bucket by name': () => {
    const stack = new Stack(newApp(), 'ToCentral', { env: { account: '444455556666', region: 'eu-west-1' } });
    new ResourceDataSync(stack, 'ToCentral', {
      syncName: 'inventory-to-central',
      destination: SyncDestination.fromBucketName('central-inventory-111122223333', {
        region: 'us-east-1',
        prefix: 'inventory',
        kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      }),
    });
    return stack;
  },
  'central bucket for listed accounts': () => {
    const stack = new Stack(newApp(), 'CentralAccounts', { env: ENV });
    new ResourceDataSync(stack, 'Inventory', {
      syncName: 'inventory',
      destination: SyncDestination.newBucket({
        bucketName: 'central-inventory-111122223333',
        prefix: 'inventory',
        sourceAccounts: ['444455556666', '777788889999'],
      }),
    });
    return stack;
  },
  'central bucket for an organization': () => {
    const stack = new Stack(newApp(), 'CentralOrganization', { env: ENV });
    new ResourceDataSync(stack, 'Inventory', {
      syncName: 'inventory',
      destination: SyncDestination.newBucket({ bucketName: 'central-inventory-111122223333', organizationId: 'o-a1b2c3d4e5' }),
    });
    return stack;
  },
  'one destination for several syncs': () => {
    const stack = new Stack(newApp(), 'SharedDestination', { env: ENV });
    const destination = SyncDestination.fromInventoryBucket(new InventoryBucket(stack, 'Destination', { prefix: 'inventory' }));
    new ResourceDataSync(stack, 'First', { syncName: 'inventory-1', destination });
    new ResourceDataSync(stack, 'Second', { syncName: 'inventory-2', destination });
    return stack;
  },
  'explorer single account': () => {
    const stack = new Stack(newApp(), 'ExplorerSingleAccount', { env: ENV });
    new ResourceDataSync(stack, 'OpsData', {
      syncName: 'opsdata',
      source: SyncSource.singleAccount({ regions: ['us-east-1', 'eu-west-1'], includeFutureRegions: true }),
    });
    return stack;
  },
  'explorer entire organization': () => {
    const stack = new Stack(newApp(), 'ExplorerOrganization', { env: ENV });
    new ResourceDataSync(stack, 'OpsData', { syncName: 'org-opsdata', source: SyncSource.entireOrganization({ regions: ['us-east-1'] }) });
    return stack;
  },
  'explorer organizational units': () => {
    const stack = new Stack(newApp(), 'ExplorerOus', { env: ENV });
    new ResourceDataSync(stack, 'OpsData', {
      syncName: 'ou-opsdata',
      source: SyncSource.organizationalUnits(['ou-ab12-cdef3456', 'ou-ab12-ghij7890'], { regions: ['us-east-1', 'us-west-2'] }),
    });
    return stack;
  },
};
