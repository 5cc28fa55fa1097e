import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { athenaReadErrors } from './athena-openx';
import { ENV, listedDatabase, organizationDatabase, PREFIX } from './sample-apps';
import {
  ACCOUNT_A, ACCOUNT_B, ACCOUNT_C, isLive, NODES, PROJECTED_REGIONS, SampleFile, SampleNode, writeSampleData,
} from './sample-data';
import { registerTemplate } from './trino/catalog';
import { newDataRoot, removeDataRoot, sqlLiteral, TrinoServer } from './trino/server';
import {
  InventoryColumnType, InventoryDatabase, InventoryType, ResourceDataSync,
} from '../../src';
import { fixture, newApp } from '../util';

/*
 * The query layer in Trino, the engine Athena engine version 3 is built on (test/query/trino/):
 * every table and view is created from the synthesized TableInput verbatim, so partition
 * projection, the SerDe and the views are Trino's reading of what the template says. Three
 * databases over the sample data (test/query/sample-data.ts):
 * - `listed`: a shared destination that accounts A and B write into (accountid an enum), the
 *   Regions given;
 * - `organization`: the destination of an OrganizationInventory (accountid injected, the `_all`
 *   views), whose Regions the database projects;
 * - `onesync`: one sync with a new bucket (its account and Region).
 * Account C writes into the bucket but is listed by neither `listed` nor `onesync`; ap-southeast-2
 * is projected by none.
 *
 * Not run by `npx projen test:compat` (scripts/compat.js): it tests SQL, not aws-cdk-lib.
 */


interface Database {
  readonly name: string;
  /** The folder that stands for its bucket. */
  readonly folder: string;
  readonly accounts: string[];
  readonly regions: string[];
  readonly organization: boolean;
  /**
   * Its synthesized template, written into Trino's metastore: built in the first test that calls it
   * (in every test under mutation testing, see `fixture`), so that a library error fails the tests,
   * not the file's loading.
   */
  readonly template: () => any;
}

function newDatabase(name: string, folder: string, accounts: string[], regions: string[], organization: boolean, build: () => Stack): Database {
  const template = fixture(() => {
    const json = Template.fromStack(build()).toJSON();
    registerTemplate(ROOT, json, folder);
    return json;
  });
  return { name, folder, accounts, regions, organization, template };
}

const listed = () => newDatabase('listed', 'central', [ACCOUNT_A, ACCOUNT_B], PROJECTED_REGIONS, false, () => listedDatabase().stack);

const organization = () => newDatabase('organization', 'central', [ACCOUNT_A, ACCOUNT_B, ACCOUNT_C], PROJECTED_REGIONS, true, () => organizationDatabase().stack);

const oneSync = () => newDatabase('onesync', 'own', [ACCOUNT_A], ['us-east-1'], false, () => {
  const stack = new Stack(newApp(), 'OneSync', { env: ENV });
  const sync = new ResourceDataSync(stack, 'Inventory');
  new InventoryDatabase(stack, 'Query', { sync, databaseName: 'onesync' });
  return stack;
});

const DATABASES = [listed(), organization(), oneSync()];

/** The named queries of a template, by id (the end of their name). */
function namedQueries(template: any): Record<string, { sql: string; database: string }> {
  return Object.fromEntries(Object.values<any>(template.Resources)
    .filter(r => r.Type === 'AWS::Athena::NamedQuery')
    .map(r => [r.Properties.Name.replace(/^[a-z0-9_]+-/, ''), { sql: r.Properties.QueryString, database: r.Properties.Database }]));
}

/** The data folder (under mutation testing, the one of a Trino server shared by the whole run). */
const ROOT = newDataRoot('rds-query-');
/** The sample data: in the central bucket under the prefix, and in a sync's own bucket without one. */
const FILES: Record<string, SampleFile[]> = {
  central: writeSampleData(path.join(ROOT, 'central'), PREFIX),
  own: writeSampleData(path.join(ROOT, 'own')),
};

let trino: TrinoServer;
const figures: string[] = [];
beforeAll(async () => {
  trino = await TrinoServer.start(ROOT);
  figures.push(`Trino started in ${trino.startupMs} ms`);
}, 180_000);
afterAll(() => {
  trino?.stop();
  removeDataRoot(ROOT);
  console.log(figures.join('\n'));
});

