import test from 'ava';
import { planUnit, type SystemdArgs } from '../modules/systemd.js';
import { parseUnitState } from './systemd.js';

const args = (given: Partial<SystemdArgs>): SystemdArgs => ({
  name: 'a',
  daemon_reload: false,
  daemon_reexec: false,
  no_block: false,
  scope: 'system',
  ...given,
});
const shown = (unitFileState: string, extra = '') =>
  parseUnitState(`LoadState=loaded\nActiveState=active\nUnitFileState=${unitFileState}\nNeedDaemonReload=no\n${extra}`);

test('enabled as Ansible reads it: what is-enabled accepts, except an indirect unit or alias until an Also= unit is enabled', (t) => {
  t.deepEqual(planUnit(args({ enabled: true }), shown('static')), []);
  t.deepEqual(planUnit(args({ enabled: true }), shown('indirect')), ['enable']);
  t.deepEqual(planUnit(args({ enabled: true }), shown('indirect', 'EnabledVia=1')), []);
  t.deepEqual(planUnit(args({ enabled: false }), shown('enabled')), ['disable']);
  t.deepEqual(planUnit(args({ state: 'restarted' }), shown('enabled')), ['restart']);
});

test('systemd offline (a chroot, SYSTEMD_OFFLINE=1): is-enabled tells whether the unit exists, and no running state is acted on', (t) => {
  const offline = parseUnitState('IsEnabled=enabled\n');
  t.is(offline.loadState, 'loaded');
  t.is(offline.activeState, '');
  t.deepEqual(planUnit(args({ name: 'ssh', state: 'started' }), offline), []);
  t.is(parseUnitState('IsEnabled=\n').loadState, 'not-found');
  t.regex((planUnit(args({ name: 'nope', state: 'started' }), parseUnitState('IsEnabled=\n')) as Error).message, /Could not find the requested service nope/);
});

test('masked as Ansible orders it: mask or unmask first, then enabled and state; a unit file that does not exist can be masked', (t) => {
  const masked = parseUnitState('LoadState=masked\nActiveState=inactive\nUnitFileState=masked\nNeedDaemonReload=no\n');
  t.deepEqual(planUnit(args({ masked: false, state: 'started' }), masked), ['unmask', 'start']);
  t.deepEqual(planUnit(args({ masked: true }), masked), []);
  t.deepEqual(planUnit(args({ masked: true, state: 'stopped' }), shown('enabled')), ['mask', 'stop']);
  const missing = parseUnitState('LoadState=not-found\nActiveState=inactive\nUnitFileState=\nNeedDaemonReload=no\n');
  t.deepEqual(planUnit(args({ masked: true }), missing), ['mask']);
  t.true(planUnit(args({ enabled: true }), missing) instanceof Error);
});
