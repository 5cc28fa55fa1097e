import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FakeOrganization, sdkModules } from './fake-organization';
import { InventoryAccounts, InventoryDatabase, OrganizationCoverage, OrganizationInventory } from '../../src';
import { validate } from '../botocore';
import { loadInlineHandler, testWithTemplate } from '../inline-handler';
import { athenaReadErrors } from '../query/athena-openx';
import { newApp } from '../util';

/*
 * The coverage census handler (src/organization/coverage-handler.js), run from the text embedded in
 * the template, against in-memory Organizations, S3, CloudFormation, CloudWatch and Account
 * Management (./fake-organization.ts). Every request of every test is validated against botocore's
 * models at the end.
 */
const NOW = Date.parse('2026-06-01T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW - h * 3600_000);
const MGMT = '111122223333';
const SET = 'org-inventory';

let fake: FakeOrganization;
let handler: any;
const sleeps: number[] = [];
const allRequests: Array<{ service: string; operation: string; params: any }> = [];

function config(overrides: any = {}): void {
  process.env.CONFIG = JSON.stringify({
    bucket: 'org-inventory-111122223333',
    prefix: '',
    targets: ['r-ab12'],
    regions: ['us-east-1', 'eu-west-1'],
    mgmt: MGMT,
    mgmtRegions: ['us-east-1'],
    optIn: [],
    stackSet: SET,
    callAs: 'SELF',
    staleHours: 48,
    graceHours: 48,
    namespace: 'ResourceDataSync',
    perAccount: false,
    ...overrides,
  });
}

function account(id: string, joinedHoursAgo: number, state = 'ACTIVE', parent = 'r-ab12'): void {
  fake.accounts.push({ Id: id, State: state, JoinedTimestamp: hoursAgo(joinedHoursAgo), parent });
}

function instance(accountId: string, region: string, detailed = 'SUCCEEDED', reason?: string): void {
  fake.stackInstances.push({
    StackSetId: `${SET}:1234`,
    Region: region,
    Account: accountId,
    Status: detailed === 'SUCCEEDED' ? 'CURRENT' : 'INOPERABLE',
    StatusReason: reason,
    StackInstanceStatus: { DetailedStatus: detailed },
    OrganizationalUnitId: 'r-ab12',
  });
}

const metric = (name: string, accountId?: string) =>
  fake.metricData.find(d => d.MetricName === name && d.Dimensions?.[0]?.Value === accountId)?.Value;
const row = (accountId: string, region?: string) => fake.report().find(r => r.accountid === accountId && r.region === region);

beforeEach(() => {
  fake = new FakeOrganization();
  handler = loadInlineHandler(path.join(__dirname, '..', '..', 'src', 'organization'), sdkModules(fake), 'coverage-handler.js');
  handler.sleep = async (ms: number) => { sleeps.push(ms); };
  sleeps.length = 0;
  jest.useFakeTimers({ now: NOW, doNotFake: ['setTimeout', 'setImmediate', 'nextTick'] });
  config();
});
afterEach(() => {
  jest.useRealTimers();
  allRequests.push(...fake.calls.map(c => ({ service: c.service, operation: c.operation, params: c.input })));
});

describe('a census of the whole organization', () => {
  beforeEach(async () => {
    account(MGMT, 10_000);
    // Reporting everywhere.
    account('222222222222', 10_000);
    fake.write('222222222222', 'us-east-1', hoursAgo(2), 3);
    fake.write('222222222222', 'eu-west-1', hoursAgo(5));
    instance('222222222222', 'us-east-1');
    instance('222222222222', 'eu-west-1');
    // Silent in eu-west-1 since 100 hours: its stack instance failed (5 syncs already there).
    account('333333333333', 10_000);
    fake.write('333333333333', 'us-east-1', hoursAgo(1));
    fake.write('333333333333', 'eu-west-1', hoursAgo(100));
    instance('333333333333', 'us-east-1');
    instance('333333333333', 'eu-west-1', 'FAILED', 'ResourceLogicalId:Inventory, ResourceType:AWS::SSM::ResourceDataSync, ResourceStatusReason:You have exceeded the allowed maximum sync configurations.');
    // Joined an hour ago: no data yet, in its grace period.
    account('444444444444', 1);
    // Suspended: not read, not silent.
    account('555555555555', 10_000, 'SUSPENDED');
    // No data at all, ever, though its stack instances succeeded (no managed nodes, or no collection).
    account('666666666666', 10_000);
    instance('666666666666', 'us-east-1');
    instance('666666666666', 'eu-west-1');
    // The management account: its own sync in us-east-1 only (no StackSet instance).
    fake.write(MGMT, 'us-east-1', hoursAgo(3));
    await handler.handler();
  });

  test('reporting, silent, new, inactive and never-written accounts each get their status', () => {
    expect(row('222222222222', 'us-east-1')).toMatchObject({ status: 'REPORTING', agehours: 2, lastwrite: hoursAgo(2).toISOString() });
    expect(row('333333333333', 'us-east-1').status).toBe('REPORTING');
    expect(row('444444444444', 'us-east-1')).toMatchObject({ status: 'NEW', lastwrite: null });
    expect(row('555555555555')).toMatchObject({ status: 'INACTIVE', state: 'SUSPENDED' });
    expect(row('666666666666', 'eu-west-1')).toMatchObject({ status: 'SILENT', lastwrite: null, agehours: null });
    expect(row(MGMT, 'us-east-1').status).toBe('REPORTING');
    expect(fake.report().filter(r => r.accountid === MGMT)).toHaveLength(1);
  });

  test('a silent account-Region says since when and why (its stack instance\'s status and reason)', () => {
    expect(row('333333333333', 'eu-west-1')).toMatchObject({
      status: 'SILENT',
      lastwrite: hoursAgo(100).toISOString(),
      agehours: 100,
      instance: { Status: 'INOPERABLE', StackInstanceStatus: { DetailedStatus: 'FAILED' }, StatusReason: expect.stringMatching(/maximum sync configurations/) },
    });
  });

  test('aggregate metrics: silent accounts and account-Regions, reporting accounts, the oldest newest data', () => {
    expect(fake.metricData.every(d => d.Namespace === 'ResourceDataSync' && d.Dimensions === undefined)).toBe(true);
    expect(metric('SilentAccounts')).toBe(2);
    expect(metric('SilentAccountRegions')).toBe(3);
    // 222222222222 and the management account.
    expect(metric('ReportingAccounts')).toBe(2);
    expect(metric('MaxDataAgeHours')).toBe(100);
    expect(fake.metricData).toHaveLength(4);
  });

  test('the report is one JSON line per account and Region, in the central bucket', () => {
    expect(fake.puts.map(p => p.key)).toEqual(['coverage/report.json']);
    expect(fake.report()).toHaveLength(1 + 2 + 2 + 2 + 1 + 2);
    expect(new Set(fake.report().map(r => r.checkedat))).toEqual(new Set([new Date(NOW).toISOString()]));
  });

  testWithTemplate(path.join(__dirname, '..', '..', 'src', 'organization'), 'coverage-handler.js')('each line reads in Athena through the synthesized `coverage` table (OpenX JSON SerDe model)', () => {
    const stack = new Stack(newApp(), 'Stack', { env: { account: MGMT, region: 'us-east-1' } });
    const inventory = new OrganizationInventory(stack, 'Organization', {
      organizationId: 'o-a1b2c3d4e5', organizationalUnits: ['r-ab12'], regions: ['us-east-1', 'eu-west-1'], bucketName: 'org-inventory-111122223333',
    });
    const database = new InventoryDatabase(stack, 'Query', { inventoryBucket: inventory.destination, accounts: InventoryAccounts.organization() });
    const coverage = new OrganizationCoverage(stack, 'Coverage', { inventory, database });
    const tableInput = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(coverage.reportTable!)].Properties.TableInput;
    const lines = fake.puts[0].body.split('\n');
    expect(lines.flatMap(line => athenaReadErrors(line, tableInput))).toEqual([]);
    // Every key of a line is a column.
    const columns = tableInput.StorageDescriptor.Columns.map((c: any) => c.Name);
    expect(new Set(lines.flatMap(line => Object.keys(JSON.parse(line))).filter(k => !columns.includes(k)))).toEqual(new Set());
  });

  test('one listing per active account; none for the suspended one', () => {
    expect(fake.calls.filter(c => c.operation === 'ListObjectsV2').map(c => c.input.Prefix)).toEqual(
      [MGMT, '222222222222', '333333333333', '444444444444', '666666666666'].map(id => `AWS:InstanceInformation/accountid=${id}/`));
    expect(fake.count('ListAccounts')).toBe(1);
    expect(fake.calls.find(c => c.operation === 'ListStackInstances')!.input).toEqual({ StackSetName: SET, CallAs: 'SELF' });
  });
});

