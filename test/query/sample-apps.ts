import { Stack } from 'aws-cdk-lib';
import { ACCOUNT_A, ACCOUNT_B, PROJECTED_REGIONS } from './sample-data';
import { InventoryBucket, InventoryDatabase, OrganizationInventory, ResourceDataSync, SyncDestination } from '../../src';
import { newApp } from '../util';

/*
 * The apps over the sample data (./sample-data.ts) that the Trino tests of the query layer
 * (./queries.trino.test.ts) and of the history (../history/history.trino.test.ts) both read.
 */

/** The environment of every sample app: account A, us-east-1. */
export const ENV = { account: ACCOUNT_A, region: 'us-east-1' };
/** The key prefix of the sample's central bucket. */
export const PREFIX = 'inventory';

/**
 * The `listed` database: a shared destination that accounts A and B write into (accountid an
 * enum), one sync of account A, the Regions given.
 */
export function listedDatabase(): { stack: Stack; database: InventoryDatabase } {
  const stack = new Stack(newApp(), 'Listed', { env: ENV });
  const destination = new InventoryBucket(stack, 'Destination', { prefix: PREFIX, sourceAccounts: [ACCOUNT_B] });
  new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.fromInventoryBucket(destination) });
  const database = new InventoryDatabase(stack, 'Query', { inventoryBucket: destination, databaseName: 'listed', regions: PROJECTED_REGIONS });
  return { stack, database };
}

/**
 * The `organization` database: the destination of an OrganizationInventory (accountid injected, the
 * `_all` views), no Regions given (the organization's).
 */
export function organizationDatabase(): { stack: Stack; database: InventoryDatabase } {
  const stack = new Stack(newApp(), 'Organization', { env: ENV });
  const org = new OrganizationInventory(stack, 'Org', {
    organizationId: 'o-a1b2c3d4e5',
    organizationalUnits: ['ou-ab12-cdef3456'],
    regions: PROJECTED_REGIONS,
    bucketName: 'central-inventory-111122223333',
    prefix: PREFIX,
  });
  const database = new InventoryDatabase(stack, 'Query', { inventoryBucket: org.destination, databaseName: 'organization' });
  return { stack, database };
}
