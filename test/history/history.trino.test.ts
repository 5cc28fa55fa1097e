import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DAYS, DayNode, fleet, INVENTORY, isLive, MISSED_DAY, writeDay } from './history-sample';
import { InventoryHistory, InventoryType } from '../../src';
import { listedDatabase, organizationDatabase, PREFIX } from '../query/sample-apps';
import { ACCOUNT_A, ACCOUNT_B } from '../query/sample-data';
import { registerTemplate, resolve } from '../query/trino/catalog';
import { TrinoServer } from '../query/trino/server';

/*
 * The history in Trino (Athena engine version 3's engine; ../query/trino/): the tables are created
 * from the synthesized TableInput verbatim, and each snapshot runs the statement of each schedule's
 * Target.Input exactly as synthesized, with only what Scheduler substitutes put in
 * (`<aws.scheduler.scheduled-time>`). Two histories: one in the inventory bucket of listed accounts
 * (the query layer's partitioned tables), one in a bucket of its own for an organization (the
 * query layer's `_all` views). Days 1, 2, 3 (twice) and 5 are snapshotted, day 4 is missed; then
 * every named query runs with its execution parameters, and the costs are measured.
 */


interface History {
  readonly name: string;
  readonly template: any;
  readonly folder: string;
}

function listed(prefix?: string): History {
  const { stack, database } = listedDatabase();
  new InventoryHistory(stack, 'History', { database, prefix });
  return { name: 'listed', template: Template.fromStack(stack).toJSON(), folder: 'listed' };
}

function organization(): History {
  const { stack, database } = organizationDatabase();
  const bucket = new s3.Bucket(stack, 'HistoryBucket', { enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
  // The two types the change queries read (the six statements are run by the listed history).
  const types = [InventoryType.APPLICATION, InventoryType.INSTANCE_INFORMATION];
  new InventoryHistory(stack, 'History', { database, bucket, prefix: 'history', types });
  return { name: 'organization', template: Template.fromStack(stack).toJSON(), folder: 'org' };
}

const HISTORIES = [listed(), organization()];
const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-history-'));

/** Each schedule's StartQueryExecution request, as synthesized. */
interface StartQueryExecution { QueryString: string; QueryExecutionContext: { Database: string }; WorkGroup: string; ClientRequestToken: string }
function requests(template: any): StartQueryExecution[] {
  return Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::Scheduler::Schedule')
    .map(r => JSON.parse(resolve(r.Properties.Target.Input)));
}

/** What Scheduler does on `day` at 01:00 UTC: substitute the scheduled time, start each query. */
async function snapshot(history: History, day: string): Promise<number[]> {
  const bytes: number[] = [];
  for (const request of requests(history.template)) {
    const scheduledTime = `${day}T01:00:00Z`;
    const sql = request.QueryString.split('<aws.scheduler.scheduled-time>').join(scheduledTime);
    const token = request.ClientRequestToken.split('<aws.scheduler.scheduled-time>').join(scheduledTime);
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(token.length).toBeLessThanOrEqual(128);
    bytes.push((await trino.query(request.QueryExecutionContext.Database, sql)).physicalInputBytes);
  }
  return bytes;
}

function namedQuery(history: History, id: string): string {
  const query = Object.values<any>(history.template.Resources)
    .find(r => r.Type === 'AWS::Athena::NamedQuery' && r.Properties.Name === `${history.name}-${id}`);
  expect(query.Properties.Database).toBe(history.name);
  return query.Properties.QueryString;
}

async function runNamed(history: History, id: string, parameters: string[] = []) {
  const sql = namedQuery(history, id);
  return trino.execute(history.name, sql, parameters);
}

/** Bytes of the files under a folder. */
function folderBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir, { withFileTypes: true })
    .reduce((sum, e) => sum + (e.isDirectory() ? folderBytes(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size), 0);
}

let trino: TrinoServer;
const figures: string[] = [];
beforeAll(async () => {
  for (const history of HISTORIES) registerTemplate(ROOT, history.template, history.folder);
  trino = await TrinoServer.start(ROOT);
  figures.push(`Trino started in ${trino.startupMs} ms`);
  // Days 1, 2, 3 (twice: a manual rerun), 5; day 4 missed.
  for (const day of DAYS) {
    for (const history of HISTORIES) {
      writeDay(path.join(ROOT, history.folder), PREFIX, day);
      const started = Date.now();
      await snapshot(history, day);
      figures.push(`${history.name}: snapshot of ${day} (${requests(history.template).length} statements) in ${Date.now() - started} ms`);
    }
  }
}, 300_000);
afterAll(() => {
  trino?.stop();
  fs.rmSync(ROOT, { recursive: true, force: true });
  console.log(figures.join('\n'));
});

/** The model: per node and application, the versions on a day (live nodes only). */
function applications(day: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const node of (INVENTORY[day] ?? []).filter(isLive)) {
    const names = [...new Set(node.apps.map(([name]) => name))];
    for (const name of names) {
      result.set(JSON.stringify([node.account, node.region, node.id, name]), node.apps.filter(([n]) => n === name).map(([, v]) => v).sort().join(', '));
    }
  }
  return result;
}

