/*
 * integ-runner: an Explorer sync of organizational units (deploy in the management account or the
 * Explorer delegated administrator account).
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import { ResourceDataSync, SyncSource } from '../src';

const app = new App();
const stack = new Stack(app, 'ResourceDataSyncExplorerOrganization');
new ResourceDataSync(stack, 'OpsData', {
  source: SyncSource.organizationalUnits(['ou-ab12-cdef3456'], { regions: ['us-east-1', 'eu-west-1'] }),
});
new IntegTest(app, 'ExplorerOrganizationIntegTest', { testCases: [stack] });