test('target OUs: the accounts of each OU and of the OUs under it, no others; every page, empty ones too', async () => {
  config({ targets: ['ou-ab12-11111111'] });
  fake.ous.set('ou-ab12-11111111', 'r-ab12');
  fake.ous.set('ou-ab12-22222222', 'ou-ab12-11111111');
  for (let i = 0; i < 25; i++) account(String(700000000000 + i), 10_000, 'ACTIVE', 'ou-ab12-22222222');
  account('888888888888', 10_000, 'ACTIVE', 'ou-ab12-11111111');
  account('999999999999', 10_000, 'ACTIVE', 'r-ab12');
  fake.emptyPages = true;
  await handler.handler();
  const accounts = new Set(fake.report().map(r => r.accountid));
  expect(accounts.size).toBe(26);
  expect(accounts.has('999999999999')).toBe(false);
  // ou-1: one page of accounts (after an empty one); ou-2: two pages of 20 and 5 (each after an empty one).
  expect(fake.calls.filter(c => c.operation === 'ListAccountsForParent').map(c => [c.input.ParentId, c.input.NextToken])).toEqual([
    ['ou-ab12-11111111', undefined], ['ou-ab12-11111111', '0:1'],
    ['ou-ab12-22222222', undefined], ['ou-ab12-22222222', '0:1'], ['ou-ab12-22222222', '20:0'], ['ou-ab12-22222222', '20:1'],
  ]);
  expect(fake.count('ListAccounts')).toBe(0);
  expect(metric('SilentAccounts')).toBe(26);
});