describe.each(HISTORIES.map(h => [h.name, h] as const))('%s', (_, history) => {
  test('each day is in the history once, with the account and Region of every row', async () => {
    const rows = (await trino.query(history.name, 'SELECT CAST(snapshot_date AS varchar) AS day, accountid, region, count(*) AS n FROM aws_application_history GROUP BY 1, 2, 3 ORDER BY 1, 2, 3')).rows;
    const expected = DAYS.flatMap(day => {
      const groups = new Map<string, number>();
      for (const node of INVENTORY[day]) groups.set(`${node.account}/${node.region}`, (groups.get(`${node.account}/${node.region}`) ?? 0) + node.apps.length);
      return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => ({ day, accountid: k.split('/')[0], region: k.split('/')[1], n }));
    });
    expect(rows).toEqual(expected);
  });

  test('a day run twice is not doubled: the second run writes nothing', async () => {
    const count = async () => (await trino.query(history.name, "SELECT count(*) AS n FROM aws_application_history WHERE snapshot_date = DATE '2026-11-03'")).rows[0].n;
    const before = await count();
    const files = folderBytes(path.join(ROOT, history.folder));
    // The day was already run twice in beforeAll; once more, after the sync has written the next day.
    writeDay(path.join(ROOT, history.folder), PREFIX, '2026-11-05');
    await snapshot(history, '2026-11-03');
    expect(await count()).toBe(before);
    expect(before).toBe(INVENTORY['2026-11-03'].reduce((n, node) => n + node.apps.length, 0));
    expect(folderBytes(path.join(ROOT, history.folder))).toBe(files);
  });

  test('every type is snapshotted: each history table has each day', async () => {
    const tables = requests(history.template).map(r => /^INSERT INTO (\w+)/.exec(r.QueryString)![1]);
    expect(tables.length).toBe(history.name === 'listed' ? 6 : 2);
    for (const table of tables) {
      const days = (await trino.query(history.name, `SELECT DISTINCT CAST(snapshot_date AS varchar) AS day FROM ${table} ORDER BY 1`)).rows.map(r => r.day);
      expect({ table, days }).toEqual({ table, days: DAYS });
    }
    if (!tables.includes('aws_windowsupdate_history')) return;
    const updates = (await trino.query(history.name, "SELECT hotfixid FROM aws_windowsupdate_history WHERE snapshot_date = DATE '2026-11-02' ORDER BY 1")).rows;
    expect(updates.map(r => r.hotfixid)).toEqual(INVENTORY['2026-11-02'].flatMap(n => n.updates ?? []).sort());
  });

  test.each([
    ['2026-11-01', '2026-11-02'],
    ['2026-11-02', '2026-11-03'],
    ['2026-11-03', '2026-11-05'],
    ['2026-11-01', '2026-11-05'],
  ])('history-application-changes(%s, %s): appeared, disappeared, version changed', async (first, second) => {
    const a = applications(first);
    const b = applications(second);
    const status = (key: string) => {
      const [account, region, id] = JSON.parse(key);
      return INVENTORY[second].find(n => n.account === account && n.region === region && n.id === id)?.status ?? null;
    };
    const expected = [...new Set([...a.keys(), ...b.keys()])].sort()
      .filter(k => a.get(k) !== b.get(k))
      .map(k => [...JSON.parse(k), !a.has(k) ? 'appeared' : !b.has(k) ? 'disappeared' : 'version changed', a.get(k) ?? null, b.get(k) ?? null, status(k)]);
    const rows = (await runNamed(history, 'history-application-changes', [first, second])).rows;
    expect(rows.map(r => [r.accountid, r.region, r.instanceid, r.name, r.change, r.firstversions, r.secondversions, r.secondstatus]))
      .toEqual(expected.sort((x, y) => JSON.stringify(x.slice(0, 4)).localeCompare(JSON.stringify(y.slice(0, 4)))));
    expect(expected.length).toBeGreaterThan(0);
  });

  test('history-application-changes(day 2, day 3) names each kind: an upgrade, a removal, a terminated node', async () => {
    const rows = (await runNamed(history, 'history-application-changes', ['2026-11-02', '2026-11-03'])).rows;
    expect(rows).toEqual(expect.arrayContaining([
      expect.objectContaining({ instanceid: 'i-0new', name: 'log4j', change: 'version changed', firstversions: '2.14.1', secondversions: '2.17.1' }),
      expect.objectContaining({ instanceid: 'i-0web', name: 'openssl', change: 'disappeared', secondstatus: 'Active' }),
      expect.objectContaining({ instanceid: 'i-0db', name: 'postgresql', change: 'disappeared', secondstatus: 'Terminated' }),
    ]));
  });

  test.each([['log4j', '%'], ['log4j', '2.14%'], ['NGINX', '%']])('history-application-first-seen(%j, %j)', async (name, version) => {
    const seen = new Map<string, string[]>();
    for (const day of DAYS) {
      for (const node of INVENTORY[day].filter(isLive)) {
        for (const [app, v] of node.apps) {
          if (app.toLowerCase() !== name.toLowerCase() || !new RegExp(`^${version.replace(/\./g, '\\.').replace(/%/g, '.*')}$`).test(v)) continue;
          const key = `${node.id}/${app}`;
          seen.set(key, [...(seen.get(key) ?? []), `${day}@${v}`]);
        }
      }
    }
    const expected = [...seen.entries()].map(([key, days]) => [key.split('/')[0], days[0].split('@')[0], days[0].split('@')[1], days[days.length - 1].split('@')[0], DAYS[0]])
      .sort((x, y) => x[1].localeCompare(y[1]) || x[0].localeCompare(y[0]));
    const rows = (await runNamed(history, 'history-application-first-seen', [name, version])).rows;
    expect(rows.map(r => [r.instanceid, r.firstseen, r.firstversion, r.lastseen, r.firstsnapshot])).toEqual(expected);
  });

  test('"when did it appear": log4j 2.14.1 came with the node that appeared on day 2', async () => {
    const rows = (await runNamed(history, 'history-application-first-seen', ['log4j', '2.14%'])).rows;
    expect(rows).toEqual([expect.objectContaining({ instanceid: 'i-0new', firstseen: '2026-11-02', lastseen: '2026-11-02', firstsnapshot: '2026-11-01' })]);
  });

  test.each(DAYS.map(d => [d]))('history-nodes-with-application-on-date(%s, nginx, %%): nodes not terminated that day', async day => {
    const expected = INVENTORY[day].filter(isLive).flatMap(n => n.apps.filter(([a]) => a === 'nginx').map(([, v]) => [n.account, n.region, n.id, v]))
      .sort((x, y) => x.join('/').localeCompare(y.join('/')));
    const rows = (await runNamed(history, 'history-nodes-with-application-on-date', [day, 'nginx', '%'])).rows;
    expect(rows.map(r => [r.accountid, r.region, r.instanceid, r.version])).toEqual(expected);
  });

  test('history-nodes-with-application-on-date: postgresql on day 2 (live), not on day 3 (terminated)', async () => {
    expect((await runNamed(history, 'history-nodes-with-application-on-date', ['2026-11-02', 'postgres%', '%'])).rows.map(r => r.instanceid)).toEqual(['i-0db']);
    expect((await runNamed(history, 'history-nodes-with-application-on-date', ['2026-11-03', 'postgres%', '%'])).rows).toEqual([]);
  });

  test('history-daily-nodes-per-account: live and terminated nodes per day and account; the missed day has no row', async () => {
    const expected = DAYS.flatMap(day => [ACCOUNT_A, ACCOUNT_B].map(account => {
      const nodes = INVENTORY[day].filter(n => n.account === account);
      return [day, account, nodes.filter(isLive).length, nodes.filter(n => !isLive(n)).length];
    }));
    const rows = (await runNamed(history, 'history-daily-nodes-per-account', ['2026-11-01', '2026-11-30'])).rows;
    expect(rows.map(r => [r.snapshot_date, r.accountid, r.nodes, r.terminatednodes])).toEqual(expected);
  });

  test('history-snapshot-days: every day from the first to the last, the missed one flagged, not filled', async () => {
    const rows = (await runNamed(history, 'history-snapshot-days')).rows;
    expect(rows.map(r => [r.snapshot_date, r.missed])).toEqual(['2026-11-01', '2026-11-02', '2026-11-03', MISSED_DAY, '2026-11-05'].map(d => [d, d === MISSED_DAY]));
    expect(rows.find(r => r.snapshot_date === '2026-11-03')).toMatchObject({ tables: requests(history.template).length });
  });
});

