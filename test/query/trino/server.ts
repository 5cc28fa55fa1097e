import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/*
 * One Trino server (Athena engine version 3 is built on Trino) for the query tests: the Hive
 * connector over a local folder that stands for S3, a file metastore, and Trino's own partition
 * projection (`hive.partition-projection-enabled`). Installed by test/query/trino/install.js
 * (`npx projen trino:install`, which `npx projen test` runs first) into build/trino/<version>/.
 *
 * The catalog is named `awsdatacatalog`, as Athena names the Glue Data Catalog, so that the views
 * the library writes (whose text names their catalog) read as they are synthesized.
 *
 * The server lives at most MAX_LIFE (it is started under `timeout`): a test run that dies without
 * its afterAll does not leave a JVM behind.
 *
 * In a mutation run (scripts/mutate.js, CONTRIBUTING.md "Mutation testing") a test file does not
 * start its own server for each mutant: `TRINO_SERVERS` names a JSON file of servers started once
 * for the whole run (test/query/trino/shared.ts), one per Stryker test process, each over its own
 * data folder, and `start` attaches to the one this process holds.
 */

export const TRINO_VERSION = '476';
export const CATALOG = 'awsdatacatalog';
const HOME = path.join(__dirname, '..', '..', '..', 'build', 'trino', TRINO_VERSION);
const MAX_LIFE_SECONDS = 900;
const START_TIMEOUT_MS = 120_000;

