import * as fs from 'fs';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { InventoryEngine } from './engine';
import { ACCOUNT_A, ACCOUNT_B, ACCOUNT_C, writeSampleData } from './sample-data';
import { InventoryBucket, InventoryDatabase, ResourceDataSync, SyncDestination } from '../../src';
import { newApp } from '../util';

/*
 * Every named query runs in DuckDB over sample data laid out as resource data sync writes it, with
 * each table read as the synthesized template defines it (test/query/engine.ts), for a destination
 * of listed accounts (accountid projected as an enum) and for an organization (accountid injected,
 * plus the `_all` tables). The sample data: accounts A and B write into the listed destination's
 * bucket, and so does C, which is not listed (the organization sees all three).
 */

const ENV = { account: ACCOUNT_A, region: 'us-east-1' };
const PREFIX = 'inventory';

function listedTemplate(): any {
  const stack = new Stack(newApp(), 'Listed', { env: ENV });
  const destination = new InventoryBucket(stack, 'Destination', { prefix: PREFIX, sourceAccounts: [ACCOUNT_B] });
  new ResourceDataSync(stack, 'Inventory', { destination: SyncDestination.fromInventoryBucket(destination) });
  new InventoryDatabase(stack, 'Query', { inventoryBucket: destination, databaseName: 'inventory' });
  return Template.fromStack(stack).toJSON();
}

function organizationTemplate(): any {
  const stack = new Stack(newApp(), 'Organization', { env: ENV });
  const destination = new InventoryBucket(stack, 'Destination', { prefix: PREFIX, organizationId: 'o-a1b2c3d4e5' });
  new InventoryDatabase(stack, 'Query', { inventoryBucket: destination, databaseName: 'org_inventory' });
  return Template.fromStack(stack).toJSON();
}

/** The named queries of a template, by id (the end of their name), with their database. */
function namedQueries(template: any): Record<string, { sql: string; database: string }> {
  return Object.fromEntries(Object.values<any>(template.Resources)
    .filter(r => r.Type === 'AWS::Athena::NamedQuery')
    .map(r => [r.Properties.Name.replace(/^[a-z0-9_]+-/, ''), { sql: r.Properties.QueryString, database: r.Properties.Database }]));
}

const sample = writeSampleData(PREFIX);
afterAll(() => fs.rmSync(sample.root, { recursive: true, force: true }));

