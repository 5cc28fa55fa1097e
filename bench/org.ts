/*
 * Organization scale: the synth time and template size of covering N member accounts in every
 * commercial Region, two ways, each a whole `node` process:
 * - stackset: one stack with an OrganizationInventory (a service-managed StackSet targets the
 *   organization's root; the accounts are not an input);
 * - stacks: one stack per account and Region with a ResourceDataSync to the central bucket.
 *
 * `node build/bench/bench/org.js` runs the driver (BENCH_ORG_SIZES, default 1,100,1000; BENCH_RUNS,
 * default 3) and writes build/bench/org.json; `node build/bench/bench/org.js app <way> <n> <outdir>`
 * runs one app.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { OrganizationInventory, ResourceDataSync, SyncDestination } from '../src';

const COMMERCIAL = RegionInfo.regions.filter(r => r.partition === 'aws').map(r => r.name);
const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function app(way: string, n: number, outdir: string): void {
  const cdkApp = new App({ outdir, context: cxapi.CURRENTLY_RECOMMENDED_FLAGS });
  if (way === 'stackset') {
    const stack = new Stack(cdkApp, 'Organization', { env: { account: '111122223333', region: 'us-east-1' } });
    new OrganizationInventory(stack, 'Organization', {
      organizationId: 'o-a1b2c3d4e5', organizationalUnits: ['r-ab12'], regions: COMMERCIAL, bucketName: 'org-inventory-111122223333',
    });
  } else {
    for (let i = 0; i < n; i++) {
      for (const region of COMMERCIAL) {
        const stack = new Stack(cdkApp, `Inventory-${i}-${region}`, { env: { account: String(200000000000 + i), region } });
        new ResourceDataSync(stack, 'Inventory', {
          syncName: 'inventory-to-central',
          destination: SyncDestination.fromBucketName('org-inventory-111122223333', { region: 'us-east-1', kmsKeyArn: KEY_ARN }),
        });
      }
    }
  }
  const assembly = cdkApp.synth();
  const bytes = assembly.stacks.reduce((sum, s) => sum + JSON.stringify(s.template).length, 0);
  process.stdout.write(JSON.stringify({ way, n, stacks: assembly.stacks.length, bytes, peakRssMiB: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

function driver(): void {
  const sizes = (process.env.BENCH_ORG_SIZES ?? '1,100,1000').split(',').map(Number);
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const results: any[] = [];
  for (const n of sizes) {
    for (const way of ['stackset', 'stacks']) {
      const times: number[] = [];
      let last: any;
      for (let run = 0; run < runs; run++) {
        const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-bench-org-'));
        const start = process.hrtime.bigint();
        const child = spawnSync(process.execPath, ['--max-old-space-size=16384', __filename, 'app', way, String(n), outdir], { encoding: 'utf-8', maxBuffer: 16 * 1024 * 1024 });
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
        fs.rmSync(outdir, { recursive: true, force: true });
        if (child.status !== 0) throw new Error(`${way} ${n}: ${child.stderr}`);
        last = JSON.parse(child.stdout.trim().split('\n').pop()!);
      }
      times.sort((a, b) => a - b);
      const record = { ...last, regions: COMMERCIAL.length, medianMs: Math.round(times[Math.floor(times.length / 2)]) };
      results.push(record);
      process.stdout.write(`${JSON.stringify(record)}\n`);
    }
  }
  fs.mkdirSync(path.join('build', 'bench'), { recursive: true });
  fs.writeFileSync(path.join('build', 'bench', 'org.json'), JSON.stringify(results, undefined, 1));
}

if (process.argv[2] === 'app') app(process.argv[3], Number(process.argv[4]), process.argv[5]);
else driver();
