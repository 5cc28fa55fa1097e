#!/usr/bin/env node
/*
 * `npx projen test:compat`: compile src/ and run the jest unit tests against other aws-cdk-lib
 * versions than the one in devDependencies (by default the peer floor and the newest tested one).
 *
 *   npx projen test:compat                              # the versions in .projenrc.ts
 *   CDK_COMPAT_VERSIONS="2.230.0 2.276.0" npx projen test:compat
 *   node scripts/compat.js 2.270.0 -- test/acknowledge.test.ts     # jest arguments after --
 *
 * For each version: aws-cdk-lib@<version> is installed into build/compat/<version>/ (once), src/ is
 * type-checked against it with the library's own compiler options (tsc --noEmit on a copy of src/
 * that sees no other aws-cdk-lib), and jest runs test/**\/*.test.ts with every `require('aws-cdk-lib…')`
 * (from src/, from the tests, and from cdk-nag) mapped to that copy. All versions run in one jest
 * process (one jest project each, so they share the two cores). JUnit report:
 * test-reports/junit-compat.xml.
 *
 * Snapshots: each version is compared with the committed snapshots (test/__snapshots__), which are
 * never written here (--ci), with two settings that keep aws-cdk-lib's own changes out of the
 * comparison (scripts/compat-setup.js):
 * - the feature flags are those recommended by the aws-cdk-lib in devDependencies (an app keeps its
 *   cdk.json when it upgrades aws-cdk-lib); newer flags change aws-cdk-lib's output, e.g.
 *   `@aws-cdk/core:defaultCrossStackReferences` (Fn::GetStackOutput instead of Fn::ImportValue);
 * - CDK_VALIDATION=false: aws-cdk-lib's built-in template validation (newer than 2.257) rejects test
 *   fixtures that are not deployable on purpose (a `Ref` to a parameter that does not exist, an
 *   empty stack). The snapshot stacks pass it (checked without this setting on 2.276.0).
 * With these, the templates are the same on 2.224.0, 2.257.0 and 2.276.0: no normalisation needed;
 * a difference fails the run.
 * The property test runs FC_RUNS=200 cases per version here (1000 in `npx projen test`), the lifecycle
 * harness LIFECYCLE_PAIRS=50 generated pairs per construct (200 there).
 *
 * Tests of the test toolchain that needs a newer aws-cdk-lib than the floor (cdk-nag 3 uses
 * `Validations.addPlugins`, aws-cdk-lib >= 2.257) are skipped on older versions: see TOOLCHAIN_TESTS.
 * test/example.test.ts is not run here: it synthesizes in a child process, on the project's
 * aws-cdk-lib (OUT_OF_PROCESS_TESTS). Nor are the Trino tests (the files named *.trino.test.ts): they test
 * the query layer's and the history's SQL in Trino, not aws-cdk-lib (ENGINE_TESTS).
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const dash = process.argv.indexOf('--');
const jestArgs = dash < 0 ? [] : process.argv.slice(dash + 1);
const versions = (process.env.CDK_COMPAT_VERSIONS || process.argv.slice(2, dash < 0 ? undefined : dash).join(' ')).split(/[\s,]+/).filter(Boolean);
if (versions.length === 0) throw new Error('no aws-cdk-lib version: give them as arguments or in CDK_COMPAT_VERSIONS');
const devVersion = require(path.join(root, 'node_modules', 'aws-cdk-lib', 'package.json')).version;
const devFlags = require(path.join(root, 'node_modules', 'aws-cdk-lib', 'cx-api')).CURRENTLY_RECOMMENDED_FLAGS;
const compileOnly = process.env.CDK_COMPAT_COMPILE_ONLY === '1';

/** Test files that exercise the test toolchain, and the oldest aws-cdk-lib that toolchain runs on. */
const TOOLCHAIN_TESTS = { 'test/nag.test.ts': '2.257.0' };
/**
 * Test files that do not load aws-cdk-lib in the test process: test/example.test.ts runs
 * examples/app.ts in a child `ts-node`, which loads the project's aws-cdk-lib whatever the mapping.
 */
const OUT_OF_PROCESS_TESTS = ['test/example.test.ts'];
/**
 * Test files of SQL, not of aws-cdk-lib (a pattern of paths): the .trino.test.ts files run the query
 * layer and the history in a Trino server (built from the project's aws-cdk-lib templates; the
 * templates themselves are checked on every version by test/query/inventory-database.test.ts and
 * test/history/inventory-history.test.ts).
 */
