import test from 'ava';
import { goDurationSeconds, pendingRecovery, type Revision } from './helm-pending.js';

const now = Date.parse('2026-12-07T12:00:00Z');
const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000).toISOString().replace('Z', '000000Z');
const revision = (n: number, status: string, secondsAgo: number): Revision => ({
  revision: n,
  status,
  updated: at(secondsAgo),
  chart: `kube-prometheus-stack-88.5.${n}`,
});

test('Go durations as Helm takes them; anything else is none', (t) => {
  t.is(goDurationSeconds('15m'), 900);
  t.is(goDurationSeconds('1h30m'), 5400);
  t.is(goDurationSeconds('2.5s'), 2.5);
  t.is(goDurationSeconds('500ms'), 0.5);
  t.is(goDurationSeconds('15'), undefined, 'a bare number is no Go duration');
  t.is(goDurationSeconds('5 m'), undefined);
  t.is(goDurationSeconds('soon'), undefined);
});

test('an upgrade left pending is rolled back to the revision deployed before it', (t) => {
  const history = [revision(1, 'superseded', 9000), revision(2, 'deployed', 5000), revision(3, 'pending-upgrade', 1000)];
  const recovery = pendingRecovery('helm -n monitoring', 'kps', history, 900, now);
  t.deepEqual(recovery, {
    step: { what: 'helm rollback kps 2', command: 'helm -n monitoring rollback kps 2' },
    msg: 'revision 3 was left pending-upgrade 1000 s ago by an interrupted run: rolled back to revision 2 (kube-prometheus-stack-88.5.2) first',
  });
});

test('with no revision deployed, the last superseded one is the target; a first install never finished is uninstalled', (t) => {
  const superseded = pendingRecovery(
    'helm',
    'kps',
    [revision(1, 'superseded', 5000), revision(2, 'failed', 3000), revision(3, 'pending-rollback', 2000)],
    60,
    now,
  );
  t.like('step' in superseded ? superseded.step : {}, { command: 'helm rollback kps 1' });
  const first = pendingRecovery('helm', 'kps', [revision(1, 'pending-install', 2000)], 60, now);
  t.deepEqual('step' in first ? first.step : undefined, { what: 'helm uninstall kps', command: 'helm uninstall kps' });
  t.regex('msg' in first ? first.msg : '', /first install was left pending-install 2000 s ago/);
});

test('a pending operation younger than the timeout may still be running: refused, with what to do', (t) => {
  const recovery = pendingRecovery('helm', 'kps', [revision(1, 'deployed', 5000), revision(2, 'pending-upgrade', 30)], 900, now);
  t.regex(
    'refused' in recovery ? recovery.refused : '',
    /^release kps is pending-upgrade \(revision 2, begun 30 s ago\): another helm operation may still be running on it, and may take up to the 900 s timeout\. Run again once it has ended/,
  );
  const unknown = pendingRecovery('helm', 'kps', [{ revision: 1, status: 'pending-install', updated: 'yesterday', chart: 'x-1' }], 900, now);
  t.regex('refused' in unknown ? unknown.refused : '', /begun at an unknown time/, 'an unreadable time is never taken as old');
});
