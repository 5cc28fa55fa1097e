#!/usr/bin/env node
/*
 * `npx projen mutate`: mutation testing of src/ with StrykerJS (mutation/stryker.config.mjs), and the
 * check of its survivors against mutation/accepted-survivors.json. Not part of CI: see
 * CONTRIBUTING.md, "Mutation testing".
 *
 *   npx projen mutate                        # the checked files (CHECKED below), one Stryker run per file
 *   npx projen mutate src/policies.ts        # some files (any under src/)
 *   npx projen mutate src/policies.ts:72-236 # a range of lines (Stryker's --mutate form)
 *   npx projen mutate:changed                # the files under src/ changed since main, incrementally
 *   MUTATE_CONCURRENCY=2 npx projen mutate … # two test processes (only when `uptime` shows a low load)
 *   npx projen mutate -- --incremental src/policies.ts  # only the mutants whose code or tests changed since its last run
 *   npx projen mutate -- --report-only       # no run: the check of the last reports in build/mutation/
 *
 * Each file is mutated in its own Stryker run (the machine is shared; a run can be stopped and
 * resumed file by file); its reports go to build/mutation/<file>.json and .html (src-policies-ts.json, ...), the
 * scores of all files run to build/mutation/scores.json. The handlers (src/*\/handler.js) run in the
 * `handlers` profile, everything else in `src` (mutation/stryker.config.mjs says why).
 *
 * The check: every mutant of a checked file that no test kills (survived, no coverage, or one that
 * only breaks the loading of a test file, where no failing test names the cause) must be listed in
 * mutation/accepted-survivors.json, as equivalent or accepted, with a reason. A mutant that is not
 * listed fails the task; its entry, ready to fill in, is written to build/mutation/new-survivors.json.
 * A mutant is identified by its file, mutator and the text it replaces and puts (not its line, which
 * moves with every edit), so listed entries survive unrelated changes.
 */
