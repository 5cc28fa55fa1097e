/*
 * integ-runner: the query layer over a central bucket that listed accounts write into (accountid
 * projected as an enum) and over an organization's bucket (accountid injected, plus the _all
 * tables), with a role that may run the queries.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { InventoryBucket, InventoryDatabase, ResourceDataSync, SyncDestination } from '../src';

const app = new App();
const stack = new Stack(app, 'ResourceDataSyncQuery');
const listed = new InventoryBucket(stack, 'Listed', { prefix: 'inventory', sourceAccounts: ['444455556666'], removalPolicy: RemovalPolicy.DESTROY });
new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.fromInventoryBucket(listed) });
const listedQuery = new InventoryDatabase(stack, 'ListedQuery', { inventoryBucket: listed, regions: ['us-east-1', 'eu-west-1'], removalPolicy: RemovalPolicy.DESTROY });
const organization = new InventoryBucket(stack, 'Organization', { organizationId: 'o-a1b2c3d4e5', removalPolicy: RemovalPolicy.DESTROY });
const organizationQuery = new InventoryDatabase(stack, 'OrganizationQuery', { inventoryBucket: organization, removalPolicy: RemovalPolicy.DESTROY });
const analyst = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
listedQuery.grantQuery(analyst);
organizationQuery.grantQuery(analyst);
new IntegTest(app, 'QueryIntegTest', { testCases: [stack] });
