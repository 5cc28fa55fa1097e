/** The same N syncs written with L1 constructs only, directly in each stack (bench/l1.ts). */
import { runApp } from './common';
import { l1Sync } from './l1';

runApp((stack, count) => {
  for (let j = 0; j < count; j++) l1Sync(stack, `Inventory${j}`, 'flat');
});
