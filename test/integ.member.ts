/*
 * integ-runner: a member account's sync into a central bucket known by name (deployed where the
 * central bucket of integ.central grants this account).
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { Annotations, App, Stack } from 'aws-cdk-lib';
import { ResourceDataSync, SyncDestination } from '../src';

const app = new App();
const stack = new Stack(app, 'ResourceDataSyncMember');
const sync = new ResourceDataSync(stack, 'ToCentral', {
  destination: SyncDestination.fromBucketName('central-inventory-111122223333', { region: 'us-east-1', prefix: 'inventory' }),
});
Annotations.of(sync).acknowledgeWarning('cdk-ssm-resource-data-sync:bucketPolicyNotManaged', 'the central bucket grants this account');
new IntegTest(app, 'MemberIntegTest', { testCases: [stack] });
