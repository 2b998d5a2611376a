import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { LoadManager } from './load-manager.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('a worker that cannot stop by itself (stopped, or starved of CPU) is killed just after the deadline', async (t) => {
  const load = new LoadManager(1);
  t.teardown(() => load.stopAll());
  load.start(1);
  const [pid] = load.pids();
  process.kill(pid, 'SIGSTOP'); // it can no longer look at its own deadline
  await sleep(900);
  t.true(alive(pid), 'still there before the deadline');
  for (let waited = 0; waited < 3000 && alive(pid); waited += 50) await sleep(50);
  t.false(alive(pid), 'killed and reaped after it');
  t.false(load.status().running);
});