/** Runs a named query with its execution parameters, as Athena does (EXECUTE ... USING). */
async function runNamed(database: Database, id: string, parameters: Array<string | number> = []): Promise<Record<string, any>[]> {
  const query = namedQueries(database.template())[id];
  expect(query.database).toBe(database.name);
  return (await trino.execute(database.name, query.sql, parameters)).rows;
}

/** How many files a query reads: the splits of its table scans (one per file of this size). */
async function filesRead(database: Database, sql: string): Promise<number> {
  const rows = (await trino.query(database.name, `EXPLAIN ANALYZE ${sql}`)).rows;
  const plan = rows.map(r => Object.values(r)[0]).join('\n');
  const splits = [...plan.matchAll(/Splits: (\d+)/g)].map(m => Number(m[1]));
  if (splits.length === 0) throw new Error(`no table scan in the plan of ${sql}`);
  return splits.reduce((a, b) => a + b, 0);
}

/** The nodes a database sees: its accounts and Regions. */
const inScope = (database: Database) => (node: SampleNode) => database.accounts.includes(node.account) && database.regions.includes(node.region);
const key = (account: unknown, region: unknown, id: unknown) => `${account}/${region}/${id}`;
const nodeKey = (n: SampleNode) => key(n.account, n.region, n.id);
const sortKeys = (keys: string[]) => [...keys].sort();

