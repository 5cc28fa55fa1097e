#!/usr/bin/env node
/*
 * `npx projen trino:install` (run by `npx projen test` first): Trino's server, with only the Hive
 * connector, into build/trino/<version>/ (test/query/trino/server.ts starts it for the query tests).
 *
 * From Maven Central, as the project's other tools come from their registries:
 * - io.trino:trino-server-core:<version>:tar.gz, the server without plugins (190 MB): only lib/ is
 *   unpacked (the launcher is not used: the tests start `java -cp lib/*` themselves);
 * - io.trino:trino-hive:<version>:zip, the Hive connector plugin (250 MB), into plugin/hive/.
 * The full trino-server tarball (820 MB) holds every connector; these two are all the tests need.
 * Idempotent: once build/trino/<version>/.installed exists, a second run does nothing (the archives
 * are deleted after unpacking).
 *
 * Trino needs Java 24 or later (the machines have a Temurin 25 beside Java 17): see javaHome().
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const VERSION = '476';
const MAVEN = 'https://repo1.maven.org/maven2/io/trino';
const root = path.join(__dirname, '..', '..', '..');
const home = path.join(root, 'build', 'trino', VERSION);
const marker = path.join(home, '.installed');

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status})`);
}

async function download(url, file) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${response.statusText}`);
  await fs.promises.writeFile(file, Buffer.from(await response.arrayBuffer()));
}

async function main() {
  if (fs.existsSync(marker)) {
    console.log(`trino ${VERSION}: installed in ${path.relative(root, home)}`);
    return;
  }
  const start = Date.now();
  fs.rmSync(home, { recursive: true, force: true });
  fs.mkdirSync(path.join(home, 'plugin'), { recursive: true });
  const server = path.join(home, `trino-server-core-${VERSION}.tar.gz`);
  const hive = path.join(home, `trino-hive-${VERSION}.zip`);
  await Promise.all([
    download(`${MAVEN}/trino-server-core/${VERSION}/trino-server-core-${VERSION}.tar.gz`, server),
    download(`${MAVEN}/trino-hive/${VERSION}/trino-hive-${VERSION}.zip`, hive),
  ]);
  run('tar', ['-xzf', server, '-C', home, '--strip-components=1', `trino-server-core-${VERSION}/lib`]);
  // Python's zipfile: unzip is not on every machine, Python is.
  run('python3', ['-m', 'zipfile', '-e', hive, path.join(home, 'plugin')]);
  fs.renameSync(path.join(home, 'plugin', `trino-hive-${VERSION}`), path.join(home, 'plugin', 'hive'));
  fs.rmSync(server);
  fs.rmSync(hive);
  fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
  console.log(`trino ${VERSION}: installed in ${path.relative(root, home)} in ${Math.round((Date.now() - start) / 1000)} s`);
}

main().catch(error => {
  console.error(error.message);
  process.exit(1);
});
