/**
 * `npx projen bench`: what the L2 construct costs at synth time against the same resources written
 * with L1 constructs. Each run is a whole `node` process (module loading included) that synthesizes
 * N zero-config syncs (5 per stack, one account per stack); L2 and L1 runs alternate. Prints a table
 * and writes build/bench/results.json.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SIZES = (process.env.BENCH_SIZES ?? '1,10,50,200').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const here = __dirname;
const resultsFile = path.join(here, '..', 'results.json');

interface Sample { ms: number; peakRssMiB: number; resources: number; bytes: number; stacks: number }

type Kind = 'l2' | 'cdk-l2' | 'l1';

function runOnce(kind: Kind, n: number): Sample {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${kind}-`));
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [path.join(here, `app-${kind}.js`), String(n), outdir], { encoding: 'utf-8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  fs.rmSync(outdir, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`${kind} N=${n} failed:\n${result.stderr}`);
  const report = JSON.parse(result.stdout.trim().split('\n').pop()!);
  return { ms, ...report };
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const rows = SIZES.map(n => {
  const samples: Record<Kind, Sample[]> = { 'l2': [], 'cdk-l2': [], 'l1': [] };
  const kinds = Object.keys(samples) as Kind[];
  for (const kind of kinds) runOnce(kind, n); // warm the file system cache; not counted
  for (let i = 0; i < RUNS; i++) {
    // Rotate the order, so no variant always runs first.
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[(i + k) % kinds.length];
      samples[kind].push(runOnce(kind, n));
    }
  }
  const { l2, l1 } = samples;
  const cdk = samples['cdk-l2'];
  const row = {
    n,
    stacks: l2[0].stacks,
    l2Ms: median(l2.map(s => s.ms)),
    cdkL2Ms: median(cdk.map(s => s.ms)),
    l1Ms: median(l1.map(s => s.ms)),
    ratio: 0,
    ratioToCdkL2: 0,
    l2PeakRssMiB: median(l2.map(s => s.peakRssMiB)),
    cdkL2PeakRssMiB: median(cdk.map(s => s.peakRssMiB)),
    l1PeakRssMiB: median(l1.map(s => s.peakRssMiB)),
    l2ResourcesPerSync: l2[0].resources / n,
    l1ResourcesPerSync: l1[0].resources / n,
    l2BytesPerSync: Math.round(l2[0].bytes / n),
    l1BytesPerSync: Math.round(l1[0].bytes / n),
    l2AllMs: l2.map(s => Math.round(s.ms)),
    cdkL2AllMs: cdk.map(s => Math.round(s.ms)),
    l1AllMs: l1.map(s => Math.round(s.ms)),
  };
  row.ratio = row.l2Ms / row.l1Ms;
  row.ratioToCdkL2 = row.l2Ms / row.cdkL2Ms;
  process.stderr.write(`N=${n} done\n`);
  return row;
});

// The cost of one more sync between consecutive sizes (ms per sync), L2 and L1.
const marginal = rows.slice(1).map((row, i) => ({
  from: rows[i].n,
  to: row.n,
  l2MsPerSync: (row.l2Ms - rows[i].l2Ms) / (row.n - rows[i].n),
  cdkL2MsPerSync: (row.cdkL2Ms - rows[i].cdkL2Ms) / (row.n - rows[i].n),
  l1MsPerSync: (row.l1Ms - rows[i].l1Ms) / (row.n - rows[i].n),
}));

const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, runs: RUNS };
fs.writeFileSync(resultsFile, JSON.stringify({ machine, rows, marginal }, undefined, 2));

const pad = (v: string | number, w: number) => String(v).padStart(w);
console.log(`machine: ${machine.cpus} x ${machine.cpu}, ${machine.memoryGiB} GiB, node ${machine.node}; median of ${RUNS} runs each`);
console.log('L2: this library; CDK L2: the same by hand with aws-cdk-lib Bucket/Key; L1: Cfn* only');
console.log(`${pad('N', 5)} ${pad('stacks', 6)} ${pad('L2 ms', 7)} ${pad('CDK L2', 7)} ${pad('L1 ms', 7)} ${pad('L2/L1', 6)} ${pad('L2/CDK', 6)} ${pad('L2 MiB', 7)} ${pad('L1 MiB', 7)} ${pad('res/sync', 8)} ${pad('L2 B/sync', 9)} ${pad('L1 B/sync', 9)}`);
for (const r of rows) {
  console.log(`${pad(r.n, 5)} ${pad(r.stacks, 6)} ${pad(r.l2Ms.toFixed(0), 7)} ${pad(r.cdkL2Ms.toFixed(0), 7)} ${pad(r.l1Ms.toFixed(0), 7)} ${pad(r.ratio.toFixed(2), 6)} ${pad(r.ratioToCdkL2.toFixed(2), 6)} ${pad(r.l2PeakRssMiB.toFixed(0), 7)} ${pad(r.l1PeakRssMiB.toFixed(0), 7)} ${pad(r.l2ResourcesPerSync, 8)} ${pad(r.l2BytesPerSync, 9)} ${pad(r.l1BytesPerSync, 9)}`);
}
for (const m of marginal) console.log(`one more sync, N ${m.from} -> ${m.to}: L2 ${m.l2MsPerSync.toFixed(1)} ms, CDK L2 ${m.cdkL2MsPerSync.toFixed(1)} ms, L1 ${m.l1MsPerSync.toFixed(1)} ms`);
console.log(`written: ${path.relative(process.cwd(), resultsFile)}`);
