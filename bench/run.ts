/**
 * `npx projen bench`: what the L2 construct costs at synth time against the same resources written
 * with L1 constructs. Each run is a whole `node` process (module loading included) that synthesizes
 * N zero-config syncs (5 per stack, one account per stack); the variants' runs alternate. Prints a
 * table and writes build/bench/results.json.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SIZES = (process.env.BENCH_SIZES ?? '1,10,50,200').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const here = __dirname;
const resultsFile = path.join(here, '..', 'results.json');

interface Sample { ms: number; cpuMs: number; peakRssMiB: number; resources: number; bytes: number; stacks: number }

/** The variants, each an app `app-<kind>.js` that takes N and an output folder. */
const KINDS = {
  'l2': 'this library',
  'cdk-l2': 'the same by hand with aws-cdk-lib Key, Bucket, PolicyStatement',
  'l1-scoped': 'L1 only, each sync in a construct at the L2\'s paths (same logical ids)',
  'l1': 'L1 only, directly in the stack',
};
type Kind = keyof typeof KINDS;
const kinds = Object.keys(KINDS) as Kind[];

function synth(kind: Kind, n: number, outdir: string): { ms: number; report: any } {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [path.join(here, `app-${kind}.js`), String(n), outdir], { encoding: 'utf-8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${kind} N=${n} failed:\n${result.stderr}`);
  return { ms, report: JSON.parse(result.stdout.trim().split('\n').pop()!) };
}

/**
 * Where the apps write their cloud assemblies: memory (/dev/shm) where there is one, so that the
 * latency of the host's disk (on a virtual disk, writing the same bytes took 140 to 280 ms per run
 * here) is not timed; BENCH_TMPDIR to choose.
 */
const TMP = process.env.BENCH_TMPDIR ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());

/** Runs `f` with a fresh output folder, removed afterwards. */
function withOutdir<T>(prefix: string, f: (outdir: string) => T): T {
  const outdir = fs.mkdtempSync(path.join(TMP, prefix));
  try {
    return f(outdir);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** A record with a value for each variant. */
const perKind = <T>(f: (kind: Kind) => T) => Object.fromEntries(kinds.map(k => [k, f(k)])) as Record<Kind, T>;

function runOnce(kind: Kind, n: number): Sample {
  return withOutdir(`bench-${kind}-`, outdir => {
    const { ms, report } = synth(kind, n, outdir);
    return { ms, ...report };
  });
}

/**
 * Like is compared with like: the L1 variants' templates are the L2's, but for the sync names (the
 * L2 generates them) and, for `l1`, the logical ids. Checked on one stack of 5 syncs before timing.
 */
function checkSameTemplates(): void {
  const templates = perKind(kind => withOutdir(`bench-check-${kind}-`, outdir => {
    synth(kind, 5, outdir);
    return JSON.parse(fs.readFileSync(path.join(outdir, 'Inventory0.template.json'), 'utf-8'));
  }));
  // Keys sorted, so only content counts.
  const sorted = (_: string, v: any) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map(k => [k, v[k]])) : v);
  const normal = (template: any, renameIds: boolean) => {
    // Construct paths (aws:cdk:path metadata) differ by construction: the resources must not.
    const resources = Object.fromEntries(Object.entries<any>(template.Resources).map(([id, { Metadata: _m, ...r }]) => [id, r]));
    let text = JSON.stringify(resources);
    const seen: Record<string, number> = {};
    for (const [id, resource] of Object.entries<any>(template.Resources)) {
      if (resource.Properties?.SyncName) text = text.split(JSON.stringify(resource.Properties.SyncName)).join('"<sync name>"');
      // The n-th resource of a type, in template order, stands for its logical id.
      seen[resource.Type] = (seen[resource.Type] ?? 0) + 1;
      if (renameIds) text = text.split(`"${id}"`).join(`"${resource.Type}#${seen[resource.Type]}"`);
    }
    return JSON.stringify(JSON.parse(text), sorted);
  };
  for (const kind of ['cdk-l2', 'l1-scoped', 'l1'] as Kind[]) {
    const renameIds = kind !== 'l1-scoped';
    if (normal(templates[kind], renameIds) !== normal(templates.l2, renameIds)) {
      if (process.env.BENCH_DEBUG) console.error(normal(templates[kind], renameIds), '\n', normal(templates.l2, renameIds));
      throw new Error(`bench: the ${kind} template is not the L2's; the comparison would not be fair`);
    }
  }
}