describe.each(DATABASES.map(d => [d.name, d] as const))('%s', (_, database) => {
  const nodes = NODES.filter(inScope(database));
  const live = nodes.filter(isLive);
  const II = database.organization ? 'aws_instanceinformation_all' : 'aws_instanceinformation';
  beforeEach(() => database.template());

  test('the six named queries, all in the database', () => {
    expect(Object.keys(namedQueries(database.template())).sort()).toEqual([
      'managed-nodes', 'noncompliant-by-severity', 'nodes-missing-patches', 'nodes-not-reporting',
      'nodes-per-account-and-region', 'nodes-with-application',
    ].sort());
  });

  test('managed-nodes: the live nodes (terminated ones left out), with their status', async () => {
    const rows = await runNamed(database, 'managed-nodes');
    expect(rows.map(r => key(r.accountid, r.region, r.instanceid))).toEqual(sortKeys(live.map(nodeKey)));
    for (const row of rows) {
      const node = live.find(n => n.id === row.instanceid)!;
      expect(row.instancestatus).toBe(node.status ?? null);
      expect(row.platformtype).toBe(node.platformType);
      expect(row.capturetime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    // The stopped and connection-lost nodes are there, flagged.
    expect(rows.map(r => r.instancestatus)).toEqual(expect.arrayContaining(live.map(n => n.status ?? null)));
  });

  test.each([
    ['nginx%', '%'],
    ['NGINX', '1.2%'],
    ['postgres%', '%'],
    ['amazon ssm agent', '%'],
  ])('nodes-with-application(%j, %j): live nodes only', async (name, version) => {
    const like = (value: string, pattern: string) => new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*')}$`).test(value);
    const expected = live.flatMap(n => n.apps
      .filter(([appName, appVersion]) => like(appName.toLowerCase(), name.toLowerCase()) && like(appVersion ?? '', version))
      .map(([, appVersion]) => [n.account, n.region, n.id, appVersion, n.status ?? null]))
      .sort((a, b) => String(a.slice(0, 3)).localeCompare(String(b.slice(0, 3))));
    const rows = await runNamed(database, 'nodes-with-application', [name, version]);
    expect(rows.map(r => [r.accountid, r.region, r.instanceid, r.version, r.instancestatus])).toEqual(expected);
  });

  test('nodes-missing-patches: live nodes, the worst first', async () => {
    const n = (v: number | undefined) => (v === undefined ? -1 : v);
    const expected = live.filter(x => x.patches && ['missing', 'failed', 'critical', 'security', 'other'].some(k => ((x.patches as any)[k] ?? 0) > 0))
      .sort((a, b) => n(b.patches!.critical) - n(a.patches!.critical) || n(b.patches!.security) - n(a.patches!.security)
        || n(b.patches!.missing) - n(a.patches!.missing) || nodeKey(a).localeCompare(nodeKey(b)))
      .map(x => [x.id, x.patches!.critical ?? null, x.patches!.security ?? null, x.patches!.missing ?? null, x.status ?? null]);
    const rows = await runNamed(database, 'nodes-missing-patches');
    expect(rows.map(r => [r.instanceid, r.criticalnoncompliantcount, r.securitynoncompliantcount, r.missingcount, r.instancestatus]))
      .toEqual(expected);
    // The terminated node with the worst patch state is in no answer.
    expect(rows.map(r => r.instanceid)).not.toContain('i-0a3');
  });

  test.each(['Patch', 'Association'])('noncompliant-by-severity(%j): live nodes only', async type => {
    const order = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'];
    const counts = new Map<string, number>();
    for (const x of live) {
      for (const [itemType, status, severity] of x.items ?? []) {
        if (itemType !== type || status !== 'NON_COMPLIANT') continue;
        const k = JSON.stringify([x.account, x.region, x.id, severity]);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
    }
    const expected = [...counts.entries()].map(([k, c]) => [...JSON.parse(k), c])
      .sort((a, b) => order.indexOf(a[3]) - order.indexOf(b[3]) || key(a[0], a[1], a[2]).localeCompare(key(b[0], b[1], b[2])));
    const rows = await runNamed(database, 'noncompliant-by-severity', [type]);
    expect(rows.map(r => [r.accountid, r.region, r.instanceid, r.severity, r.noncompliantitems])).toEqual(expected);
  });

  test.each([7, 30])('nodes-not-reporting(%j): live nodes only', async days => {
    const expected = live.filter(x => x.capturedDaysAgo >= days).sort((a, b) => b.capturedDaysAgo - a.capturedDaysAgo).map(x => x.id);
    const rows = await runNamed(database, 'nodes-not-reporting', [days]);
    expect(rows.map(r => r.instanceid)).toEqual(expected);
    for (const row of rows) expect(row.dayssincecapture).toBe(live.find(x => x.id === row.instanceid)!.capturedDaysAgo);
  });

  test('nodes-per-account-and-region: live, stopped, connection-lost and terminated nodes', async () => {
    const groups = new Map<string, number[]>();
    for (const x of nodes) {
      const k = JSON.stringify([x.account, x.region, x.platformType]);
      const g = groups.get(k) ?? [0, 0, 0, 0];
      g[0] += isLive(x) ? 1 : 0;
      g[1] += x.status === 'Stopped' ? 1 : 0;
      g[2] += x.status === 'ConnectionLost' ? 1 : 0;
      g[3] += isLive(x) ? 0 : 1;
      groups.set(k, g);
    }
    const expected = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, g]) => [...JSON.parse(k), ...g]);
    const rows = await runNamed(database, 'nodes-per-account-and-region');
    expect(rows.map(r => [r.accountid, r.region, r.platformtype, r.nodes, r.stoppednodes, r.connectionlostnodes, r.terminatednodes]))
      .toEqual(expected);
  });

  /*
   * One answer per question: every table (and view) a user queries sees the same nodes, whatever
   * it is: the named queries, a plain count(*), each type's table, an organization's _all view and
   * its injected table.
   */
  test('every table agrees on the set of nodes; no probe row is counted', async () => {
    const accountFilter = database.organization ? ` WHERE accountid IN (${database.accounts.map(a => `'${a}'`).join(', ')})` : '';
    const count = async (sql: string) => Object.values((await trino.query(database.name, sql)).rows[0])[0];
    // A plain count(*): one record per node file, terminated nodes included, no probe object.
    expect(await count(`SELECT count(*) FROM ${II}`)).toBe(nodes.length);
    expect(await count(`SELECT count(*) FROM aws_instanceinformation${accountFilter}`)).toBe(nodes.length);
    const managed = (await runNamed(database, 'managed-nodes')).map(r => key(r.accountid, r.region, r.instanceid));
    const perRegion = await runNamed(database, 'nodes-per-account-and-region');
    expect(perRegion.reduce((sum, r) => sum + Number(r.nodes), 0)).toBe(managed.length);
    const all = sortKeys(nodes.map(nodeKey));
    for (const table of ['aws_application', 'aws_patchsummary', 'aws_complianceitem']) {
      for (const from of database.organization ? [`${table}_all`, `${table}${accountFilter}`] : [table]) {
        const [name, where] = from.split(' WHERE ');
        const rows = (await trino.query(database.name, `SELECT DISTINCT accountid, region, resourceid FROM ${name}${where ? ` WHERE ${where}` : ''}`)).rows;
        const seen = sortKeys(rows.map(r => key(r.accountid, r.region, r.resourceid)));
        // Only nodes of the database's accounts and Regions, and every one of them that has this data.
        expect(seen.every(k => all.includes(k))).toBe(true);
        const type = table === 'aws_application' ? 'apps' : table === 'aws_patchsummary' ? 'patches' : 'items';
        expect(seen).toEqual(sortKeys(nodes.filter(x => (x as any)[type] !== undefined).map(nodeKey)));
      }
    }
  });

  test('files read: a query filtered by account and Region reads only that partition', async () => {
    const files = FILES[database.folder].filter(f => f.region !== undefined);
    const inDatabase = (f: SampleFile) => database.accounts.includes(f.account) && database.regions.includes(f.region!);
    const ofType = (type: string) => files.filter(f => f.type === type);
    const one = `SELECT count(*) FROM aws_application WHERE accountid = '${ACCOUNT_A}' AND region = 'us-east-1'`;
    const figure = async (sql: string) => {
      const n = await filesRead(database, sql);
      figures.push(`${database.name}: ${n} files for ${sql.replace(/\s+/g, ' ')}`);
      return n;
    };
    expect(await figure(one)).toBe(ofType('AWS:Application').filter(f => f.account === ACCOUNT_A && f.region === 'us-east-1').length);
    if (!database.organization) {
      // All accounts: the listed ones' files in the projected Regions, never another account's or Region's.
      expect(await figure('SELECT count(*) FROM aws_application')).toBe(ofType('AWS:Application').filter(inDatabase).length);
    } else {
      // The _all view reads every file of the type (every account and Region, the probe objects too)
      // and keeps the projected Regions' rows: the price of not listing the accounts.
      const everyFile = FILES[database.folder].filter(f => f.type === 'AWS:InstanceInformation').length;
      expect(await figure('SELECT count(*) FROM aws_instanceinformation_all')).toBe(everyFile);
      expect(await figure(`SELECT count(*) FROM aws_application WHERE accountid IN ('${ACCOUNT_B}', '${ACCOUNT_C}')`))
        .toBe(ofType('AWS:Application').filter(f => [ACCOUNT_B, ACCOUNT_C].includes(f.account) && inDatabase(f)).length);
    }
    for (const [id, parameters] of [['managed-nodes', []], ['nodes-with-application', ['nginx%', '%']], ['nodes-missing-patches', []]] as const) {
      let sql = namedQueries(database.template())[id].sql;
      for (const p of parameters) sql = sql.replace('?', sqlLiteral(p));
      await figure(sql);
    }
  });
});

