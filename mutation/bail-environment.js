// The test environment of mutation runs (mutation/jest.config.js): jest's node environment that
// stops a mutant's run at its first failing test. Stryker needs one failure to call a mutant killed,
// but jest has no bail within a run it starts from code, so every covering test would still run.
// After a failure, the rest of the mutant's tests (in this file and the files after it, which run
// in the same process: Stryker runs jest in band) are skipped. Only in mutant runs: Stryker's
// initial run, which records which tests cover which mutant, runs every test.
const { TestEnvironment } = require('jest-environment-node');

/** Set by Stryker for a mutant run: the id of the mutant switched on. */
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';
/** The mutant a test has already failed for, in this process. */
const KILLED = 'MUTATE_KILLED_MUTANT';

class BailEnvironment extends TestEnvironment {
  async handleTestEvent(event) {
    const mutant = process.env[ACTIVE_MUTANT];
    if (mutant === undefined) return;
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') {
      process.env[KILLED] = mutant;
    } else if (event.name === 'test_start' && process.env[KILLED] === mutant) {
      // Read by jest-circus right after this event: the test is reported skipped, not run.
      event.test.mode = 'skip';
    }
  }
}

module.exports = BailEnvironment;