/**
 * The order of the variants in round `i`: each variant takes each position once in four rounds (so
 * none always runs first), and the L2 always runs right beside its hand-written peer (and the two L1
 * variants beside each other), so that a slowdown of the host that lasts a few seconds hits both
 * sides of a comparison alike.
 */
function roundOrder(i: number): Kind[] {
  const pairs: Kind[][] = [['l2', 'cdk-l2'], ['l1-scoped', 'l1']];
  const ordered = i % 4 >= 2 ? [pairs[1], pairs[0]] : pairs;
  return ordered.flatMap(pair => (i % 2 === 1 ? [...pair].reverse() : pair));
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

checkSameTemplates();

const rows = SIZES.map(n => {
  const samples = perKind((): Sample[] => []);
  for (const kind of kinds) runOnce(kind, n); // warm the file system cache; not counted
  for (let i = 0; i < RUNS; i++) {
    for (const kind of roundOrder(i)) samples[kind].push(runOnce(kind, n));
  }
  const ms = perKind(k => median(samples[k].map(s => s.ms)));
  const peakRssMiB = perKind(k => median(samples[k].map(s => s.peakRssMiB)));
  const cpuMs = perKind(k => median(samples[k].map(s => s.cpuMs)));
  // The L2 against its peer in each round (the two ran back to back), then the median of those ratios:
  // less swayed than the ratio of the medians by a host whose speed drifts from run to run.
  const pairedRatios = samples.l2.map((s, i) => s.ms / samples['cdk-l2'][i].ms);
  const row = {
    n,
    stacks: samples.l2[0].stacks,
    ms,
    ratio: ms.l2 / ms.l1,
    ratioToCdkL2: ms.l2 / ms['cdk-l2'],
    pairedRatioToCdkL2: median(pairedRatios),
    pairedRatiosToCdkL2: pairedRatios.map(r => Number(r.toFixed(3))),
    ratioToL1Scoped: ms.l2 / ms['l1-scoped'],
    l1ScopedRatio: ms['l1-scoped'] / ms.l1,
    peakRssMiB,
    cpuMs,
    cpuRatioToCdkL2: cpuMs.l2 / cpuMs['cdk-l2'],
    cpuRatio: cpuMs.l2 / cpuMs.l1,
    resourcesPerSync: perKind(k => samples[k][0].resources / n),
    bytesPerSync: perKind(k => Math.round(samples[k][0].bytes / n)),
    allMs: perKind(k => samples[k].map(s => Math.round(s.ms))),
  };
  process.stderr.write(`N=${n} done\n`);
  return row;
});

/**
 * BENCH_INSTRUCTIONS=1: the instructions the L2 and its peer execute (valgrind's callgrind, whole
 * process, V8 on one thread so that no background thread's share varies), at each size. Unlike the
 * times, the count is the same from run to run (to a few thousand instructions here), whatever the
 * host does meanwhile: a change's cost shows even where the times swing by 10 %. About a minute and
 * a half per run at N = 200; needs valgrind.
 */
const instructions = process.env.BENCH_INSTRUCTIONS === '1' ? SIZES.map(n => {
  const count = (kind: Kind) => withOutdir(`bench-callgrind-${kind}-`, outdir => {
    const result = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded',
      path.join(here, `app-${kind}.js`), String(n), outdir], { encoding: 'utf-8' });
    const collected = /Collected : (\d+)/.exec(result.stderr ?? '');
    if (result.status !== 0 || !collected) throw new Error(`callgrind ${kind} N=${n} failed (is valgrind installed?):\n${result.error ?? result.stderr}`);
    return Number(collected[1]);
  });
  const l2 = count('l2');
  const peer = count('cdk-l2');
  return { n, l2, cdkL2: peer, ratioToCdkL2: l2 / peer };
}) : undefined;

// The cost of one more sync between consecutive sizes (ms per sync), for each variant.
const marginal = rows.slice(1).map((row, i) => ({
  from: rows[i].n,
  to: row.n,
  msPerSync: perKind(k => (row.ms[k] - rows[i].ms[k]) / (row.n - rows[i].n)),
}));

const machine = {
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  runs: RUNS,
};
fs.writeFileSync(resultsFile, JSON.stringify({ machine, variants: KINDS, rows, marginal, instructions }, undefined, 2));