describe.each([
  ['listed accounts', listedTemplate, [ACCOUNT_A, ACCOUNT_B]],
  ['an organization', organizationTemplate, [ACCOUNT_A, ACCOUNT_B, ACCOUNT_C]],
])('named queries for %s', (_, build, accounts) => {
  const template = build();
  const queries = namedQueries(template);
  let engine: InventoryEngine;
  beforeAll(async () => { engine = await InventoryEngine.create(template, sample.root); });
  afterAll(() => engine?.close());
  const run = (id: string, parameters: Array<string | number> = []) => engine.query(queries[id].database, queries[id].sql, parameters);
  const seen = (rows: Array<Record<string, unknown>>) => rows.filter(r => accounts.includes(String(r.accountid)));

  test('there are six, all in the database of the template', () => {
    expect(Object.keys(queries).sort()).toEqual([
      'managed-nodes', 'noncompliant-by-severity', 'nodes-missing-patches', 'nodes-not-reporting',
      'nodes-per-account-and-region', 'nodes-with-application',
    ].sort());
    const database = Object.values<any>(template.Resources).find(r => r.Type === 'AWS::Glue::Database').Properties.DatabaseInput.Name;
    for (const query of Object.values(queries)) expect(query.database).toBe(database);
  });

  test('managed-nodes: every node with platform, agent version and capture time', async () => {
    const rows = await run('managed-nodes');
    expect(rows.map(r => [r.accountid, r.region, r.instanceid, r.platformtype, r.agentversion])).toEqual(seen([
      { accountid: ACCOUNT_A, row: ['eu-west-1', 'i-0a3', 'Linux', '3.1.0.0'] },
      { accountid: ACCOUNT_A, row: ['us-east-1', 'i-0a1', 'Linux', '3.3.40.0'] },
      { accountid: ACCOUNT_A, row: ['us-east-1', 'i-0a2', 'Windows', '3.2.1000.0'] },
      { accountid: ACCOUNT_B, row: ['us-east-1', 'i-0b1', 'Linux', '3.3.40.0'] },
      { accountid: ACCOUNT_C, row: ['eu-west-1', 'i-0c1', 'Linux', '3.3.40.0'] },
    ] as any).map((r: any) => [r.accountid, ...r.row]));
    for (const row of rows) expect(row.capturetime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // The probe object is no node.
    expect(rows.every(r => r.instanceid)).toBe(true);
  });

  test.each([
    ['nginx%', '%', [['111122223333', 'i-0a3', '1.18.0'], ['111122223333', 'i-0a1', '1.24.0'], ['444455556666', 'i-0b1', '1.25.3'], ['777788889999', 'i-0c1', '1.22.1']]],
    ['NGINX', '1.2%', [['111122223333', 'i-0a1', '1.24.0'], ['444455556666', 'i-0b1', '1.25.3'], ['777788889999', 'i-0c1', '1.22.1']]],
    ['amazon ssm agent', '%', [['111122223333', 'i-0a2', '3.2.1000.0']]],
    ['postgres%', '%', []],
  ])('nodes-with-application(%j, %j)', async (name, version, expected) => {
    const rows = await run('nodes-with-application', [name, version]);
    expect(rows.map(r => [r.accountid, r.instanceid, r.version])).toEqual(expected.filter(e => accounts.includes(e[0])));
    for (const row of rows) expect(row.computername).toBeTruthy();
  });

  test('nodes-missing-patches: the worst first', async () => {
    const rows = await run('nodes-missing-patches');
    expect(rows.map(r => [r.instanceid, r.criticalnoncompliantcount, r.securitynoncompliantcount, r.missingcount, r.failedcount]))
      .toEqual([['i-0a1', '1', '1', '2', '0'], ['i-0c1', '0', '2', '5', '0'], ['i-0b1', '0', '0', '0', '1']]
        .filter(r => accounts.includes(ACCOUNT_C) || r[0] !== 'i-0c1'));
  });

  test.each([
    ['Patch', [['i-0a1', 'CRITICAL', '1'], ['i-0a1', 'HIGH', '1'], ['i-0c1', 'HIGH', '2'], ['i-0b1', 'MEDIUM', '1']]],
    ['Association', [['i-0a2', 'MEDIUM', '1']]],
  ])('noncompliant-by-severity(%j)', async (type, expected) => {
    const rows = await run('noncompliant-by-severity', [type]);
    expect(rows.map(r => [r.instanceid, r.severity, r.noncompliantitems]))
      .toEqual(expected.filter(r => accounts.includes(ACCOUNT_C) || r[0] !== 'i-0c1'));
  });

  test.each([
    [7, ['i-0a2']],
    [30, []],
  ])('nodes-not-reporting(%j): terminated nodes left out', async (days, expected) => {
    const rows = await run('nodes-not-reporting', [days]);
    expect(rows.map(r => r.instanceid)).toEqual(expected);
    // Athena counts whole days, DuckDB day boundaries: 10 days and 1 hour ago is 10 or 11.
    for (const row of rows) expect(['10', '11']).toContain(row.dayssincecapture);
  });

  test('nodes-per-account-and-region', async () => {
    const rows = await run('nodes-per-account-and-region');
    expect(rows.map(r => [r.accountid, r.region, r.platformtype, r.nodes, r.terminatednodes])).toEqual([
      [ACCOUNT_A, 'eu-west-1', 'Linux', '0', '1'],
      [ACCOUNT_A, 'us-east-1', 'Linux', '1', '0'],
      [ACCOUNT_A, 'us-east-1', 'Windows', '1', '0'],
      [ACCOUNT_B, 'us-east-1', 'Linux', '1', '0'],
      [ACCOUNT_C, 'eu-west-1', 'Linux', '1', '0'],
    ].filter(r => accounts.includes(r[0])));
  });
});

/*
 * A query filtered by account and Region reads only that partition's files. The figures are in
 * the README ("Query the inventory", "What a query reads"); the test prints them.
 */
describe('files a query opens', () => {
  const figures: string[] = [];
  afterAll(() => console.log(`files opened (sample data: ${JSON.stringify(sample.files)}):\n${figures.join('\n')}`));

  test.each([
    ['listed accounts', listedTemplate, 'inventory'],
    ['an organization', organizationTemplate, 'org_inventory'],
  ])('%s', async (what, build, database) => {
    const engine = await InventoryEngine.create(build(), sample.root);
    try {
      const files = async (sql: string) => {
        const count = await engine.filesRead(database, sql);
        figures.push(`${what}: ${count} for ${sql}`);
        return count;
      };
      const one = `SELECT count(*) FROM aws_application WHERE accountid = '${ACCOUNT_A}' AND region = 'us-east-1'`;
      // Account A has two nodes in us-east-1 (one file each) and one in eu-west-1.
      expect(await files(one)).toBe(2);
      expect(await engine.query(database, one)).toEqual([{ 'count_star()': '3' }]);
      expect(await files(`SELECT count(*) FROM aws_application WHERE accountid = '${ACCOUNT_A}'`)).toBe(3);
      expect(await files(`SELECT count(*) FROM aws_instanceinformation WHERE accountid = '${ACCOUNT_B}' AND region = 'us-east-1'`)).toBe(1);
      if (what === 'listed accounts') {
        // All listed accounts, without a filter: every data file of A and B, not C's, never a probe object.
        expect(await files('SELECT count(*) FROM aws_application')).toBe(4);
        expect(await files('SELECT count(*) FROM aws_instanceinformation')).toBe(4);
      } else {
        // The injected table needs the account; the _all table reads every account's files (and the probes, which the named queries skip).
        expect(await files('SELECT count(*) FROM aws_application_all')).toBe(5);
        expect(await files('SELECT count(*) FROM aws_instanceinformation_all')).toBe(8);
        const rows = await engine.query(database, `SELECT DISTINCT accountid FROM aws_application WHERE accountid IN ('${ACCOUNT_B}', '${ACCOUNT_C}') ORDER BY 1`);
        expect(rows).toEqual([{ accountid: ACCOUNT_B }, { accountid: ACCOUNT_C }]);
      }
    } finally {
      engine.close();
    }
  });
});