/*
 * Day two: the history's prefix changed. CloudFormation updates the tables in place (the lifecycle
 * harness shows it); the days already written keep their partitions, each with its location.
 */
test('a new prefix: the days written are still read where they are; the next day goes under the new prefix', async () => {
  const before = HISTORIES[0];
  const after = listed('history-v2');
  const root = path.join(ROOT, before.folder);
  const days = async () => (await trino.query(before.name, 'SELECT CAST(snapshot_date AS varchar) AS day, count(*) AS n FROM aws_application_history GROUP BY 1 ORDER BY 1')).rows;
  const written = await days();
  const oldFiles = folderBytes(path.join(root, 'inventory-history'));
  registerTemplate(ROOT, after.template, after.folder, true);
  writeDay(root, PREFIX, '2026-11-06', INVENTORY['2026-11-05']);
  await snapshot(after, '2026-11-06');
  expect(await days()).toEqual([...written, { day: '2026-11-06', n: INVENTORY['2026-11-05'].reduce((n, node) => n + node.apps.length, 0) }]);
  expect(folderBytes(path.join(root, 'inventory-history'))).toBe(oldFiles);
  expect(fs.readdirSync(path.join(root, 'history-v2', 'aws_application_history'))).toEqual(['snapshot_date=2026-11-06']);
  // Back to the stack as it was, for the tests that follow.
  registerTemplate(ROOT, before.template, before.folder, true);
});

