import { App, Duration } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as fc from 'fast-check';
import { stackIn, synth, transition } from './harness';
import { readmeTableCases } from './outcome';
import { InventoryAccounts, InventoryDatabase, OrganizationCoverage, OrganizationInventory } from '../../src';

/** Generated pairs per run (LIFECYCLE_PAIRS; 200 in `npx projen test`). */
const PAIRS = Number(process.env.LIFECYCLE_PAIRS ?? 200);

/*
 * Day two of OrganizationCoverage (and of the inventory's memberSyncHealth, which changes the
 * member stacks) through the lifecycle harness.
 */

interface CoverageCase {
  readonly coverage?: boolean;
  readonly scheduleMinutes?: number;
  readonly staleHours?: number;
  readonly graceHours?: number;
  readonly perAccountMetrics?: boolean;
  readonly namespace?: string;
  readonly topic?: boolean;
  readonly database?: boolean;
  readonly memberSyncHealth?: boolean;
}

function build(c: CoverageCase) {
  return (app: App) => {
    const stack = stackIn(app);
    const inventory = new OrganizationInventory(stack, 'Organization', {
      organizationId: 'o-a1b2c3d4e5',
      organizationalUnits: ['r-ab12'],
      regions: ['us-east-1', 'eu-west-1'],
      bucketName: 'org-inventory-111122223333',
      memberSyncHealth: c.memberSyncHealth,
    });
    if (c.coverage === false) return;
    new OrganizationCoverage(stack, 'Coverage', {
      inventory,
      schedule: c.scheduleMinutes !== undefined ? Duration.minutes(c.scheduleMinutes) : undefined,
      staleAfter: c.staleHours !== undefined ? Duration.hours(c.staleHours) : undefined,
      gracePeriod: c.graceHours !== undefined ? Duration.hours(c.graceHours) : undefined,
      perAccountMetrics: c.perAccountMetrics,
      namespace: c.namespace,
      alarmTopic: c.topic ? new sns.Topic(stack, 'Topic') : undefined,
      database: c.database ? new InventoryDatabase(stack, 'Query', { inventoryBucket: inventory.destination, accounts: InventoryAccounts.organization() }) : undefined,
    });
  };
}

const key = (c: CoverageCase) => `coverage:${JSON.stringify(c)}`;
const run = (a: CoverageCase, b: CoverageCase) => transition(synth(build(a), key(a)), synth(build(b), key(b)));

const CASES: Array<[string, CoverageCase, CoverageCase, string]> = [
  ['The census added to a deployed organization inventory', { coverage: false }, {}, 'Nothing: its alarm starts OK and waits for the first run.'],
  ['`schedule`', {}, { scheduleMinutes: 30 }, 'Nothing.'],
  ['`staleAfter`', {}, { staleHours: 24 }, 'Nothing; the next run judges by it.'],
  ['`gracePeriod`', {}, { graceHours: 96 }, 'Nothing.'],
  ['`perAccountMetrics` on', {}, { perAccountMetrics: true }, 'Nothing; two metrics per account appear from the next run (billed each).'],
  ['`namespace`', {}, { namespace: 'Ops/Coverage' }, 'Dashboards on the old namespace must move to the new one.'],
  ['`alarmTopic` added', {}, { topic: true }, 'Nothing.'],
  ['`database` added (the `coverage` table)', {}, { database: true }, 'Nothing; the table reads the report of the last run.'],
  ['The inventory\'s `memberSyncHealth` on', {}, { memberSyncHealth: true }, 'Every member stack is updated (a monitor in each account and Region, billed each): see its cost first.'],
];

readmeTableCases('OrganizationCoverage', CASES, run);

test(`${PAIRS} generated pairs of props: each deploys by the invariants`, async () => {
  const coverageCase: fc.Arbitrary<CoverageCase> = fc.record({
    coverage: fc.constantFrom(undefined, false),
    scheduleMinutes: fc.constantFrom(undefined, 30),
    staleHours: fc.constantFrom(undefined, 24),
    perAccountMetrics: fc.boolean(),
    namespace: fc.constantFrom(undefined, 'Ops/Coverage'),
    topic: fc.boolean(),
    // database and memberSyncHealth are in the named cases only: each synthesizes a second app
    // (the query layer, the member template) and would make these pairs cost a minute more.
  }, { requiredKeys: [] });
  await fc.assert(fc.asyncProperty(coverageCase, coverageCase, async (a, b) => {
    const t = await run(a, b);
    expect(t.violations).toEqual([]);
    expect(t.errors).toEqual([]);
  }), { numRuns: PAIRS, seed: Number(process.env.LIFECYCLE_SEED ?? Date.now() % 100000) });
});
