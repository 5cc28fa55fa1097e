import { CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { InventoryBucket, InventoryDatabase, InventoryType, OrganizationInventory, ResourceDataSync, SyncDestination } from '../../src';
import { newApp } from '../util';

/*
 * No deprecated aws-cdk-lib API in the query layer: with JSII_DEPRECATED=fail (which teams set to
 * keep deprecated APIs out) aws-cdk-lib throws on the first call of one. aws-cdk-lib reports each
 * deprecated API once per process (module registry), so this file sets it before anything is
 * built. Run on the aws-cdk-lib floor and the newest by `npx projen test:compat`: the newest
 * deprecates CfnResource#addDependency.
 */
process.env.JSII_DEPRECATED = 'fail';
afterAll(() => { delete process.env.JSII_DEPRECATED; });

const ENV = { account: '111122223333', region: 'us-east-1' };

test('the query layer synthesizes with JSII_DEPRECATED=fail: one sync, listed accounts, an organization', () => {
  const stack = new Stack(newApp(), 'Query', { env: ENV });
  const sync = new ResourceDataSync(stack, 'Inventory');
  new InventoryDatabase(stack, 'OneSync', { sync });
  const listed = new InventoryBucket(stack, 'Listed', { prefix: 'inventory', sourceAccounts: ['444455556666'] });
  new InventoryDatabase(stack, 'ListedQuery', { inventoryBucket: listed });
  const org = new OrganizationInventory(stack, 'Org', {
    organizationId: 'o-a1b2c3d4e5', organizationalUnits: ['ou-ab12-cdef3456'], regions: ['us-east-1'], bucketName: 'central-inventory-111122223333',
  });
  const database = new InventoryDatabase(stack, 'OrgQuery', { inventoryBucket: org.destination, types: InventoryType.all() });
  database.grantQuery(new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() }));
  const template = Template.fromStack(stack);
  // The tables and named queries still wait for the database.
  const databaseId = Object.keys(template.findResources('AWS::Glue::Database')).find(id => id.startsWith('OrgQuery'))!;
  for (const type of ['AWS::Glue::Table', 'AWS::Athena::NamedQuery']) {
    const resources = Object.entries<any>(template.findResources(type)).filter(([id]) => id.startsWith('OrgQuery'));
    expect(resources.length).toBeGreaterThan(0);
    for (const [, resource] of resources) expect(resource.DependsOn).toContain(databaseId);
  }
});

test('the check works: a deprecated API throws', () => {
  const stack = new Stack(newApp(), 'Deprecated', { env: ENV });
  const a = new CfnResource(stack, 'A', { type: 'AWS::SNS::Topic' });
  const b = new CfnResource(stack, 'B', { type: 'AWS::SNS::Topic' });
  expect(() => a.addDependsOn(b)).toThrow(/deprecated/);
});