test('a root among the targets: the whole organization, by ListAccounts, with no walk of the OUs', async () => {
  config({ targets: ['ou-ab12-11111111', 'r-ab12'] });
  fake.ous.set('ou-ab12-11111111', 'r-ab12');
  account('888888888888', 10_000, 'ACTIVE', 'ou-ab12-11111111');
  account('999999999999', 10_000, 'ACTIVE', 'r-ab12');
  await handler.handler();
  expect(fake.report().map(r => r.accountid)).toEqual(['888888888888', '888888888888', '999999999999', '999999999999']);
  expect(fake.count('ListAccounts')).toBe(1);
  expect(fake.count('ListAccountsForParent') + fake.count('ListOrganizationalUnitsForParent')).toBe(0);
});

test('S3 listing: every page of an account with 2,500 nodes; the newest write is on the last page', async () => {
  account('222222222222', 10_000);
  fake.write('222222222222', 'eu-west-1', hoursAgo(60), 1500);
  fake.write('222222222222', 'us-east-1', hoursAgo(70), 999);
  fake.objects.set('AWS:InstanceInformation/accountid=222222222222/region=us-east-1/resourcetype=ManagedInstanceInventory/i-zzzzzzzzzzzzzzzzz.json', hoursAgo(4));
  fake.write('222222222223', 'us-east-1', hoursAgo(1));
  await handler.handler();
  expect(fake.calls.filter(c => c.operation === 'ListObjectsV2').map(c => c.input.ContinuationToken)).toEqual([undefined, '1000', '2000']);
  expect(row('222222222222', 'us-east-1')).toMatchObject({ status: 'REPORTING', agehours: 4 });
  expect(row('222222222222', 'eu-west-1')).toMatchObject({ status: 'SILENT', agehours: 60 });
});

test('the newest write of an account-Region counts, wherever S3 lists it; a key without a Region is ignored', async () => {
  account('222222222222', 10_000);
  // Listed in key order: the newest node first, an older one after it.
  fake.objects.set('AWS:InstanceInformation/accountid=222222222222/region=us-east-1/resourcetype=ManagedInstanceInventory/i-00000000000000000.json', hoursAgo(2));
  fake.objects.set('AWS:InstanceInformation/accountid=222222222222/region=us-east-1/resourcetype=ManagedInstanceInventory/i-11111111111111111.json', hoursAgo(100));
  fake.objects.set('AWS:InstanceInformation/accountid=222222222222/stray.json', hoursAgo(1));
  await handler.handler();
  expect(row('222222222222', 'us-east-1')).toMatchObject({ status: 'REPORTING', agehours: 2 });
  expect(row('222222222222', 'eu-west-1')).toMatchObject({ status: 'SILENT', lastwrite: null });
  expect(fake.report()).toHaveLength(2);
});

