/*
 * integ-runner: an Explorer (SyncFromSource) sync of this account's Regions.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import { ResourceDataSync, SyncSource } from '../src';

const app = new App();
const stack = new Stack(app, 'ResourceDataSyncExplorer');
new ResourceDataSync(stack, 'OpsData', {
  source: SyncSource.singleAccount({ regions: ['us-east-1', 'us-west-2'], includeFutureRegions: true }),
});
new IntegTest(app, 'ExplorerIntegTest', { testCases: [stack] });
