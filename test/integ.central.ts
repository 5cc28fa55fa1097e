/*
 * integ-runner: a central bucket that listed accounts and an organization write into, shared by
 * two syncs of this account under one prefix.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { InventoryBucket, ResourceDataSync, SyncDestination } from '../src';

const app = new App();
const stack = new Stack(app, 'ResourceDataSyncCentral');
const destination = SyncDestination.fromInventoryBucket(new InventoryBucket(stack, 'Central', {
  prefix: 'inventory',
  sourceAccounts: ['444455556666'],
  organizationId: 'o-a1b2c3d4e5',
  removalPolicy: RemovalPolicy.DESTROY,
}));
new ResourceDataSync(stack, 'First', { destination });
new ResourceDataSync(stack, 'Second', { destination });
new IntegTest(app, 'CentralIntegTest', { testCases: [stack] });