test('at the boundaries: data exactly staleHours old still reports; an account that joined exactly graceHours ago is no longer NEW', async () => {
  config({ regions: ['us-east-1'], staleHours: 48, graceHours: 72 });
  account('222222222222', 10_000);
  fake.write('222222222222', 'us-east-1', hoursAgo(48));
  account('333333333333', 10_000);
  fake.write('333333333333', 'us-east-1', new Date(NOW - 48 * 3600_000 - 1));
  account('444444444444', 72);
  account('555555555555', 71.9);
  await handler.handler();
  expect(row('222222222222', 'us-east-1')).toMatchObject({ status: 'REPORTING', agehours: 48 });
  expect(row('333333333333', 'us-east-1').status).toBe('SILENT');
  expect(row('444444444444', 'us-east-1').status).toBe('SILENT');
  expect(row('555555555555', 'us-east-1').status).toBe('NEW');
});

test('a prefix: the listing and the report are under it', async () => {
  config({ prefix: 'inventory/' });
  account('222222222222', 10_000);
  fake.write('222222222222', 'us-east-1', hoursAgo(1), 1, 'inventory/');
  await handler.handler();
  expect(fake.calls.find(c => c.operation === 'ListObjectsV2')!.input).toEqual({ Bucket: 'org-inventory-111122223333', Prefix: 'inventory/AWS:InstanceInformation/accountid=222222222222/' });
  expect(fake.puts[0].key).toBe('inventory/coverage/report.json');
  expect(row('222222222222', 'us-east-1').status).toBe('REPORTING');
});

test('ListStackInstances: every page; each failed instance\'s reason reaches its row', async () => {
  for (let i = 0; i < 120; i++) {
    const id = String(700000000000 + i);
    account(id, 10_000);
    instance(id, 'us-east-1', i % 2 === 0 ? 'FAILED' : 'SUCCEEDED', i % 2 === 0 ? `reason ${i}` : undefined);
  }
  config({ regions: ['us-east-1'] });
  await handler.handler();
  expect(fake.calls.filter(c => c.operation === 'ListStackInstances').map(c => c.input.NextToken)).toEqual([undefined, '100']);
  expect(row('700000000118', 'us-east-1').instance).toMatchObject({ StatusReason: 'reason 118', StackInstanceStatus: { DetailedStatus: 'FAILED' } });
  expect(row('700000000119', 'us-east-1').instance.StatusReason).toBeUndefined();
});

test('a Region not enabled in an account: REGION_DISABLED, not silent; no answer: silent, and says why', async () => {
  config({ regions: ['us-east-1', 'ap-east-1'], optIn: ['ap-east-1'] });
  account('222222222222', 10_000);
  account('333333333333', 10_000);
  fake.write('222222222222', 'us-east-1', hoursAgo(1));
  fake.write('333333333333', 'us-east-1', hoursAgo(1));
  fake.optStatus.set('222222222222/ap-east-1', 'DISABLED');
  fake.optStatus.set('333333333333/ap-east-1', 'denied');
  await handler.handler();
  expect(row('222222222222', 'ap-east-1')).toMatchObject({ status: 'REGION_DISABLED', optin: 'DISABLED' });
  expect(row('333333333333', 'ap-east-1')).toMatchObject({ status: 'SILENT', optin: 'unknown: AccessDeniedException' });
  // Asked only for the silent opt-in Regions.
  expect(fake.calls.filter(c => c.operation === 'GetRegionOptStatus').map(c => c.input)).toEqual([
    { AccountId: '222222222222', RegionName: 'ap-east-1' }, { AccountId: '333333333333', RegionName: 'ap-east-1' },
  ]);
  expect(metric('SilentAccountRegions')).toBe(1);
});

test('Account Management is asked only for silent opt-in Regions: not for a reporting or new one, nor for a silent standard Region', async () => {
  config({ regions: ['us-east-1', 'ap-east-1'], optIn: ['ap-east-1'] });
  // Reports from the opt-in Region, silent in the standard one.
  account('222222222222', 10_000);
  fake.write('222222222222', 'ap-east-1', hoursAgo(1));
  // New, with the opt-in Region disabled: new until its grace period ends.
  account('333333333333', 1);
  fake.optStatus.set('333333333333/ap-east-1', 'DISABLED');
  await handler.handler();
  expect(fake.count('GetRegionOptStatus')).toBe(0);
  expect(row('222222222222', 'us-east-1')).toEqual(expect.not.objectContaining({ optin: expect.anything() }));
  expect(row('222222222222', 'us-east-1').status).toBe('SILENT');
  expect(row('222222222222', 'ap-east-1').status).toBe('REPORTING');
  expect(fake.report().filter(r => r.accountid === '333333333333').map(r => r.status)).toEqual(['NEW', 'NEW']);
});

