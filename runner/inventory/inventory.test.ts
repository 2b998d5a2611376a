import test from 'ava';
import { workspace } from '../../test/support/workspace.js';
import { loadInventory } from './inventory.js';
import { matchHosts } from './patterns.js';

const INVENTORY = `all:
  vars: { level: all, only_all: 1 }
  children:
    k3s:
      vars: { level: k3s }
      children:
        master:
          vars: { level: master }
          hosts:
            m1: { ansible_host: 10.0.0.1, level: host }
        worker:
          hosts:
            w[1:3]: { ansible_user: ubuntu }
    db:
      hosts:
        w2:
`;

test('reads groups, children, host vars and ranges as Ansible does', async (t) => {
  const ws = await workspace({ 'inventory.yaml': INVENTORY });
  t.teardown(ws.cleanup);
  const inventory = await loadInventory(ws.path('inventory.yaml'));
  t.deepEqual([...inventory.hosts.keys()], ['m1', 'w1', 'w2', 'w3']);
  t.deepEqual(inventory.members('k3s'), ['m1', 'w1', 'w2', 'w3']);
  t.deepEqual(inventory.members('worker'), ['w1', 'w2', 'w3']);
  t.is(inventory.hostVars('m1').level, 'host', 'host vars win over group vars');
  t.is(inventory.hostVars('w1').level, 'k3s', 'the deeper group wins over all');
  t.is(inventory.hostVars('w1').only_all, 1);
  t.is(inventory.hostVars('w3').ansible_user, 'ubuntu');
  t.true(inventory.hosts.get('w2')!.groups.has('db'));
});

test('group_vars/ and host_vars/ beside the inventory are read', async (t) => {
  const ws = await workspace({
    'inventory.yaml': INVENTORY,
    'group_vars/worker.yaml': 'level: from-group-file\n',
    'host_vars/w3.yml': 'level: from-host-file\n',
  });
  t.teardown(ws.cleanup);
  const inventory = await loadInventory(ws.dir);
  t.is(inventory.hostVars('w1').level, 'from-group-file');
  t.is(inventory.hostVars('w3').level, 'from-host-file');
});

test('host patterns: union, intersection, exclusion, globs, unknown words', async (t) => {
  const ws = await workspace({ 'inventory.yaml': INVENTORY });
  t.teardown(ws.cleanup);
  const inventory = await loadInventory(ws.path('inventory.yaml'));
  const hosts = (pattern: string) => matchHosts(inventory, pattern).hosts;
  t.deepEqual(hosts('all'), ['m1', 'w1', 'w2', 'w3']);
  t.deepEqual(hosts('master:db'), ['m1', 'w2']);
  t.deepEqual(hosts('worker:&db'), ['w2']);
  t.deepEqual(hosts('k3s:!worker'), ['m1']);
  t.deepEqual(hosts('!db:worker'), ['w1', 'w3'], 'exclusions apply after unions, whatever the order');
  t.deepEqual(hosts('w*'), ['w1', 'w2', 'w3']);
  t.deepEqual(hosts('m1,w3'), ['m1', 'w3']);
  t.deepEqual(matchHosts(inventory, 'mastr').unmatched, ['mastr']);
  // Subscripts as Ansible reads them: the end of a range is included.
  t.deepEqual(hosts('worker[0]'), ['w1']);
  t.deepEqual(hosts('worker[-1]'), ['w3']);
  t.deepEqual(hosts('worker[1:]'), ['w2', 'w3']);
  t.deepEqual(hosts('worker[0:1]:master'), ['m1', 'w1', 'w2']);
  t.deepEqual(hosts('master[1:]'), [], 'a range past the end is empty');
  t.deepEqual(matchHosts(inventory, 'worker[7]').unmatched, ['worker[7]']);
});
