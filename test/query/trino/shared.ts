import * as fs from 'fs';
import { newDataRoot, TrinoServer } from './server';

/*
 * Trino servers for a whole mutation run (scripts/mutate.js starts this when a file's tests include
 * a Trino test): `ts-node shared.ts <count> <servers.json>` starts <count> servers, each over its own
 * data folder, writes `[{ url, dataRoot }]` into <servers.json> once all have started, and stops them
 * when its standard input closes (its parent ended) or on SIGTERM. A Stryker test process attaches to
 * one of them (TRINO_SERVERS, see ./server.ts) instead of starting a JVM for each mutant.
 */

/** At most four hours: a mutation run of a query file takes well under that here. */
const MAX_LIFE_SECONDS = 4 * 3600;

async function main(count: number, file: string): Promise<void> {
  const servers: TrinoServer[] = [];
  const roots: string[] = [];
  const stop = () => {
    for (const server of servers) server.stop();
    for (const root of roots) {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(`${root}.lock`, { force: true });
    }
    fs.rmSync(file, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
  for (let i = 0; i < count; i++) {
    roots.push(newDataRoot('rds-mutate-trino-'));
    servers.push(await TrinoServer.start(roots[i], MAX_LIFE_SECONDS));
  }
  // Written whole at once (a rename), so that a reader never sees half of it.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(servers.map((server, i) => ({ url: server.url, dataRoot: roots[i] }))));
  fs.renameSync(`${file}.tmp`, file);
  console.log(`Trino: ${count} server(s) started, ${servers.map(s => `${s.startupMs} ms`).join(', ')}`);
}

main(Number(process.argv[2]), process.argv[3]).catch(error => {
  console.error(error);
  process.exit(1);
});
