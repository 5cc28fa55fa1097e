/*
 * integ-runner: syncs with the API-only fields (made by the Custom::SSMResourceDataSync custom
 * resource and its inline handler) and the sync health monitor, alarming to an SNS topic.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DestinationDataSharingType, InventoryBucket, ResourceDataSync, SyncDestination, SyncHealthMonitor, SyncSource } from '../src';

const app = new App();
const stack = new Stack(app, 'ResourceDataSyncApiFields');
const central = new InventoryBucket(stack, 'Central', { organizationId: 'o-a1b2c3d4e5', prefix: 'inventory' });
const inventory = new ResourceDataSync(stack, 'OrganizationInventory', {
  destination: SyncDestination.fromInventoryBucket(central),
  destinationDataSharing: DestinationDataSharingType.ORGANIZATION,
});
const opsData = new ResourceDataSync(stack, 'OpsData', {
  source: SyncSource.entireOrganization({ regions: ['us-east-1', 'us-west-2'], enableAllOpsDataSources: true }),
});
new SyncHealthMonitor(stack, 'SyncHealth', { syncs: [inventory, opsData], alarmTopic: new sns.Topic(stack, 'Alarms') });
new IntegTest(app, 'ApiFieldsIntegTest', { testCases: [stack] });