const { spawn, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const OUT = path.join(ROOT, 'build', 'mutation');
const ACCEPTED_FILE = path.join(ROOT, 'mutation', 'accepted-survivors.json');

/** The security-critical files whose scores are recorded and whose survivors must be accepted. */
const CHECKED = [
  'src/policies.ts', 'src/validation.ts', 'src/destination.ts', 'src/inventory-bucket.ts',
  'src/query/inventory-accounts.ts', 'src/query/inventory-database.ts', 'src/query/inventory-table.ts',
  'src/query/inventory-type.ts', 'src/query/named-queries.ts', 'src/query/query-grants.ts',
  'src/query/query-validation.ts', 'src/query/regions.ts',
  'src/api-sync/handler.js', 'src/monitor/handler.js', 'src/organization/coverage-handler.js',
];

/**
 * The test files that run the mutants of a file: its own tests and those of the constructs built on
 * it. Jest loads every test file of a run for each mutant (to match the covering tests by name), so
 * each file left out saves its load time (about 0.3 s each here) on every mutant. Files not listed
 * run every test of the profile (mutation/jest.config.js).
 */
const CONSTRUCT_TESTS = ['test/resource-data-sync.test.ts', 'test/destination.test.ts', 'test/inventory-bucket.test.ts', 'test/organization.test.ts', 'test/policies.test.ts', 'test/properties.test.ts', 'test/acknowledge.test.ts'];
// The query layer's SQL, SerDe and projection are only read by a query engine: its Trino tests run
// its mutants too, in servers started once for the run (startTrino).
const QUERY_TESTS = ['test/query/query-validation.test.ts', 'test/query/inventory-accounts.test.ts', 'test/query/inventory-database.test.ts', 'test/query/inventory-table.test.ts', 'test/query/inventory-type.test.ts', 'test/query/deprecated.test.ts', 'test/organization.test.ts', 'test/properties.test.ts', 'test/query/queries.trino.test.ts'];
const TESTS_OF = {
  // The policies are judged by the tests of the constructs that write them (the property test judges
  // the rules of src/validation.ts, the organization's tests its StackSet; both are slow per mutant).
  'src/policies.ts': ['test/policies.test.ts', 'test/inventory-bucket.test.ts', 'test/destination.test.ts', 'test/resource-data-sync.test.ts', 'test/acknowledge.test.ts'],
  'src/destination.ts': [...CONSTRUCT_TESTS, 'test/api-sync/api-sync.test.ts', 'test/monitor/sync-health-monitor.test.ts'],
  'src/inventory-bucket.ts': [...CONSTRUCT_TESTS, 'test/query/inventory-database.test.ts'],
  // The rules are judged by their own tests, the property test, and the tests of every construct that checks them.
  'src/validation.ts': [...CONSTRUCT_TESTS, 'test/validation.test.ts', 'test/source.test.ts', 'test/api-sync/api-sync.test.ts', 'test/monitor/sync-health-monitor.test.ts', 'test/query/deprecated.test.ts'],
  ...Object.fromEntries(CHECKED.filter(f => f.startsWith('src/query/')).map(f => [f, QUERY_TESTS])),
  // The types' columns are made when the module loads (static members of InventoryType): each of
  // their mutants runs every test of the file's run, so only the tests that read columns run them.
  'src/query/inventory-type.ts': ['test/query/inventory-type.test.ts', 'test/query/inventory-database.test.ts', 'test/query/queries.trino.test.ts'],
};

const NOT_KILLED = new Set(['Survived', 'NoCoverage', 'RuntimeError']);

function main(argv) {
  const changed = argv.includes('--changed');
  const incremental = changed || argv.includes('--incremental');
  const reportOnly = argv.includes('--report-only');
  let files = argv.filter(a => !a.startsWith('--')).map(f => path.relative(ROOT, path.resolve(f)));
  if (changed) files = changedFiles();
  else if (files.length === 0) files = CHECKED;
  if (files.length === 0) {
    console.log('mutate: no file under src/ changed since main.');
    return 0;
  }
  for (const file of files) {
    if (!/^src\/.*\.(ts|js)$/.test(source(file)) || !fs.existsSync(path.join(ROOT, source(file)))) throw new Error(`mutate: ${file} is not a file under src/`);
  }
  fs.mkdirSync(OUT, { recursive: true });
  const scores = readJson(path.join(OUT, 'scores.json'), {});
  const results = [];
  for (const file of files) {
    const profile = source(file).endsWith('handler.js') ? 'handlers' : 'src';
    if (!reportOnly) {
      const status = stryker(profile, file, incremental);
      if (status !== 0) {
        console.error(`mutate: Stryker failed on ${file} (exit ${status})`);
        return status || 1;
      }
    }
    const report = readJson(path.join(OUT, `${slug(file)}.json`), undefined);
    const entry = report?.files?.[source(file)];
    if (!entry) throw new Error(`mutate: no report of ${file} in build/mutation/${slug(file)}.json (run it first)`);
    const result = summarize(file, entry, source(file));
    scores[file] = { ...result.score, seconds: reportOnly ? scores[file]?.seconds : result.seconds };
    fs.writeFileSync(path.join(OUT, 'scores.json'), JSON.stringify(scores, undefined, 2) + '\n');
    results.push(result);
  }
  return check(results, scores);
}

/** One Stryker run of one file; returns its exit status and records its time. */
function stryker(profile, file, incremental) {
  const args = ['stryker', 'run', 'mutation/stryker.config.mjs', '--mutate', file];
  if (process.env.MUTATE_CONCURRENCY) args.push('--concurrency', process.env.MUTATE_CONCURRENCY);
  // Every run records its results (build/mutation/<file>.incremental.json); a full run (--force) tests
  // every mutant, an incremental one only those whose code or covering tests changed since.
  args.push('--incremental');
  if (!incremental) args.push('--force');
  console.log(`::: mutate ${file} (profile ${profile}${incremental ? ', incremental' : ''})`);
  const start = Date.now();
  // The property test's 1,000 runs (40 s) would dominate each mutant's run; 100 keep its generators' reach.
  const tests = TESTS_OF[source(file)] ?? [];
  const env = { FC_RUNS: '100', ...process.env, MUTATE_PROFILE: profile, MUTATE_FILE: file, MUTATE_ROOT: ROOT, MUTATE_TESTS: tests.join(',') };
  const trino = tests.some(t => TRINO_TEST.test(t)) ? startTrino(Number(process.env.MUTATE_CONCURRENCY ?? 1)) : undefined;
  try {
    if (trino) env.TRINO_SERVERS = trino.file;
    env.MUTATE_TEST_NAMES = testNames(file, env);
    const result = spawnSync('npx', args, { cwd: ROOT, stdio: 'inherit', env });
    lastSeconds = Math.round((Date.now() - start) / 1000);
    return result.status;
  } finally {
    trino?.stop();
  }
}
let lastSeconds;

const TRINO_TEST = /\.trino\.test\.ts$/;

/**
 * One Trino server per Stryker test process, for the whole run (test/query/trino/shared.ts): a test
 * file that starts its own would start a JVM (about 15 s) for each mutant. They stop when this
 * process ends, whatever ends it (their starter's standard input closes).
 */
function startTrino(count) {
  const file = path.join(OUT, `trino-servers-${process.pid}.json`);
  fs.rmSync(file, { force: true });
  const tsNode = require.resolve('ts-node/dist/bin.js', { paths: [ROOT] });
  const child = spawn(process.execPath, [tsNode, '--transpile-only', 'test/query/trino/shared.ts', String(count), file], { cwd: ROOT, stdio: ['pipe', 'inherit', 'inherit'] });
  const until = Date.now() + 300_000;
  while (!fs.existsSync(file)) {
    if (Date.now() > until || !isAlive(child.pid)) throw new Error('mutate: the Trino servers did not start (see the output above)');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
  return { file, stop: () => child.kill('SIGTERM') };
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The full name of every test of the run, per test file, for mutation/test-sequencer.js (which runs a
 * mutant's covering tests from their files only). One jest run that loads each file and runs no test
 * (a name pattern nothing matches reports every test as skipped, with its name).
 */
function testNames(file, env) {
  const out = path.join(OUT, `${slug(file)}.test-names.json`);
  const report = path.join(OUT, `${slug(file)}.jest.json`);
  const run = spawnSync('npx', ['jest', '-c', 'mutation/jest.config.js', '--testNamePattern', '^$never', '--json', '--outputFile', report],
    { cwd: ROOT, stdio: 'ignore', env: { ...env, MUTATE_TEST_NAMES: '' } });
  if (!fs.existsSync(report)) throw new Error(`mutate: could not list the tests of ${file} (jest exit ${run.status})`);
  const names = {};
  for (const result of readJson(report).testResults) {
    names[path.relative(ROOT, result.name)] = result.assertionResults.map(a => a.fullName);
  }
  fs.writeFileSync(out, JSON.stringify(names));
  return out;
}

/** The files under src/ changed since the merge base with main, committed or not. */
function changedFiles() {
  const git = (...args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf-8' }).stdout.trim();
  const base = git('merge-base', 'HEAD', 'main');
  const names = new Set([...git('diff', '--name-only', base).split('\n'), ...git('ls-files', '--others', '--exclude-standard', 'src').split('\n')]);
  return [...names].filter(f => /^src\/.*\.(ts|js)$/.test(f) && !/(^|\/)index\.ts$/.test(f) && fs.existsSync(path.join(ROOT, f))).sort();
}

/** A file's counts and score, and its mutants that no test kills. */
function summarize(file, entry, sourceFile) {
  const count = status => entry.mutants.filter(m => m.status === status).length;
  const killed = count('Killed');
  const timeout = count('Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const loadErrors = count('RuntimeError');
  // Load errors (a test file that does not load) count as not killed: no failing test names the cause.
  const valid = killed + timeout + survived + noCoverage + loadErrors;
  const score = { mutants: entry.mutants.length, killed, timeout, survived, noCoverage, loadErrors, ignored: count('Ignored') + count('CompileError') };
  score.score = valid === 0 ? 100 : Math.round(1000 * (killed + timeout) / valid) / 10;
  const lines = entry.source.split('\n');
  const notKilled = entry.mutants.filter(m => NOT_KILLED.has(m.status)).map(m => {
    const original = textAt(lines, m.location);
    return {
      id: mutantId(sourceFile, m.mutatorName, original, m.replacement),
      file: sourceFile,
      line: m.location.start.line,
      mutator: m.mutatorName,
      original: shorten(original),
      replacement: shorten(m.replacement ?? ''),
      status: m.status,
    };
  });
  return { file, score, notKilled, seconds: lastSeconds };
}

/** The source text a mutant replaces (the report's lines and columns are 1-based). */
function textAt(lines, { start, end }) {
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  return [lines[start.line - 1].slice(start.column - 1), ...lines.slice(start.line, end.line - 1), lines[end.line - 1].slice(0, end.column - 1)].join('\n');
}

function mutantId(file, mutator, original, replacement) {
  const norm = text => String(text).replace(/\s+/g, ' ').trim();
  return crypto.createHash('sha256').update([file, mutator, norm(original), norm(replacement)].join('\0')).digest('hex').slice(0, 12);
}

function shorten(text) {
  const flat = String(text).replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}

/** Prints the scores, and fails on a mutant of a checked file that is not in the accepted list. */
function check(results, scores) {
  const accepted = readJson(ACCEPTED_FILE, { mutants: [] }).mutants;
  const byId = new Map();
  for (const a of accepted) {
    if (!a.reason || !['equivalent', 'accepted'].includes(a.kind)) throw new Error(`mutate: ${ACCEPTED_FILE}: entry ${a.id} needs a kind (equivalent or accepted) and a reason`);
    byId.set(a.id, (byId.get(a.id) ?? 0) + 1);
  }
  console.log('\n| file | mutants | killed | timed out | survived | no coverage | load errors | score | time |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const fresh = [];
  for (const { file, notKilled } of results) {
    const s = scores[file];
    console.log(`| \`${file}\` | ${s.mutants} | ${s.killed} | ${s.timeout} | ${s.survived} | ${s.noCoverage} | ${s.loadErrors} | ${s.score.toFixed(1)} % | ${s.seconds ?? '?'} s |`);
    if (!CHECKED.includes(source(file))) continue;
    const left = new Map(byId);
    for (const m of notKilled) {
      const n = left.get(m.id) ?? 0;
      if (n > 0) left.set(m.id, n - 1);
      else fresh.push(m);
    }
    // After a run of part of a file, listed mutants outside it were not run: none is "gone".
    const gone = file !== source(file) ? [] : accepted.filter(a => a.file === file && (left.get(a.id) ?? 0) > 0);
    for (const a of gone) {
      console.log(`mutate: ${a.id} (${file}:${a.line} ${a.mutator}) is accepted but no longer survives: remove it from mutation/accepted-survivors.json`);
      left.set(a.id, left.get(a.id) - 1);
    }
  }
  fs.writeFileSync(path.join(OUT, 'new-survivors.json'), JSON.stringify(fresh.map(m => ({ ...m, kind: '', reason: '' })), undefined, 2) + '\n');
  if (fresh.length > 0) {
    console.log(`\nmutate: ${fresh.length} mutant(s) no test kills and mutation/accepted-survivors.json does not list:`);
    for (const m of fresh) console.log(`  ${m.file}:${m.line} ${m.mutator} [${m.status}] ${m.original} -> ${m.replacement}`);
    console.log('Write a test that fails for the behaviour it breaks, or list it (build/mutation/new-survivors.json has the entries).');
    return 1;
  }
  console.log('\nmutate: every surviving mutant of the checked files is listed as equivalent or accepted.');
  return 0;
}

/** The file of `src/x.ts` or of a line range of it, `src/x.ts:10-80` (Stryker's form). */
function source(file) {
  return file.split(':')[0];
}

/** The name of a file's reports (as mutation/stryker.config.mjs makes it). */
function slug(file) {
  return file.replace(/[^A-Za-z0-9]+/g, '-');
}

function readJson(file, fallback) {
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf-8')) : fallback;
}

process.exitCode = main(process.argv.slice(2));
