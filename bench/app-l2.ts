/** N zero-config syncs with the L2 construct. */
import { runApp } from './common';
import { ResourceDataSync } from '../src';

runApp((stack, count) => {
  for (let j = 0; j < count; j++) new ResourceDataSync(stack, `Inventory${j}`);
});
