import { Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { newApp } from './util';
import { InventoryBucket, OrganizationInventory, ResourceDataSync, SyncDestination } from '../src';

/*
 * cdk-nag AwsSolutionsChecks: 0 errors and 0 warnings on the zero-config stack and on the central
 * bucket stacks. The only acknowledgment, each with its reason (listed in the README too):
 */
const NO_ACCESS_LOGS = {
  id: 'AwsSolutions-S1',
  reason: 'No serverAccessLogsBucket was given: server access logs need a second bucket that the user chooses '
    + '(often a central logging account\'s); SyncDestination.newBucket({ serverAccessLogsBucket }) turns them on.',
};

/** Findings of cdk-nag 3 on a stack (run directly: its plugin needs a newer aws-cdk-lib context). */
function findings(stack: Stack): string[] {
  return new AwsSolutionsChecks().validateScope(stack).violations
    .flatMap(v => v.violatingResources.map(r => `${v.ruleName} ${r.locations?.[0] ?? ''} ${v.description.split('\n')[0]}`));
}

const env = { account: '111122223333', region: 'us-east-1' };

test('zero-config: only S1 (no access logs) without acknowledgment, nothing with it', () => {
  const stack = new Stack(newApp(), 'ZeroConfig');
  const sync = new ResourceDataSync(stack, 'Inventory');
  expect(findings(stack).map(f => f.split(' ')[0])).toEqual(['AwsSolutions-S1']);
  Validations.of(sync.bucket!).acknowledge(NO_ACCESS_LOGS);
  expect(findings(stack)).toEqual([]);
});

test.each([
  ['listed accounts', { sourceAccounts: ['444455556666', '777788889999'], prefix: 'inventory' }],
  ['an organization', { organizationId: 'o-a1b2c3d4e5' }],
])('central bucket for %s: nothing beyond the acknowledged S1', (_, options) => {
  const stack = new Stack(newApp(), 'Central', { env });
  const central = new InventoryBucket(stack, 'Central', { bucketName: 'central-inventory-111122223333', ...options });
  const destination = SyncDestination.fromInventoryBucket(central);
  new ResourceDataSync(stack, 'Inventory', { destination });
  new ResourceDataSync(stack, 'Second', { destination });
  Validations.of(central.bucket).acknowledge(NO_ACCESS_LOGS);
  expect(findings(stack)).toEqual([]);
});

test('organization inventory (StackSet, central bucket, the deploying account\'s sync): nothing beyond the acknowledged S1', () => {
  const stack = new Stack(newApp(), 'Organization', { env });
  const organization = new OrganizationInventory(stack, 'Organization', {
    organizationId: 'o-a1b2c3d4e5', organizationalUnits: ['r-ab12'], regions: ['us-east-1', 'eu-west-1'], bucketName: 'org-inventory-111122223333',
  });
  expect(findings(stack).map(f => f.split(' ')[0])).toEqual(['AwsSolutions-S1']);
  Validations.of(organization.destination.bucket).acknowledge(NO_ACCESS_LOGS);
  expect(findings(stack)).toEqual([]);
});

test('serverAccessLogsBucket answers S1 for the destination bucket', () => {
  const stack = new Stack(newApp(), 'WithLogs', { env });
  const logs = new s3.Bucket(stack, 'AccessLogs', { enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
  new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.newBucket({ serverAccessLogsBucket: logs }) });
  // No acknowledgment at all: cdk-nag does not ask an access-log target bucket to log itself.
  expect(findings(stack)).toEqual([]);
});
