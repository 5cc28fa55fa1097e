import { App } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { stackIn, synth, transition } from './harness';
import { readmeTableCases } from './outcome';
import { OrganizationInventory } from '../../src';

/** Generated pairs per run (LIFECYCLE_PAIRS; 200 in `npx projen test`). */
const PAIRS = Number(process.env.LIFECYCLE_PAIRS ?? 200);

/*
 * Day two of OrganizationInventory through the lifecycle harness: the central stack, and the member
 * stacks of the StackSet (a template change is a member stack update; a renamed or moved StackSet
 * creates its member stacks before the old ones are deleted).
 */

interface OrgCase {
  readonly id?: string;
  readonly stackSetName?: string;
  readonly prefix?: string;
  readonly regions?: string[];
  readonly maxConcurrentPercentage?: number;
  readonly collection?: boolean;
}

function build(c: OrgCase) {
  return (app: App) => {
    new OrganizationInventory(stackIn(app), c.id ?? 'Organization', {
      organizationId: 'o-a1b2c3d4e5',
      organizationalUnits: ['r-ab12'],
      regions: c.regions ?? ['us-east-1'],
      bucketName: 'org-inventory-111122223333',
      prefix: c.prefix,
      stackSetName: c.stackSetName,
      maxConcurrentPercentage: c.maxConcurrentPercentage,
      inventoryCollection: c.collection ? {} : undefined,
    });
  };
}

const key = (c: OrgCase) => `org:${JSON.stringify(c)}`;
const run = (a: OrgCase, b: OrgCase) => transition(synth(build(a), key(a)), synth(build(b), key(b)));

const CASES: Array<[string, OrgCase, OrgCase, string]> = [
  ['`stackSetName`', { stackSetName: 'inventory' }, { stackSetName: 'inventory-2' }, 'Make sure each member account has a free sync slot per Region (5 at most) while both StackSets exist.'],
  ['Moved in the construct tree (generated `stackSetName`)', {}, { id: 'Moved' }, 'As for `stackSetName`; the central bucket keeps its name, so moving it is refused: keep the construct where it is.'],
  ['`regions` (one added)', {}, { regions: ['us-east-1', 'eu-west-1'] }, 'Nothing: stacks are added in the new Region.'],
  ['`prefix`', {}, { prefix: 'inventory' }, 'Nothing; the data goes under the new prefix from then on (query tables follow it).'],
  ['Roll-out settings (`maxConcurrentPercentage`)', {}, { maxConcurrentPercentage: 50 }, 'Nothing.'],
  ['`inventoryCollection` on', {}, { collection: true }, 'Check that the members have no inventory association already.'],
];

readmeTableCases('OrganizationInventory', CASES, run);

test('item 3: a renamed StackSet makes its member syncs under new names (its stacks are created before the old ones are deleted)', async () => {
  const t = await run({ stackSetName: 'inventory' }, { stackSetName: 'inventory-2' });
  expect(t.violations).toEqual([]);
  const member = (s: typeof t.before) => JSON.parse([...s.templates.values()][0].Resources![Object.keys([...s.templates.values()][0].Resources!).find(id => id.startsWith('OrganizationStackSet'))!].Properties.TemplateBody);
  const syncName = (m: any) => Object.values(m.Resources).map((r: any) => r.Properties.SyncName).find(Boolean);
  expect(syncName(member(t.before))).not.toEqual(syncName(member(t.after)));
});

test(`${PAIRS} generated pairs of props: each deploys by the invariants, or is refused with a message that names the fix`, async () => {
  const orgCase: fc.Arbitrary<OrgCase> = fc.record({
    id: fc.constantFrom(undefined, 'Moved'),
    stackSetName: fc.constantFrom(undefined, 'inventory', 'inventory-2'),
    prefix: fc.constantFrom(undefined, 'inventory'),
    regions: fc.constantFrom(undefined, ['us-east-1', 'eu-west-1']),
  });
  const seen = { ok: 0, refusedAtDeploy: 0 };
  await fc.assert(fc.asyncProperty(orgCase, orgCase, async (a, b) => {
    const t = await run(a, b);
    expect(t.violations).toEqual([]);
    if (t.errors.length > 0) {
      seen.refusedAtDeploy++;
      // The central bucket has a name: moving the construct creates a bucket of the same name first.
      expect(a.id !== b.id).toBe(true);
      expect(t.errors.join('\n')).toMatch(/AWS::S3::Bucket org-inventory-111122223333 already exists/);
    } else {
      seen.ok++;
    }
  }), { numRuns: PAIRS, seed: Number(process.env.LIFECYCLE_SEED ?? Date.now() % 100000) });
  // eslint-disable-next-line no-console
  console.log(`OrganizationInventory: ${JSON.stringify(seen)}`);
  expect(seen.ok + seen.refusedAtDeploy).toBe(PAIRS);
});
