import * as fs from 'fs';
import * as path from 'path';

/** The whole-stack templates as committed in test/__snapshots__/snapshot.test.ts.snap, by name. */
export function committedSnapshotTemplates(): Record<string, any> {
  const text = fs.readFileSync(path.join(__dirname, '__snapshots__', 'snapshot.test.ts.snap'), 'utf-8');
  const snapshots: Record<string, string> = {};
  new Function('exports', text)(snapshots);
  // Jest's pretty-format is JSON with trailing commas.
  return Object.fromEntries(Object.entries(snapshots).map(([name, s]) => [name, JSON.parse(s.replace(/,(\s*[}\]])/g, '$1'))]));
}