const ENGINE_TESTS = '\\.trino\\.test\\.ts$';

const cmp = (a, b) => {
  const [x, y] = [a, b].map(v => v.split(/[.-]/).slice(0, 3).map(Number));
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
};

function run(command, args, options = {}) {
  console.log(`::: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) process.exit(result.status || 1);
}

// See the header: the same inputs on every version.
process.env.CDK_VALIDATION = process.env.CDK_VALIDATION ?? 'false';
process.env.FC_RUNS = process.env.FC_RUNS ?? '200';
// The lifecycle harness's generated pairs per construct (200 in `npx projen test`).
process.env.LIFECYCLE_PAIRS = process.env.LIFECYCLE_PAIRS ?? '50';

const projects = [];
for (const version of versions) {
  const dir = path.join(root, 'build', 'compat', version);
  const lib = path.join(dir, 'node_modules', 'aws-cdk-lib');
  const installed = fs.existsSync(path.join(lib, 'package.json')) && require(path.join(lib, 'package.json')).version;
  if (installed !== version) {
    fs.mkdirSync(dir, { recursive: true });
    // constructs comes from the project (one copy for the tests, src/ and aws-cdk-lib).
    run('npm', ['install', '--prefix', dir, '--no-save', '--no-package-lock', '--legacy-peer-deps',
      '--no-audit', '--no-fund', '--loglevel=error', `aws-cdk-lib@${version}`]);
  }

  // src/ compiled with the library's compiler options against this aws-cdk-lib: a copy of src/
  // outside the project, whose node_modules has only this aws-cdk-lib, constructs and the types (in
  // the project, or with `paths`, TypeScript would fall back to the project's aws-cdk-lib for a
  // module this version lacks).
  const work = path.join(os.tmpdir(), `cdk-ssm-resource-data-sync-compat-${version}`);
  fs.rmSync(work, { recursive: true, force: true });
  fs.cpSync(path.join(root, 'src'), path.join(work, 'src'), { recursive: true });
  fs.mkdirSync(path.join(work, 'node_modules'));
  fs.symlinkSync(lib, path.join(work, 'node_modules', 'aws-cdk-lib'));
  for (const name of ['constructs', '@types']) {
    fs.symlinkSync(path.join(root, 'node_modules', name), path.join(work, 'node_modules', name));
  }
  const tsconfig = path.join(work, 'tsconfig.json');
  fs.writeFileSync(tsconfig, JSON.stringify({
    extends: path.join(root, 'tsconfig.json'),
    compilerOptions: { noEmit: true, rootDir: 'src' },
    include: ['src/**/*.ts'],
  }, undefined, 2));
  run(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', tsconfig]);
  console.log(`::: src/ compiles against aws-cdk-lib ${version}`);

  const skipped = [...OUT_OF_PROCESS_TESTS, ...Object.entries(TOOLCHAIN_TESTS).filter(([, min]) => cmp(version, min) < 0).map(([file]) => file)];
  projects.push({
    displayName: `aws-cdk-lib@${version}`,
    rootDir: root,
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    testPathIgnorePatterns: ['/node_modules/', ENGINE_TESTS, ...skipped.map(f => `<rootDir>/${f}`)],
    transform: { '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
    moduleNameMapper: {
      '^aws-cdk-lib$': lib,
      '^aws-cdk-lib/(.*)$': `${lib}/$1`,
      '^constructs$': path.join(root, 'node_modules', 'constructs'),
    },
    setupFiles: [path.join(__dirname, 'compat-setup.js')],
    globals: { CDK_COMPAT: { version, devVersion, devFlags } },
  });
}

if (compileOnly) process.exit(0);
const config = path.join(root, 'build', 'compat', 'jest.config.json');
fs.writeFileSync(config, JSON.stringify({
  projects,
  testTimeout: 120_000,
  reporters: ['default', ['jest-junit', { outputDirectory: 'test-reports', outputName: 'junit-compat.xml', suiteNameTemplate: '{displayName} {filepath}' }]],
}, undefined, 2));
run(path.join(root, 'node_modules', '.bin', 'jest'), ['--ci', '--coverage=false', '--maxWorkers=2', '--config', config, ...jestArgs]);