test('an injected accountid: a query must name its accounts (organization)', async () => {
  DATABASES[1].template();
  await expect(trino.query('organization', 'SELECT count(*) FROM aws_application')).rejects.toThrow(/accountid/);
});

test('the Regions of the organization are projected; a Region it does not sync from is in no answer', async () => {
  const template = DATABASES[1].template();
  const regions = await trino.query('organization', 'SELECT DISTINCT region FROM aws_application_all ORDER BY 1');
  expect(regions.rows.map(r => r.region)).toEqual([...PROJECTED_REGIONS].sort());
  const table = Object.values<any>(template.Resources).find(r => r.Type === 'AWS::Glue::Table' && r.Properties.TableInput.Name === 'aws_application');
  expect(table.Properties.TableInput.Parameters['projection.region.values']).toBe(PROJECTED_REGIONS.join(','));
});

/*
 * Where Trino's JSON reader is more lenient than Athena's, Trino cannot show what Athena does: a
 * value that is not a number in a bigint column (Athena fails the query: OpenX JSON SerDe
 * `use.null.for.invalid.data` defaults to FALSE), and a key repeated in two cases (the SerDe
 * lower-cases keys, `case.insensitive` defaults to TRUE, and "does not allow duplicate keys").
 * These inputs are read in Trino to show its leniency, and checked with a model of Athena's
 * documented behaviour (./athena-openx.ts), which also finds none of them in the sample data.
 */
