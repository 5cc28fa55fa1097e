import { App, RemovalPolicy } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { stackIn, synth, transition } from './harness';
import { readmeTableCases } from './outcome';
import { DestinationEncryption, InventoryBucket, ResourceDataSync, SyncDestination } from '../../src';

/** Generated pairs per run (LIFECYCLE_PAIRS; 200 in `npx projen test`). */
const PAIRS = Number(process.env.LIFECYCLE_PAIRS ?? 200);

/*
 * Day two of InventoryBucket (the shared destination) and the syncs that write into it, through
 * the lifecycle harness.
 */

interface BucketCase {
  readonly bucketName?: string;
  readonly prefix?: string;
  readonly encryption?: 'kms' | 's3';
  readonly sourceAccounts?: string[];
  readonly organizationId?: string;
  readonly removalPolicy?: 'retain' | 'destroy';
  /** The syncs that write into it, by construct id, in this order. */
  readonly syncs?: string[];
}

function build(c: BucketCase) {
  return (app: App) => {
    const stack = stackIn(app);
    const bucket = new InventoryBucket(stack, 'Central', {
      bucketName: c.bucketName,
      prefix: c.prefix,
      encryption: c.encryption === 's3' ? DestinationEncryption.S3_MANAGED : undefined,
      sourceAccounts: c.sourceAccounts,
      organizationId: c.organizationId,
      removalPolicy: c.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : undefined,
      autoDeleteObjects: c.removalPolicy === 'destroy' ? true : undefined,
    });
    for (const id of c.syncs ?? ['Sync']) new ResourceDataSync(stack, id, { destination: SyncDestination.fromInventoryBucket(bucket) });
  };
}

const key = (c: BucketCase) => `bucket:${JSON.stringify(c)}`;
const run = (a: BucketCase, b: BucketCase) => transition(synth(build(a), key(a)), synth(build(b), key(b)));

const CASES: Array<[string, BucketCase, BucketCase, string]> = [
  ['A source account added', {}, { sourceAccounts: ['444455556666'] }, 'Nothing: the policies gain a statement.'],
  ['21 source accounts (the compact policy form)', { sourceAccounts: accounts(19) }, { sourceAccounts: accounts(20) }, 'Nothing: the bucket and key policies switch form in place.'],
  ['`organizationId` added', {}, { organizationId: 'o-a1b2c3d4e5' }, 'Nothing.'],
  ['`prefix`', {}, { prefix: 'inventory' }, 'Nothing; the data goes under the new prefix (the old files stay).'],
  ['`bucketName`', { bucketName: 'inventory-a-111122223333' }, { bucketName: 'inventory-b-111122223333' }, 'Move the data yourself if you need it in the new bucket; the old bucket is retained.'],
  ['KMS to S3-managed encryption', {}, { encryption: 's3' }, 'Nothing: new objects are encrypted the new way; the key is retained (old objects still need it).'],
  ['Syncs reordered, one added before the others', { syncs: ['A', 'B'] }, { syncs: ['C', 'B', 'A'] }, 'Nothing: ids and statements do not depend on order.'],
  ['A sync removed', { syncs: ['A', 'B'] }, { syncs: ['B'] }, 'Nothing; its files stay in the bucket.'],
];

function accounts(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(444455550000 + i));
}

readmeTableCases('InventoryBucket', CASES, run);

test('reordering syncs and adding one before them changes nothing of the others (logical ids, names, statements)', async () => {
  const t = await run({ syncs: ['A', 'B'] }, { syncs: ['C', 'B', 'A'] });
  expect(t.changes.filter(c => c.action !== 'create' && c.type !== 'AWS::S3::BucketPolicy' && c.type !== 'AWS::KMS::Key')).toEqual([]);
  expect(t.changes.filter(c => c.action === 'create').map(c => c.type)).toEqual(['AWS::SSM::ResourceDataSync']);
});

test(`${PAIRS} generated pairs of props: each deploys by the invariants, or is refused at synth with a message that names the fix`, async () => {
  const bucketCase: fc.Arbitrary<BucketCase> = fc.record({
    bucketName: fc.constantFrom(undefined, 'inventory-a-111122223333', 'inventory-b-111122223333'),
    prefix: fc.constantFrom(undefined, 'inventory'),
    encryption: fc.constantFrom(undefined, 's3'),
    sourceAccounts: fc.constantFrom(undefined, ['444455556666'], accounts(20)),
    organizationId: fc.constantFrom(undefined, 'o-a1b2c3d4e5'),
    removalPolicy: fc.constantFrom(undefined, 'destroy'),
    syncs: fc.constantFrom(undefined, ['A', 'B'], ['B']),
  }, { requiredKeys: [] });
  const seen = { ok: 0, refusedAtSynth: 0 };
  await fc.assert(fc.asyncProperty(bucketCase, bucketCase, async (a, b) => {
    const before = synth(build(a), key(a));
    const after = synth(build(b), key(b));
    expect(before.error).toBeUndefined();
    if (after.error) {
      seen.refusedAtSynth++;
      expect(after.error).toMatch(/\[Stack\/[^\]]+\] .+/);
      return;
    }
    const t = await transition(before, after);
    expect(t.violations).toEqual([]);
    expect(t.errors).toEqual([]);
    seen.ok++;
  }), { numRuns: PAIRS, seed: Number(process.env.LIFECYCLE_SEED ?? Date.now() % 100000) });
  // eslint-disable-next-line no-console
  console.log(`InventoryBucket: ${JSON.stringify(seen)}`);
  expect(seen.ok + seen.refusedAtSynth).toBe(PAIRS);
});