const pad = (v: string | number, w: number) => String(v).padStart(w);
console.log(`machine: ${machine.cpus} x ${machine.cpu}, ${machine.memoryGiB} GiB, node ${machine.node}; median of ${RUNS} runs each`);
for (const kind of kinds) console.log(`${pad(kind, 9)}: ${KINDS[kind]}`);
console.log(`${pad('N', 5)} ${pad('stacks', 6)} ${kinds.map(k => pad(`${k} ms`, 12)).join(' ')} ${pad('L2/L1', 6)} ${pad('L2/CDK', 6)} ${pad('L2/L1sc', 7)} ${pad('L1sc/L1', 7)} ${pad('L2 MiB', 7)} ${pad('L1 MiB', 7)} ${pad('res/sync', 8)} ${pad('L2 B/sync', 9)} ${pad('L1 B/sync', 9)}`);
for (const r of rows) {
  console.log(`${pad(r.n, 5)} ${pad(r.stacks, 6)} ${kinds.map(k => pad(r.ms[k].toFixed(0), 12)).join(' ')} ${pad(r.ratio.toFixed(2), 6)} ${pad(r.ratioToCdkL2.toFixed(2), 6)} ${pad(r.ratioToL1Scoped.toFixed(2), 7)} ${pad(r.l1ScopedRatio.toFixed(2), 7)} ${pad(r.peakRssMiB.l2.toFixed(0), 7)} ${pad(r.peakRssMiB.l1.toFixed(0), 7)} ${pad(r.resourcesPerSync.l2, 8)} ${pad(r.bytesPerSync.l2, 9)} ${pad(r.bytesPerSync.l1, 9)}`);
}
for (const r of rows) {
  console.log(`N=${r.n} CPU time (user + system), ms: ${kinds.map(k => `${k} ${r.cpuMs[k].toFixed(0)}`).join(', ')}; L2/CDK L2 ${r.cpuRatioToCdkL2.toFixed(2)}, L2/L1 ${r.cpuRatio.toFixed(2)}`);
}
for (const r of rows) {
  const sorted = [...r.pairedRatiosToCdkL2].sort((a, b) => a - b);
  console.log(`N=${r.n} L2/CDK L2 round by round (the two run back to back in each round): median ${r.pairedRatioToCdkL2.toFixed(2)}, from ${sorted[0].toFixed(2)} to ${sorted[sorted.length - 1].toFixed(2)} over ${sorted.length} rounds`);
}
for (const c of instructions ?? []) {
  console.log(`N=${c.n} instructions (callgrind, V8 on one thread): l2 ${c.l2.toLocaleString('en-US')}, cdk-l2 ${c.cdkL2.toLocaleString('en-US')}; L2/CDK L2 ${c.ratioToCdkL2.toFixed(3)}`);
}
for (const m of marginal) console.log(`one more sync, N ${m.from} -> ${m.to}: ${kinds.map(k => `${k} ${m.msPerSync[k].toFixed(1)} ms`).join(', ')}`);

// The organization path (OrganizationInventory + InventoryDatabase + InventoryHistory + OrganizationCoverage) at 1 and 34 Regions, against
// the core app (one zero-config sync), so that the growth of the newer constructs shows.
const ORG_REGIONS = (process.env.BENCH_ORG_REGIONS ?? '1,34').split(',').map(Number);
const orgRuns = (regions: number) => withOutdir('bench-org-', outdir => {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [path.join(here, 'app-org.js'), String(regions), outdir], { encoding: 'utf-8' });
  if (result.status !== 0) throw new Error(`org R=${regions} failed:\n${result.stderr}`);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, ...JSON.parse(result.stdout.trim().split('\n').pop()!) };
});
const core = median(Array.from({ length: RUNS }, () => runOnce('l2', 1).ms));
const organization = ORG_REGIONS.map(regions => {
  orgRuns(regions); // warm
  const samples = Array.from({ length: RUNS }, () => orgRuns(regions));
  return {
    regions,
    ms: median(samples.map(s => s.ms)),
    resources: samples[0].resources,
    bytes: samples[0].bytes,
    peakRssMiB: median(samples.map(s => s.peakRssMiB)),
  };
});
const results = { machine, variants: KINDS, rows, marginal, instructions, core: { ms: core }, organization };
fs.writeFileSync(resultsFile, JSON.stringify(results, undefined, 2));
console.log(`organization path (OrganizationInventory, InventoryDatabase, InventoryHistory, OrganizationCoverage) against the core app (1 zero-config sync, ${core.toFixed(0)} ms):`);
for (const o of organization) {
  console.log(`  ${pad(o.regions, 2)} Regions: ${pad(o.ms.toFixed(0), 6)} ms (${(o.ms / core).toFixed(2)} x core), ${o.resources} resources, ${o.bytes} template bytes, ${o.peakRssMiB.toFixed(0)} MiB`);
}
console.log(`written: ${path.relative(process.cwd(), resultsFile)}`);