describe('JSON that Athena refuses and Trino reads', () => {
  const LINES = ['{"Units":"12","Label":"a","resourceId":"i-1"}', '{"Units":"twelve","Label":"b","resourceId":"i-2"}', '{"Units":"3","Label":"c","label":"C","resourceId":"i-3"}'];
  const lenient = fixture(() => {
    const stack = new Stack(newApp(), 'Lenient', { env: ENV });
    const sync = new ResourceDataSync(stack, 'Inventory');
    const columns = [{ attributeName: 'Units', type: InventoryColumnType.BIGINT }, { attributeName: 'Label' }];
    const types = [InventoryType.custom('Custom:Rack', columns), InventoryType.custom('Custom:Broken', columns)];
    new InventoryDatabase(stack, 'Query', { sync, databaseName: 'lenient', types });
    return Template.fromStack(stack).toJSON();
  });
  const tableInput = (name = 'custom_rack') => Object.values<any>(lenient().Resources)
    .find(r => r.Type === 'AWS::Glue::Table' && r.Properties.TableInput.Name === name).Properties.TableInput;

  test('Trino: NULL for a non-number, the last of two keys that differ in case', async () => {
    const dir = path.join(ROOT, 'lenient', 'Custom:Rack', `accountid=${ACCOUNT_A}`, 'region=us-east-1', 'resourcetype=ManagedInstanceInventory');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'i-1.json'), LINES.join('\n') + '\n');
    registerTemplate(ROOT, lenient(), 'lenient');
    const rows = (await trino.query('lenient', 'SELECT resourceid, units, label FROM custom_rack ORDER BY 1')).rows;
    expect(rows).toEqual([
      { resourceid: 'i-1', units: 12, label: 'a' },
      { resourceid: 'i-2', units: null, label: 'b' },
      { resourceid: 'i-3', units: 3, label: 'C' },
    ]);
  });

  test('Athena (its documented behaviour): both lines fail the query', () => {
    expect(LINES.map(line => athenaReadErrors(line, tableInput()))).toEqual([
      [],
      ['HIVE_BAD_DATA: "twelve" in the bigint column units'],
      ['duplicate key: "Label" and "label" are both the column label'],
    ]);
  });

  test('a line that is not JSON (a record cut short) is a row of NULLs, not a failed query (ignore.malformed.json): in Trino and in Athena', async () => {
    const lines = ['{"Units":"5","Label":"d","resourceId":"i-4"}', '{"Units":"6","Label":"e","resou'];
    const dir = path.join(ROOT, 'lenient', 'Custom:Broken', `accountid=${ACCOUNT_A}`, 'region=us-east-1', 'resourcetype=ManagedInstanceInventory');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'i-4.json'), lines.join('\n') + '\n');
    registerTemplate(ROOT, lenient(), 'lenient');
    const rows = (await trino.query('lenient', 'SELECT resourceid, units, label FROM custom_broken ORDER BY 1 NULLS LAST')).rows;
    expect(rows).toEqual([{ resourceid: 'i-4', units: 5, label: 'd' }, { resourceid: null, units: null, label: null }]);
    expect(lines.map(line => athenaReadErrors(line, tableInput('custom_broken')))).toEqual([[], []]);
  });

  test('the sample data has nothing Athena would refuse', () => {
    const tables = DATABASES.flatMap(d => Object.values<any>(d.template().Resources).filter(r => r.Type === 'AWS::Glue::Table' && r.Properties.TableInput.PartitionKeys));
    let checked = 0;
    for (const file of FILES.central.filter(f => f.region !== undefined)) {
      const table = tables.find(t => t.Properties.TableInput.Name === file.type.toLowerCase().replace(/[^a-z0-9_]/g, '_'))!.Properties.TableInput;
      for (const line of file.lines) {
        expect(athenaReadErrors(line, table)).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});
