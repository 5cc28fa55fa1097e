/**
 * The same N syncs with L1 constructs only, each sync's resources in a construct of their own at
 * the L2's construct paths (same logical ids): the floor for any construct library (bench/l1.ts).
 */
import { runApp } from './common';
import { l1Sync } from './l1';

runApp((stack, count) => {
  for (let j = 0; j < count; j++) l1Sync(stack, `Inventory${j}`, 'scoped');
});
