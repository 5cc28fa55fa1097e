/*
 * integ-runner: the zero-config Inventory sync. The committed snapshot is what would be deployed;
 * `npx projen integ` (run by `npx projen test`) checks the app still synthesizes to it.
 * The test's bucket and key are destroyed with the stack (users' default is RETAIN).
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ResourceDataSync, SyncDestination } from '../src';

const app = new App();
const stack = new Stack(app, 'ResourceDataSyncInventory');
new ResourceDataSync(stack, 'Inventory', {
  destination: SyncDestination.newBucket({ removalPolicy: RemovalPolicy.DESTROY }),
});
new IntegTest(app, 'InventoryIntegTest', { testCases: [stack] });
