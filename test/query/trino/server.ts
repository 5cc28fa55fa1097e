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

export class TrinoServer {
  /** Starts the server over `dataRoot` (the folder that `local:///` names): the file metastore is `<dataRoot>/metastore`. */
  public static async start(dataRoot: string): Promise<TrinoServer> {
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
    const child = spawn('timeout', ['--signal=KILL', String(MAX_LIFE_SECONDS), java,
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

  private constructor(private readonly child: ChildProcess, private readonly url: string, public readonly work: string) {}

  private async waitUntilStarted(started: number): Promise<void> {
    while (Date.now() - started < START_TIMEOUT_MS) {
      if (this.child.exitCode !== null) break;
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
    const log = fs.existsSync(path.join(this.work, 'server.log')) ? fs.readFileSync(path.join(this.work, 'server.log'), 'utf8').slice(-4000) : '';
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

  public stop(): void {
    // `timeout` passes SIGTERM on to Java, which shuts down.
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    fs.rmSync(this.work, { recursive: true, force: true });
  }
}
