/*
 * integ-runner: the whole organization in one deploy (management account): a central bucket that
 * grants the organization, a service-managed StackSet that puts a sync in every account of the
 * root in two Regions, and the management account's own sync.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { InventoryBucket, OrganizationInventory } from '../src';

const app = new App();
const stack = new Stack(app, 'ResourceDataSyncOrganization');
const destination = new InventoryBucket(stack, 'Central', {
  bucketName: 'org-inventory-integ-111122223333',
  prefix: 'inventory',
  organizationId: 'o-a1b2c3d4e5',
  removalPolicy: RemovalPolicy.DESTROY,
});
new OrganizationInventory(stack, 'Organization', {
  organizationId: 'o-a1b2c3d4e5',
  organizationalUnits: ['r-ab12'],
  regions: ['us-east-1', 'eu-west-1'],
  destination,
});
new IntegTest(app, 'OrganizationIntegTest', { testCases: [stack] });