/*
 * Costs: a fleet of nodes with 400 packages each (typical of a Linux server's AWS:Application), two
 * days, in a fresh listed history. Bytes written per node per day (the Parquet files of the day, all
 * six types) and bytes a change query scans (Trino's physical input bytes), for the README.
 */
describe('costs', () => {
  const NODES = 100;
  const PACKAGES = 400;
  test(`${NODES} nodes x ${PACKAGES} packages: bytes written per node per day, bytes a change query scans`, async () => {
    const history = HISTORIES[0];
    const days = ['2026-12-01', '2026-12-02'];
    const root = path.join(ROOT, history.folder);
    // A fresh history: the fleet alone.
    fs.rmSync(path.join(root, 'inventory-history'), { recursive: true, force: true });
    fs.rmSync(path.join(root, PREFIX), { recursive: true, force: true });
    registerTemplate(ROOT, history.template, history.folder);
    let scanned: number[] = [];
    for (const day of days) {
      const nodes: DayNode[] = fleet(NODES, PACKAGES, day);
      writeDay(root, PREFIX, day, nodes);
      scanned = await snapshot(history, day);
    }
    const written = folderBytes(path.join(root, 'inventory-history')) / days.length;
    const source = folderBytes(path.join(root, PREFIX));
    const perNode = written / NODES;
    const changes = await runNamed(history, 'history-application-changes', days);
    const onDate = await runNamed(history, 'history-nodes-with-application-on-date', [days[1], 'package-1%', '%']);
    const firstSeen = await runNamed(history, 'history-application-first-seen', ['package-10', '%']);
    figures.push(
      `costs: ${NODES} nodes x ${PACKAGES} packages: history written per day ${written} B = ${Math.round(perNode)} B per node per day (six types, Parquet ZSTD)`,
      `costs: source JSON of a day ${source} B (${Math.round(source / NODES)} B per node); the six statements read ${scanned.join(', ')} B `
        + `(${requests(history.template).map(r => /INSERT INTO (\w+)/.exec(r.QueryString)![1]).join(', ')})`,
      `costs: history-application-changes over 2 days scanned ${changes.physicalInputBytes} B (${Math.round(changes.physicalInputBytes / NODES)} B per node), ${changes.rows.length} rows`,
      `costs: history-nodes-with-application-on-date scanned ${onDate.physicalInputBytes} B; history-application-first-seen over 2 days ${firstSeen.physicalInputBytes} B`,
    );
    expect(changes.rows.length).toBeGreaterThan(0);
    expect(perNode).toBeGreaterThan(0);
    // Columnar and compressed: the history of a day is a fraction of the JSON it copies.
    expect(written).toBeLessThan(source / 2);
    // A change query over two days reads no more than those two days' history.
    expect(changes.physicalInputBytes).toBeLessThanOrEqual(written * 2);
  }, 180_000);
});