/** A Java of version 24 or later: $TRINO_JAVA_HOME, a Temurin 25 beside the system Java, or the system Java. */
export function javaHome(): string {
  const candidates = [
    process.env.TRINO_JAVA_HOME,
    '/usr/lib/jvm/temurin-25-jdk-amd64',
    ...(fs.existsSync('/usr/lib/jvm') ? fs.readdirSync('/usr/lib/jvm').sort().reverse().map(d => path.join('/usr/lib/jvm', d)) : []),
    process.env.JAVA_HOME,
  ].filter((d): d is string => !!d);
  for (const dir of candidates) {
    const java = path.join(dir, 'bin', 'java');
    if (!fs.existsSync(java)) continue;
    const version = spawnSync(java, ['-version'], { encoding: 'utf8' }).stderr ?? '';
    const major = Number(/version "(\d+)/.exec(version)?.[1] ?? 0);
    if (major >= 24) return dir;
  }
  throw new Error(`Trino ${TRINO_VERSION} needs Java 24 or later; none found (set TRINO_JAVA_HOME)`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** A query's result: the column names and the rows as objects (values as Trino's JSON gives them). */
export interface QueryResult {
  readonly columns: string[];
  readonly rows: Record<string, unknown>[];
  /** The bytes the query read from storage (Trino's `physicalInputBytes`, what Athena bills as scanned). */
  readonly physicalInputBytes: number;
}

/** A SQL literal: a number as it is, text quoted. */
export function sqlLiteral(value: string | number): string {
  return typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`;
}

/** A server started for a whole mutation run, and the data folder it reads. */
interface SharedServer {
  readonly url: string;
  readonly dataRoot: string;
}

/**
 * This process's shared server, if it runs under scripts/mutate.js with Trino (TRINO_SERVERS): the
 * first one no other live process holds (a lock file beside its data folder, with the holder's
 * pid). Stryker replaces a test process now and then (after a timeout): the new one takes over the
 * lock of the one that ended.
 */
function sharedServer(): SharedServer | undefined {
  const file = process.env.TRINO_SERVERS;
  if (!file) return undefined;
  const servers: SharedServer[] = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const server of servers) {
    const lock = `${server.dataRoot}.lock`;
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return server;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(fs.readFileSync(lock, 'utf8'));
    if (holder === process.pid) return server;
    if (!isAlive(holder)) {
      fs.writeFileSync(lock, String(process.pid));
      return server;
    }
  }
  throw new Error(`TRINO_SERVERS: every server of ${file} is held by another live process`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The folder a test file writes its data and metastore into: a new one, or its shared server's. */
export function newDataRoot(prefix: string): string {
  return sharedServer()?.dataRoot ?? fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Removes a folder of `newDataRoot` (a shared server's stays: the next run writes into it again). */
export function removeDataRoot(dataRoot: string): void {
  if (dataRoot !== sharedServer()?.dataRoot) fs.rmSync(dataRoot, { recursive: true, force: true });
}

export class TrinoServer {
  /**
   * Starts the server over `dataRoot` (the folder that `local:///` names): the file metastore is
   * `<dataRoot>/metastore`. Under TRINO_SERVERS, attaches to the shared server whose folder it is.
   * `maxLifeSeconds`: when the server is killed whatever happens.
   */
  public static async start(dataRoot: string, maxLifeSeconds = MAX_LIFE_SECONDS): Promise<TrinoServer> {
    const shared = sharedServer();
    if (shared) {
      if (path.resolve(dataRoot) !== path.resolve(shared.dataRoot)) throw new Error(`TRINO_SERVERS: the shared server reads ${shared.dataRoot}, not ${dataRoot} (use newDataRoot)`);
      return new TrinoServer(undefined, shared.url, undefined);
    }
    if (!fs.existsSync(path.join(HOME, '.installed'))) {
      throw new Error(`Trino ${TRINO_VERSION} is not installed in ${HOME}: run npx projen trino:install`);
    }
    const started = Date.now();
    const port = await freePort();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-trino-'));
    fs.mkdirSync(path.join(work, 'catalog'));
    fs.mkdirSync(path.join(dataRoot, 'metastore'), { recursive: true });
    fs.writeFileSync(path.join(work, 'config.properties'), [
      'coordinator=true',
      'node-scheduler.include-coordinator=true',
      `http-server.http.port=${port}`,
      `discovery.uri=http://127.0.0.1:${port}`,
      `plugin.dir=${path.join(HOME, 'plugin')}`,
      `catalog.config-dir=${path.join(work, 'catalog')}`,
      'query.max-memory=512MB',
      'query.max-memory-per-node=512MB',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(work, 'catalog', `${CATALOG}.properties`), [
      'connector.name=hive',
      'hive.metastore=file',
      'hive.metastore.catalog.dir=local:///metastore',
      'fs.native-local.enabled=true',
      `local.location=${dataRoot}`,
      // Athena's own projection semantics, read from the table parameters (projection.*, storage.location.template).
      'hive.partition-projection-enabled=true',
      // A projected partition with no object is empty in Athena (S3 has no folders); Trino's
      // default is an error for a partition location that does not exist.
      'hive.ignore-absent-partitions=true',
      // Athena reads every object under a table's location, subfolders included (an _files table).
      'hive.recursive-directories=true',
      // Athena's INSERT INTO writes into external tables (the history tables are EXTERNAL_TABLE);
      // Trino's default refuses writes to a table it does not manage.
      'hive.non-managed-table-writes-enabled=true',
      // What the history tables ask Athena for (parquet.compression=ZSTD), so that written sizes are Athena's.
      'hive.compression-codec=ZSTD',
      '',
    ].join('\n'));
    const java = path.join(javaHome(), 'bin', 'java');
    const child = spawn('timeout', ['--signal=KILL', String(maxLifeSeconds), java,
      '-Xmx1G', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto',
      '-Dnode.environment=test', '-Dnode.id=query-tests', `-Dnode.data-dir=${path.join(work, 'data')}`,
      `-Dconfig=${path.join(work, 'config.properties')}`,
      '-cp', `${path.join(HOME, 'lib')}/*`, 'io.trino.server.TrinoServer'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = fs.createWriteStream(path.join(work, 'server.log'));
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    const server = new TrinoServer(child, `http://127.0.0.1:${port}`, work);
    await server.waitUntilStarted(started);
    return server;
  }

  /** How long the server took to start (ms). */
  public startupMs = 0;

  /** `child` and `work`: a server this process started (none when attached to a shared one). */
  private constructor(private readonly child: ChildProcess | undefined, public readonly url: string, private readonly work: string | undefined) {}

  private async waitUntilStarted(started: number): Promise<void> {
    while (Date.now() - started < START_TIMEOUT_MS) {
      if (this.child!.exitCode !== null) break;
      try {
        const info = await (await fetch(`${this.url}/v1/info`)).json() as { starting: boolean };
        // Started, and the node has announced itself (until then: NO_NODES_AVAILABLE).
        if (!info.starting && (await this.queryOnce('information_schema', 'SELECT 1').then(() => true, () => false))) {
          this.startupMs = Date.now() - started;
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise(r => setTimeout(r, 250));
    }
    const log = fs.existsSync(path.join(this.work!, 'server.log')) ? fs.readFileSync(path.join(this.work!, 'server.log'), 'utf8').slice(-4000) : '';
    this.stop();
    throw new Error(`Trino did not start in ${START_TIMEOUT_MS / 1000} s:\n${log}`);
  }

  /**
   * Runs one statement in `schema` (the Glue database); throws Trino's error message. Right after
   * the start, the node may not yet have announced its catalog (NO_NODES_AVAILABLE, more often on a
   * busy machine): the statement is tried again for up to a minute.
   */
  public async query(schema: string, sql: string): Promise<QueryResult> {
    const until = Date.now() + 60_000;
    for (;;) {
      try {
        return await this.queryOnce(schema, sql);
      } catch (error) {
        if (!String((error as Error).message).startsWith('NO_NODES_AVAILABLE') || Date.now() > until) throw error;
        await new Promise(r => setTimeout(r, 500));
      }
    }
  }

  /**
   * Runs a statement with execution parameters, as Athena runs a named query with them (`?` in the
   * SQL; EXECUTE IMMEDIATE ... USING), text as a quoted literal.
   */
  public async execute(schema: string, sql: string, parameters: Array<string | number> = []): Promise<QueryResult> {
    return this.query(schema, parameters.length === 0 ? sql : `EXECUTE IMMEDIATE ${sqlLiteral(sql)} USING ${parameters.map(sqlLiteral).join(', ')}`);
  }

  private async queryOnce(schema: string, sql: string): Promise<QueryResult> {
    const headers = { 'X-Trino-User': 'test', 'X-Trino-Catalog': CATALOG, 'X-Trino-Schema': schema };
    let response: any = await (await fetch(`${this.url}/v1/statement`, { method: 'POST', headers, body: sql })).json();
    let columns: string[] | undefined;
    const data: unknown[][] = [];
    let physicalInputBytes = 0;
    for (;;) {
      if (response.error) throw new Error(`${response.error.errorName}: ${response.error.message}`);
      physicalInputBytes = response.stats?.physicalInputBytes ?? physicalInputBytes;
      if (response.columns) columns = response.columns.map((c: any) => c.name);
      if (response.data) data.push(...response.data);
      if (!response.nextUri) break;
      response = await (await fetch(response.nextUri, { headers })).json();
    }
    const names = columns ?? [];
    return { columns: names, rows: data.map(row => Object.fromEntries(names.map((n, i) => [n, row[i]]))), physicalInputBytes };
  }

  /** Stops a server this process started (a shared one keeps running). */
  public stop(): void {
    if (!this.child || !this.work) return;
    // `timeout` passes SIGTERM on to Java, which shuts down.
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    fs.rmSync(this.work, { recursive: true, force: true });
  }
}
