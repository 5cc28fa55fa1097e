import { App, Stack } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';

/** The service quota: at most 5 syncs per account and Region, so N syncs go into ceil(N / 5) stacks. */
export const SYNCS_PER_STACK = 5;

/**
 * The context `cdk synth` gives an app, besides `cdk init`'s feature flags: construct paths in the
 * template metadata, no stack traces (the CLI records them only with --debug). Version reporting
 * is off for every variant: its CDKMetadata resource names the constructs used, so it would differ.
 */
export const CLI_CONTEXT = {
  ...cxapi.CURRENTLY_RECOMMENDED_FLAGS,
  [cxapi.PATH_METADATA_ENABLE_CONTEXT]: true,
  [cxapi.DISABLE_METADATA_STACK_TRACE]: true,
  [cxapi.ANALYTICS_REPORTING_ENABLED_CONTEXT]: false,
};

/**
 * Builds an app of N syncs, `perStack` in each stack, each stack in its own account, synthesizes
 * it into `outdir`, and prints what the driver measures: resources, template bytes, peak memory.
 */
export function runApp(makeSyncs: (stack: Stack, count: number) => void): void {
  const n = Number(process.argv[2]);
  const outdir = process.argv[3];
  const app = new App({ outdir, context: CLI_CONTEXT });
  for (let i = 0; i * SYNCS_PER_STACK < n; i++) {
    const stack = new Stack(app, `Inventory${i}`, { env: { account: String(100000000000 + i), region: 'us-east-1' } });
    makeSyncs(stack, Math.min(SYNCS_PER_STACK, n - i * SYNCS_PER_STACK));
  }
  const assembly = app.synth();
  let resources = 0;
  let bytes = 0;
  for (const stack of assembly.stacks) {
    resources += Object.keys(stack.template.Resources ?? {}).length;
    bytes += JSON.stringify(stack.template, undefined, 1).length;
  }
  const usage = process.resourceUsage();
  // CPU time (user + system, microseconds): unlike wall time, it does not count what the host's
  // other guests take from this machine (steal), so it varies far less from run to run.
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  process.stdout.write(JSON.stringify({ n, stacks: assembly.stacks.length, resources, bytes, peakRssMiB: usage.maxRSS / 1024, cpuMs }) + '\n');
}