test('ReportingAccounts: the accounts with a reporting Region and no silent one; a disabled Region does not count against one, new, inactive and untargeted ones are not reporting', async () => {
  config({ regions: ['us-east-1', 'ap-east-1'], optIn: ['ap-east-1'], mgmtRegions: [] });
  account(MGMT, 10_000);
  account('222222222222', 10_000);
  fake.write('222222222222', 'us-east-1', hoursAgo(1));
  fake.write('222222222222', 'ap-east-1', hoursAgo(1));
  account('333333333333', 10_000);
  fake.write('333333333333', 'us-east-1', hoursAgo(1));
  fake.optStatus.set('333333333333/ap-east-1', 'DISABLED');
  account('444444444444', 1);
  account('555555555555', 10_000, 'SUSPENDED');
  account('666666666666', 10_000);
  fake.write('666666666666', 'us-east-1', hoursAgo(1));
  await handler.handler();
  expect(fake.report().map(r => [r.accountid, r.region, r.status])).toEqual([
    [MGMT, undefined, 'NOT_TARGETED'],
    ['222222222222', 'us-east-1', 'REPORTING'], ['222222222222', 'ap-east-1', 'REPORTING'],
    ['333333333333', 'us-east-1', 'REPORTING'], ['333333333333', 'ap-east-1', 'REGION_DISABLED'],
    ['444444444444', 'us-east-1', 'NEW'], ['444444444444', 'ap-east-1', 'NEW'],
    ['555555555555', undefined, 'INACTIVE'],
    ['666666666666', 'us-east-1', 'REPORTING'], ['666666666666', 'ap-east-1', 'SILENT'],
  ]);
  expect(metric('ReportingAccounts')).toBe(2);
  expect(metric('SilentAccounts')).toBe(1);
  expect(metric('SilentAccountRegions')).toBe(1);
});

test('the management account without a sync of its own: NOT_TARGETED, not silent', async () => {
  config({ mgmtRegions: [] });
  account(MGMT, 10_000);
  await handler.handler();
  expect(fake.report()).toEqual([expect.objectContaining({ accountid: MGMT, status: 'NOT_TARGETED' })]);
  expect(metric('SilentAccounts')).toBe(0);
  expect(metric('MaxDataAgeHours')).toBeUndefined();
});

test('per-account metrics: silent Regions and the age of the oldest newest data of each account with a Region, with an AccountId dimension; none for an inactive or untargeted account', async () => {
  config({ perAccount: true, mgmtRegions: [] });
  account('222222222222', 10_000);
  account('333333333333', 10_000);
  fake.write('222222222222', 'us-east-1', hoursAgo(2));
  fake.write('222222222222', 'eu-west-1', hoursAgo(3));
  // Data in one Region of two.
  account('444444444444', 10_000);
  fake.write('444444444444', 'us-east-1', hoursAgo(5));
  account('555555555555', 10_000, 'SUSPENDED');
  account(MGMT, 10_000);
  await handler.handler();
  expect(metric('SilentRegions', '222222222222')).toBe(0);
  expect(metric('DataAgeHours', '222222222222')).toBe(3);
  expect(metric('SilentRegions', '333333333333')).toBe(2);
  expect(metric('DataAgeHours', '333333333333')).toBeUndefined();
  expect(fake.metricData.filter(d => d.Dimensions !== undefined)).toEqual([
    ['SilentRegions', 0, '222222222222'], ['DataAgeHours', 3, '222222222222'],
    ['SilentRegions', 2, '333333333333'],
    ['SilentRegions', 1, '444444444444'], ['DataAgeHours', 5, '444444444444'],
  ].map(([MetricName, Value, id]) => ({ MetricName, Value, Dimensions: [{ Name: 'AccountId', Value: id }], Namespace: 'ResourceDataSync' })));
});

test('throttling: retried with backoff on top of the SDK\'s own retries', async () => {
  account('222222222222', 10_000);
  fake.throttled.set('ListAccounts', 4);
  fake.throttled.set('ListObjectsV2', 3);
  await handler.handler();
  expect(sleeps).toEqual([500, 500]);
  expect(fake.count('ListAccounts')).toBe(5);
  expect(fake.puts).toHaveLength(1);
});

test('throttling that does not stop fails the run (the alarm counts the error), before any metric', async () => {
  account('222222222222', 10_000);
  fake.throttled.set('ListAccounts', 1000);
  await expect(handler.handler()).rejects.toThrow('Rate exceeded');
  expect(sleeps).toEqual([500, 1000, 2000, 4000]);
  expect(fake.metricData).toEqual([]);
});

