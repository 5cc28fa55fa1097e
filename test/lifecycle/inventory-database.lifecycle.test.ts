import { App } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { stackIn, synth, transition } from './harness';
import { readmeTableCases } from './outcome';
import { InventoryBucket, InventoryDatabase, InventoryType, ResourceDataSync, SyncDestination } from '../../src';

/** Generated pairs per run (LIFECYCLE_PAIRS; 200 in `npx projen test`). */
const PAIRS = Number(process.env.LIFECYCLE_PAIRS ?? 200);

/* Day two of the query layer (InventoryDatabase) through the lifecycle harness. */

interface DatabaseCase {
  readonly prefix?: string;
  readonly types?: 'few' | 'more';
  readonly regions?: string[];
  readonly sourceAccounts?: string[];
  readonly databaseName?: string;
  readonly workGroupName?: string;
}

function build(c: DatabaseCase) {
  return (app: App) => {
    const stack = stackIn(app);
    const bucket = new InventoryBucket(stack, 'Central', { prefix: c.prefix, sourceAccounts: c.sourceAccounts });
    new ResourceDataSync(stack, 'Sync', { destination: SyncDestination.fromInventoryBucket(bucket) });
    new InventoryDatabase(stack, 'Query', {
      inventoryBucket: bucket,
      types: c.types === 'more'
        ? [InventoryType.INSTANCE_INFORMATION, InventoryType.APPLICATION, InventoryType.PATCH_SUMMARY]
        : [InventoryType.INSTANCE_INFORMATION, InventoryType.APPLICATION],
      regions: c.regions ?? ['us-east-1'],
      databaseName: c.databaseName,
      workGroupName: c.workGroupName,
    });
  };
}

const key = (c: DatabaseCase) => `database:${JSON.stringify(c)}`;
const run = (a: DatabaseCase, b: DatabaseCase) => transition(synth(build(a), key(a)), synth(build(b), key(b)));

const CASES: Array<[string, DatabaseCase, DatabaseCase, string]> = [
  ['The destination\'s `prefix`', {}, { prefix: 'inventory' }, 'The tables read the new prefix only: the data written under the old one is out of every query (copy it, or keep a second database on the old prefix).'],
  ['An inventory type added', {}, { types: 'more' }, 'Nothing.'],
  ['A Region added', {}, { regions: ['us-east-1', 'eu-west-1'] }, 'Nothing: queries read the new Region too.'],
  ['An account added to the destination', {}, { sourceAccounts: ['444455556666'] }, 'Nothing: queries read the new account too.'],
  ['`databaseName`', { databaseName: 'inventory_a' }, { databaseName: 'inventory_b' }, 'Saved queries and views outside this construct must name the new database.'],
  ['`workGroupName`', { workGroupName: 'inventory-a' }, { workGroupName: 'inventory-b' }, 'Whoever runs queries must use the new work group (the grants follow).'],
];

readmeTableCases('InventoryDatabase', CASES, run);

test(`${PAIRS} generated pairs of props: each deploys by the invariants`, async () => {
  const databaseCase: fc.Arbitrary<DatabaseCase> = fc.record({
    prefix: fc.constantFrom(undefined, 'inventory'),
    types: fc.constantFrom(undefined, 'more'),
    regions: fc.constantFrom(undefined, ['us-east-1', 'eu-west-1']),
    databaseName: fc.constantFrom(undefined, 'inventory_a'),
    workGroupName: fc.constantFrom(undefined, 'inventory-a'),
  }, { requiredKeys: [] });
  await fc.assert(fc.asyncProperty(databaseCase, databaseCase, async (a, b) => {
    const t = await run(a, b);
    expect(t.violations).toEqual([]);
    expect(t.errors).toEqual([]);
  }), { numRuns: PAIRS, seed: Number(process.env.LIFECYCLE_SEED ?? Date.now() % 100000) });
});
