import { App, Duration } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as fc from 'fast-check';
import { stackIn, synth, transition } from './harness';
import { readmeTableCases } from './outcome';
import { ResourceDataSync, SyncDestination, SyncHealthMonitor } from '../../src';

/** Generated pairs per run (LIFECYCLE_PAIRS; 200 in `npx projen test`). */
const PAIRS = Number(process.env.LIFECYCLE_PAIRS ?? 200);

/* Day two of SyncHealthMonitor through the lifecycle harness. */

interface MonitorCase {
  readonly monitor?: boolean;
  readonly scheduleMinutes?: number;
  readonly staleHours?: number;
  readonly perSyncMetrics?: boolean;
  readonly namespace?: string;
  readonly topic?: boolean;
  readonly watchAll?: boolean;
  readonly secondSync?: boolean;
}

function build(c: MonitorCase) {
  return (app: App) => {
    const stack = stackIn(app);
    const destination = () => SyncDestination.fromBucketName('central-inventory', { region: 'us-east-1' });
    new ResourceDataSync(stack, 'Inventory', { destination: destination() });
    if (c.secondSync) new ResourceDataSync(stack, 'Second', { destination: destination() });
    if (c.monitor === false) return;
    new SyncHealthMonitor(stack, 'Health', {
      schedule: c.scheduleMinutes !== undefined ? Duration.minutes(c.scheduleMinutes) : undefined,
      staleAfter: c.staleHours !== undefined ? Duration.hours(c.staleHours) : undefined,
      perSyncMetrics: c.perSyncMetrics,
      namespace: c.namespace,
      alarmTopic: c.topic ? new sns.Topic(stack, 'Topic') : undefined,
      watchAllSyncs: c.watchAll,
    });
  };
}

const key = (c: MonitorCase) => `monitor:${JSON.stringify(c)}`;
const run = (a: MonitorCase, b: MonitorCase) => transition(synth(build(a), key(a)), synth(build(b), key(b)));

const CASES: Array<[string, MonitorCase, MonitorCase, string]> = [
  ['The monitor added to a deployed stack', { monitor: false }, {}, 'Nothing: its alarms start OK and wait for the first run.'],
  ['`schedule`', {}, { scheduleMinutes: 30 }, 'Nothing.'],
  ['`staleAfter`', {}, { staleHours: 24 }, 'Nothing.'],
  ['`perSyncMetrics` on', {}, { perSyncMetrics: true }, 'Nothing; each sync\'s metrics appear from the next run.'],
  ['`namespace`', {}, { namespace: 'Ops/Syncs' }, 'Dashboards on the old namespace must move to the new one.'],
  ['`alarmTopic` added', {}, { topic: true }, 'Nothing.'],
  ['A sync added to the stack (watched by default)', {}, { secondSync: true }, 'Nothing: the function is updated to watch it and waits for it.'],
  ['`watchAllSyncs` on', {}, { watchAll: true }, 'Check that no sync of another tool keeps the alarm on (Amazon Inspector\'s, the console\'s).'],
];

readmeTableCases('SyncHealthMonitor', CASES, run);

test('item 6: the alarms a deploy creates do not treat missing data as breaching (no page before the first run)', async () => {
  const t = await run({ monitor: false }, {});
  expect(t.changes.filter(c => c.type === 'AWS::CloudWatch::Alarm' && c.action === 'create')).toHaveLength(2);
  expect(t.violations).toEqual([]);
});

test(`${PAIRS} generated pairs of props: each deploys by the invariants`, async () => {
  const monitorCase: fc.Arbitrary<MonitorCase> = fc.record({
    monitor: fc.constantFrom(undefined, false),
    scheduleMinutes: fc.constantFrom(undefined, 30),
    staleHours: fc.constantFrom(undefined, 24),
    perSyncMetrics: fc.boolean(),
    namespace: fc.constantFrom(undefined, 'Ops/Syncs'),
    topic: fc.boolean(),
    watchAll: fc.boolean(),
    secondSync: fc.boolean(),
  }, { requiredKeys: [] });
  await fc.assert(fc.asyncProperty(monitorCase, monitorCase, async (a, b) => {
    const t = await run(a, b);
    expect(t.violations).toEqual([]);
    expect(t.errors).toEqual([]);
  }), { numRuns: PAIRS, seed: Number(process.env.LIFECYCLE_SEED ?? Date.now() % 100000) });
});
