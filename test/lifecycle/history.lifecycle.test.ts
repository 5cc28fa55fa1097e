import { App, Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as fc from 'fast-check';
import { stackIn, synth, transition } from './harness';
import { readmeTableCases } from './outcome';
import { InventoryBucket, InventoryDatabase, InventoryHistory, InventoryType, ResourceDataSync, SyncDestination } from '../../src';

/** Generated pairs per run (LIFECYCLE_PAIRS; 200 in `npx projen test`). */
const PAIRS = Number(process.env.LIFECYCLE_PAIRS ?? 200);

/*
 * Day two of the history (InventoryHistory) through the lifecycle harness. What the harness cannot
 * see, the history already written, follows from how the tables are made: a history table keeps
 * its name and logical id (so its partitions, each with its own location, stay in the catalog and
 * are read where they were written), and a snapshot writes only a day that is not there. The Trino
 * test (test/history/history.trino.test.ts) runs the statements themselves.
 */

interface HistoryCase {
  readonly types?: 'default' | 'more';
  readonly schedule?: 'daily' | 'weekly';
  readonly retention?: number;
  readonly prefix?: string;
}

function build(c: HistoryCase) {
  return (app: App) => {
    const stack = stackIn(app);
    const bucket = new InventoryBucket(stack, 'Central', { prefix: 'inventory' });
    new ResourceDataSync(stack, 'Sync', { destination: SyncDestination.fromInventoryBucket(bucket) });
    // Few types: every kind of resource of the history, at half the deploy simulation's cost.
    const database = new InventoryDatabase(stack, 'Query', {
      inventoryBucket: bucket, regions: ['us-east-1'], types: [InventoryType.INSTANCE_INFORMATION, InventoryType.APPLICATION, InventoryType.TAG],
    });
    new InventoryHistory(stack, 'History', {
      database,
      types: [InventoryType.INSTANCE_INFORMATION, InventoryType.APPLICATION, ...(c.types === 'more' ? [InventoryType.TAG] : [])],
      schedule: c.schedule === 'weekly' ? scheduler.ScheduleExpression.cron({ minute: '0', hour: '1', weekDay: 'SUN' }) : undefined,
      retention: c.retention === undefined ? undefined : Duration.days(c.retention),
      prefix: c.prefix,
    });
  };
}

const key = (c: HistoryCase) => `history:${JSON.stringify(c)}`;
const run = (a: HistoryCase, b: HistoryCase) => transition(synth(build(a), key(a)), synth(build(b), key(b)));

const CASES: Array<[string, HistoryCase, HistoryCase, string]> = [
  ['A type added to the history', {}, { types: 'more' }, 'Nothing: its history starts with the next snapshot; the other tables and their days are untouched.'],
  ['The schedule', {}, { schedule: 'weekly' }, 'Nothing: the days written stay; the next snapshot is the next scheduled day (a day is never written twice).'],
  ['The retention', {}, { retention: 90 }, 'Days older than the new retention expire (S3 lifecycle): lengthen it before they do if you need them.'],
  ['The history `prefix`', {}, { prefix: 'history-v2' }, 'Days already written stay where they are and are still read (each partition keeps its location); new days go under the new prefix. The old prefix no longer expires: add a lifecycle rule for it.'],
];

readmeTableCases('InventoryHistory', CASES, run);

test('a change keeps every history table (same name, same logical id): no day written is dropped from the catalog', async () => {
  for (const [, before, after] of CASES) {
    const t = await run(before, after);
    const tables = t.changes.filter(c => c.type === 'AWS::Glue::Table' && c.logicalId.includes('History'));
    expect(tables.filter(c => c.action === 'replace' || c.action === 'delete')).toEqual([]);
  }
});

test(`${PAIRS} generated pairs of props: each deploys by the invariants`, async () => {
  const historyCase: fc.Arbitrary<HistoryCase> = fc.record({
    types: fc.constantFrom<HistoryCase['types']>(undefined, 'more'),
    schedule: fc.constantFrom<HistoryCase['schedule']>(undefined, 'weekly'),
    retention: fc.constantFrom(undefined, 90),
    prefix: fc.constantFrom(undefined, 'history-v2'),
  }, { requiredKeys: [] });
  await fc.assert(fc.asyncProperty(historyCase, historyCase, async (a, b) => {
    const t = await run(a, b);
    expect(t.violations).toEqual([]);
    expect(t.errors).toEqual([]);
  }), { numRuns: PAIRS, seed: Number(process.env.LIFECYCLE_SEED ?? Date.now() % 100000) });
});
