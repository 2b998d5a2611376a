import test from 'ava';
import { planUnit } from '../modules/systemd.js';
import { parseUnitState } from './systemd.js';

const shown = (unitFileState: string, extra = '') =>
  parseUnitState(`LoadState=loaded\nActiveState=active\nUnitFileState=${unitFileState}\nNeedDaemonReload=no\n${extra}`);

test('enabled as Ansible reads it: what is-enabled accepts, except an indirect unit or alias until an Also= unit is enabled', (t) => {
  t.deepEqual(planUnit({ name: 'a', enabled: true, daemon_reload: false, no_block: false }, shown('static')), []);
  t.deepEqual(planUnit({ name: 'a', enabled: true, daemon_reload: false, no_block: false }, shown('indirect')), ['enable']);
  t.deepEqual(planUnit({ name: 'a', enabled: true, daemon_reload: false, no_block: false }, shown('indirect', 'EnabledVia=1')), []);
  t.deepEqual(planUnit({ name: 'a', enabled: false, daemon_reload: false, no_block: false }, shown('enabled')), ['disable']);
  t.deepEqual(planUnit({ name: 'a', state: 'restarted', daemon_reload: false, no_block: false }, shown('enabled')), ['restart']);
});

test('systemd offline (a chroot, SYSTEMD_OFFLINE=1): is-enabled tells whether the unit exists, and no running state is acted on', (t) => {
  const offline = parseUnitState('IsEnabled=enabled\n');
  t.is(offline.loadState, 'loaded');
  t.is(offline.activeState, '');
  t.deepEqual(planUnit({ name: 'ssh', state: 'started', daemon_reload: false, no_block: false }, offline), []);
  t.is(parseUnitState('IsEnabled=\n').loadState, 'not-found');
  t.regex(
    (planUnit({ name: 'nope', state: 'started', daemon_reload: false, no_block: false }, parseUnitState('IsEnabled=\n')) as Error).message,
    /Could not find the requested service nope/,
  );
});