test('the backoff between retries really waits: sleep(ms) ends, and not before ms', async () => {
  const { sleep } = loadInlineHandler(path.join(__dirname, '..', '..', 'src', 'organization'), sdkModules(fake), 'coverage-handler.js');
  const timer = (ms: number) => new Promise(r => setTimeout(() => r('timer'), ms));
  const slept = async (ms: number) => { await sleep(ms); return 'slept'; };
  expect(await Promise.race([slept(50), timer(10)])).toBe('timer');
  expect(await Promise.race([slept(10), timer(500)])).toBe('slept');
});

/** Request counts of one run: `accounts` accounts, `regions` Regions each, `nodes` nodes per account-Region. */
async function measure(accounts: number, nodes: number, perAccount: boolean): Promise<Record<string, number>> {
  fake = new FakeOrganization();
  handler = loadInlineHandler(path.join(__dirname, '..', '..', 'src', 'organization'), sdkModules(fake), 'coverage-handler.js');
  const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
  config({ regions, perAccount });
  for (let i = 0; i < accounts; i++) {
    const id = String(200000000000 + i);
    account(id, 10_000);
    for (const r of regions) {
      fake.write(id, r, hoursAgo(1), nodes);
      instance(id, r);
    }
  }
  await handler.handler();
  const counts: Record<string, number> = {};
  for (const c of fake.calls) counts[c.operation] = (counts[c.operation] ?? 0) + 1;
  return counts;
}

test('requests per run at 10, 100 and 1,000 accounts (3 Regions, 20 nodes each): the figures of the README', async () => {
  expect(await measure(10, 20, false)).toEqual({ ListStackInstances: 1, ListAccounts: 1, ListObjectsV2: 10, PutMetricData: 1, PutObject: 1 });
  expect(await measure(100, 20, false)).toEqual({ ListStackInstances: 3, ListAccounts: 5, ListObjectsV2: 100, PutMetricData: 1, PutObject: 1 });
  expect(await measure(1000, 20, false)).toEqual({ ListStackInstances: 30, ListAccounts: 50, ListObjectsV2: 1000, PutMetricData: 1, PutObject: 1 });
  // What an Athena query would read instead: every object (600 and 60,000), every account-Region prefix.
  expect(fake.objects.size).toBe(60_000);
  // Per-account metrics: 2 per account, 500 per request.
  expect(await measure(1000, 20, true)).toMatchObject({ PutMetricData: 5 });
  // 400 nodes per account-Region (1,200 keys an account): two pages each.
  expect(await measure(10, 400, false)).toMatchObject({ ListObjectsV2: 20 });
});

test('PutMetricData: at most 500 metrics a request, each metric once (500 metrics: one request; 502: two)', async () => {
  // 4 aggregate metrics and 2 per account.
  const sizes = () => fake.calls.filter(c => c.operation === 'PutMetricData').map(c => c.input.MetricData.length);
  await measure(248, 1, true);
  expect(sizes()).toEqual([500]);
  await measure(249, 1, true);
  expect(sizes()).toEqual([500, 2]);
  expect(new Set(fake.metricData.map(d => `${d.MetricName}:${d.Dimensions?.[0]?.Value}`)).size).toBe(502);
});

test('every request of the tests above (one per operation and shape) is valid for botocore\'s models', () => {
  const seen = new Map<string, { service: string; operation: string; params: any }>();
  for (const r of allRequests) seen.set(`${r.operation}:${JSON.stringify(Object.keys(r.params).sort())}:${JSON.stringify(r.params).length > 2000 ? 'big' : JSON.stringify(r.params)}`, r);
  const requests = [...seen.values()].map(r => ({ ...r, params: JSON.parse(JSON.stringify(r.params)) }));
  const report = validate(requests);
  const invalid = report.results.map((r: any, i: number) => ({ ...r, params: requests[i].params })).filter((r: any) => r.problems.length > 0);
  if (invalid.length > 0) throw new Error(`requests botocore rejects: ${JSON.stringify(invalid).slice(0, 2000)}`);
  expect(new Set(requests.map(r => r.operation))).toEqual(new Set([
    'ListAccounts', 'ListAccountsForParent', 'ListOrganizationalUnitsForParent', 'ListStackInstances', 'ListObjectsV2', 'PutMetricData', 'PutObject', 'GetRegionOptStatus',
  ]));
});
