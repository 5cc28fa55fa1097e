// The jest configuration of mutation runs (mutation/stryker.config.mjs): the project's (package.json,
// written by projen) with no coverage or JUnit report, ts-jest without type checking (the type
// checker already ran on the real code), and only the tests that can kill a mutant at a useful
// cost (CONTRIBUTING.md, "Mutation testing", has the figures).
const fs = require('fs');
const path = require('path');
const { jest } = require('../package.json');

// The tools the tests run from .venv/ (cfn-lint and its registry schemas, botocore) are linked into
// Stryker's sandbox (this folder's parent there), not copied: 260 MB. MUTATE_ROOT: scripts/mutate.js.
const venv = path.join(__dirname, '..', '.venv');
if (process.env.MUTATE_ROOT && !fs.existsSync(venv)) {
  try {
    fs.symlinkSync(path.join(process.env.MUTATE_ROOT, '.venv'), venv);
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
  }
}

const profile = process.env.MUTATE_PROFILE ?? 'src';

/** Left out of every mutation run (see CONTRIBUTING.md for why each). */
const EXCLUDED = [
  '/test/lifecycle/',
  // The Trino tests start a JVM per run, except with the servers scripts/mutate.js starts once for
  // the run of a query file (TRINO_SERVERS, see test/query/trino/server.ts).
  ...(process.env.TRINO_SERVERS ? [] : ['\\.trino\\.test\\.ts$']),
  '/test/nag.test.ts',
  '/test/schema.test.ts',
  '/test/example.test.ts',
  '/test/snapshot.test.ts',
  '/test/api-sync/botocore.test.ts',
  // Reads the committed API.md and the .jsii assembly, which are built from src/, not the mutant.
  '/test/api-docs.test.ts',
  // Never run src/: the policy evaluator's own tests, and the walk over the committed snapshots.
  '/test/iam/evaluate.test.ts',
  '/test/policy-walk.test.ts',
];

/** The handlers' own tests: the only ones that run the handler files rather than embed them. */
const HANDLER_TESTS = ['<rootDir>/test/api-sync/handler.test.ts', '<rootDir>/test/monitor/handler.test.ts', '<rootDir>/test/organization/coverage-handler.test.ts'];

module.exports = {
  ...jest,
  rootDir: '..',
  collectCoverage: false,
  reporters: ['default'],
  // MUTATE_TESTS: the test files of the file mutated (scripts/mutate.js, TESTS_OF), if it names them.
  testMatch: profile === 'handlers' ? HANDLER_TESTS
    : process.env.MUTATE_TESTS ? process.env.MUTATE_TESTS.split(',').map(file => `<rootDir>/${file}`)
      : jest.testMatch,
  testPathIgnorePatterns: [...jest.testPathIgnorePatterns, ...(profile === 'handlers' ? [] : EXCLUDED)],
  // A mutant's run stops at its first failing test (mutation/bail-environment.js).
  testEnvironment: path.join(__dirname, 'bail-environment.js'),
  // Only the test files that hold a covering test (mutation/test-sequencer.js).
  testSequencer: '<rootDir>/mutation/test-sequencer.js',
  transform: {
    '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: 'test/tsconfig.json', isolatedModules: true }],
  },
};
