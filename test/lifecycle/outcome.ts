import * as fs from 'fs';
import * as path from 'path';
import { Transition } from './harness';

const SYNC_TYPES = ['AWS::SSM::ResourceDataSync', 'Custom::SSMResourceDataSync'];

/**
 * What a change does, in the words of the README's "Changing a deployed stack" tables, computed
 * from the harness's result (so the README cannot drift from the code).
 */
export function outcome(t: Transition): string {
  if (t.after.error) return 'refused at synth';
  if (t.violations.length > 0) return `FAILS: ${t.violations[0]}`;
  const newWarnings = t.after.warnings.filter(w => !t.before.warnings.includes(w));
  const warned = newWarnings.length > 0 ? ', with a warning' : '';
  if (t.errors.length > 0) return `refused at deploy, rolled back${warned}`;
  const syncs = t.changes.filter(c => SYNC_TYPES.includes(c.type) && !c.logicalId.includes('/member/'));
  const members = t.changes.filter(c => c.logicalId.includes('/member/'));
  const parts: string[] = [];
  const replacedSync = syncs.some(c => c.action === 'replace' || c.action === 'create') && syncs.some(c => c.action === 'delete' || c.action === 'replace' || c.action === 'update');
  const sets = t.changes.filter(c => c.type === 'AWS::CloudFormation::StackSet');
  if (sets.some(c => c.action === 'replace' || c.action === 'create')) parts.push('StackSet replaced: new member syncs under new names');
  else if (members.some(c => SYNC_TYPES.includes(c.type))) parts.push('member syncs replaced under new names');
  else if (members.length > 0) parts.push('member stacks updated in place');
  const addedSync = syncs.some(c => c.action === 'create') && !syncs.some(c => c.action !== 'create');
  const removedSync = syncs.some(c => c.action === 'delete') && !syncs.some(c => c.action !== 'delete');
  if (addedSync) {parts.push('the new sync is created');} else if (removedSync) {parts.push('the sync is deleted');} else if (replacedSync || syncs.some(c => c.action === 'update' && c.type === 'Custom::SSMResourceDataSync' && renamed(t, c.logicalId))) {
    parts.push('sync replaced under a new name');
  } else if (syncs.some(c => c.action === 'update')) {
    parts.push('sync updated in place');
  }
  const others = t.changes.filter(c => !SYNC_TYPES.includes(c.type) && !c.logicalId.includes('/member/') && c.type !== 'AWS::CloudFormation::StackSet');
  if (others.some(c => c.action === 'replace')) parts.push(`${kinds(others.filter(c => c.action === 'replace'))} replaced`);
  if (others.some(c => c.action === 'create')) parts.push(`${kinds(others.filter(c => c.action === 'create'))} added`);
  const retained = (c: { logicalId: string }) => {
    const [stack, id] = c.logicalId.split('/');
    return ['Retain', 'RetainExceptOnCreate'].includes(t.before.templates.get(stack)?.Resources?.[id]?.DeletionPolicy);
  };
  const deleted = others.filter(c => c.action === 'delete');
  if (deleted.some(c => !retained(c))) parts.push(`${kinds(deleted.filter(c => !retained(c)))} removed`);
  if (deleted.some(retained)) parts.push(`${kinds(deleted.filter(retained))} left out of the stack (retained, not deleted)`);
  const updated = others.some(c => c.action === 'update') || sets.some(c => c.action === 'update');
  if (updated) parts.push(parts.length === 0 ? 'updated in place' : 'other resources updated in place');
  return (parts.join('; ') || 'no change') + warned;
}

function renamed(t: Transition, logicalId: string): boolean {
  const [stack, id] = logicalId.split('/');
  const name = (s: typeof t.before) => s.templates.get(stack)?.Resources?.[id]?.Properties?.SyncName;
  return JSON.stringify(name(t.before)) !== JSON.stringify(name(t.after));
}

function kinds(changes: Array<{ type: string }>): string {
  return [...new Set(changes.map(c => c.type.split('::').slice(1).join(' ')))].sort().join(', ');
}

/**
 * The rows of the README table under the heading `heading` (in "Changing a deployed stack"):
 * change → what happens. A test compares them with the harness's outcomes.
 */
export function readmeTable(heading: string): Map<string, string> {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no heading ${heading}`);
  const rows = new Map<string, string>();
  for (const line of readme.slice(start + heading.length + 2).split('\n')) {
    if (line.startsWith('#')) break;
    const cells = line.split('|').map(c => c.trim());
    if (cells.length >= 4 && cells[1] !== 'Change' && !/^-+$/.test(cells[1])) rows.set(cells[1], cells[2]);
  }
  return rows;
}

/** The table as it should be, to paste into the README when a test reports a difference. */
export function markdownTable(rows: Array<[string, string, string]>): string {
  return ['| Change | What happens | What to do |', '|---|---|---|', ...rows.map(r => `| ${r.join(' | ')} |`)].join('\n');
}

/**
 * The README's table "#### <construct>": each named change (change, props before, props after, what
 * to do) runs through the harness, must break no invariant, and must do what the README says. When
 * the README disagrees, the table as it should be is printed (scripts/lifecycle-tables.py pastes it).
 */
export function readmeTableCases<C>(
  construct: string, cases: Array<[string, C, C, string]>, run: (before: C, after: C) => Promise<Transition>,
): void {
  describe(`the README table "${construct}" is what the harness finds`, () => {
    const heading = `#### ${construct}`;
    const found: Array<[string, string, string]> = [];
    const readme = readmeTable(heading);
    test.each(cases)('%s', async (change, before, after, todo) => {
      const t = await run(before, after);
      expect(t.violations).toEqual([]);
      found.push([change, outcome(t), todo]);
      expect({ change, happens: readme.get(change) }).toEqual({ change, happens: outcome(t) });
    });
    afterAll(() => {
      if (found.some(([change, happens]) => readme.get(change) !== happens)) {
        // eslint-disable-next-line no-console
        console.log(`README table ${heading} should be:\n${markdownTable(found)}`);
      }
    });
  });
}
