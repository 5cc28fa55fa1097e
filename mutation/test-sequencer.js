// The test sequencer of mutation runs (mutation/jest.config.js). For a mutant, Stryker gives jest the
// names of the tests that cover it (perTest) as --testNamePattern; jest would still load every test
// file of the run to find them, and loading one (aws-cdk-lib and the library, fresh for each file)
// costs more than most tests. This keeps only the files that hold a test whose full name matches,
// from the list of names per file that scripts/mutate.js writes before Stryker runs
// (MUTATE_TEST_NAMES). A file missing from the list is kept.
const fs = require('fs');
const path = require('path');
const Sequencer = require('@jest/test-sequencer').default;

const ENGINE = /\.trino\.test\.ts$/;

class MutantTestSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.pattern = options.globalConfig.testNamePattern;
    const file = process.env.MUTATE_TEST_NAMES;
    this.names = file && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf-8')) : undefined;
  }

  async sort(tests) {
    // A mutant's run stops at its first failing test (mutation/bail-environment.js): the Trino tests,
    // seconds each against the others' milliseconds, run last (jest's own order puts the slowest first).
    const sorted = (await super.sort(tests)).sort((a, b) => ENGINE.test(a.path) - ENGINE.test(b.path));
    if (!this.pattern || !this.names) return sorted;
    // The same test jest applies to each test's full name (describe titles and its own, spaced).
    const matches = new RegExp(this.pattern, 'i');
    return sorted.filter(test => {
      const names = this.names[path.relative(test.context.config.rootDir, test.path)];
      return names === undefined || names.some(name => matches.test(name));
    });
  }
}

module.exports = MutantTestSequencer;
