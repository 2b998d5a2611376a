import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { processExists } from '../../test/support/proc.js';
import { LoadManager } from './load-manager.js';

test('a worker that cannot stop by itself (stopped, or starved of CPU) is killed just after the deadline', async (t) => {
  const load = new LoadManager(1);
  t.teardown(() => load.stopAll());
  load.start(1);
  const [pid] = load.pids();
  process.kill(pid, 'SIGSTOP'); // it can no longer look at its own deadline
  await sleep(900);
  t.true(processExists(pid), 'still there before the deadline');
  for (let waited = 0; waited < 3000 && processExists(pid); waited += 50) await sleep(50);
  t.false(processExists(pid), 'killed and reaped after it');
  t.false(load.status().running);
});
