// StrykerJS configuration of `npx projen mutate` (scripts/mutate.js runs it; see CONTRIBUTING.md,
// "Mutation testing"). Two profiles, chosen by MUTATE_PROFILE (set by scripts/mutate.js):
// - `src`: the TypeScript under src/, each mutant run by the jest tests that cover it (perTest);
// - `handlers`: the inline Lambda handlers (src/*/handler.js), run by their own unit tests only.
//   Every other test synthesizes templates that embed the handler file as inline code, which
//   Stryker's instrumented copy is far too long to be (CloudFormation's 4,096 characters): in the
//   `src` profile the handlers are not mutated, in this one no template is synthesized.
const profile = process.env.MUTATE_PROFILE ?? 'src';
/** Reports and incremental state per file mutated (scripts/mutate.js runs one file at a time). */
const name = (process.env.MUTATE_FILE ?? profile).replace(/[^A-Za-z0-9]+/g, '-');

export default {
  packageManager: 'npm',
  testRunner: 'jest',
  coverageAnalysis: 'perTest',
  jest: {
    projectType: 'custom',
    configFile: 'mutation/jest.config.js',
    // perTest coverage already picks each mutant's tests.
    enableFindRelatedTests: false,
  },
  mutate: profile === 'handlers'
    ? ['src/**/*handler.js']
    : ['src/**/*.ts', '!src/index.ts', '!src/**/index.ts'],
  // Two cores shared by several engineers: one test process (scripts/mutate.js may raise it).
  concurrency: 1,
  // A synthesis can take seconds on a loaded machine; the handlers' tests take milliseconds, and
  // their mutants that loop (a retry that never ends) should not cost a minute each.
  timeoutMS: profile === 'handlers' ? 10_000 : 60_000,
  timeoutFactor: 2,
  // Nothing the tests read is left out of the sandbox; build outputs and tools are.
  ignorePatterns: [
    '/build', '/lib', '/dist', '/coverage', '/test-reports', '/cdk.out', '/.venv', '/examples', '/bench',
    '/rosetta', '/test/*.snapshot', '/API.md', '.jsii', 'tsconfig.tsbuildinfo',
  ],
  tempDirName: 'build/stryker-tmp',
  cleanTempDir: 'always',
  reporters: ['progress', 'clear-text', 'json', 'html'],
  jsonReporter: { fileName: `build/mutation/${name}.json` },
  htmlReporter: { fileName: `build/mutation/${name}.html` },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false, reportScoreTable: true },
  incrementalFile: `build/mutation/${name}.incremental.json`,
  thresholds: { high: 90, low: 80, break: null },
};
