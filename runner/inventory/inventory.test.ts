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
  t.deepEqual(inventory.members('ungrouped'), [], 'every host is in a group');
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

test("an INI inventory (hosts.ini) gives the groups, children, vars and ranges its YAML twin gives, with Ansible's value types", async (t) => {
  const ws = await workspace({
    'hosts.ini': `# comment
m0 ansible_host=10.0.0.9

[master]
m1 ansible_host=10.0.0.1 level=host
[worker]
w[1:3] ansible_user=ubuntu
w4:2222 labels="a b" # a comment
[db]
w2

[k3s:children]
master
worker

[k3s:vars]
level=k3s
replicas=3
enabled=True
raw=yes
list=['a', 'b']
[all:vars]
level=all
`,
    hosts: '[master]\nm1\n',
  });
  t.teardown(ws.cleanup);
  const inventory = await loadInventory(ws.path('hosts.ini'));
  t.deepEqual([...inventory.hosts.keys()], ['m0', 'm1', 'w1', 'w2', 'w3', 'w4']);
  t.deepEqual(inventory.members('k3s'), ['m1', 'w1', 'w2', 'w3', 'w4']);
  t.deepEqual(inventory.members('ungrouped'), ['m0']);
  t.deepEqual(inventory.members('db'), ['w2']);
  t.like(inventory.hostVars('m1'), { level: 'host', ansible_host: '10.0.0.1', replicas: 3, enabled: true, raw: 'yes', list: ['a', 'b'] });
  t.like(inventory.hostVars('w4'), { level: 'k3s', ansible_port: 2222, labels: 'a b', ansible_user: undefined });
  t.like(inventory.hostVars('w1'), { ansible_user: 'ubuntu' });
  t.is(inventory.hostVars('m0').level, 'all');
  t.deepEqual([...(await loadInventory(ws.path('hosts'))).hosts.keys()], ['m1'], 'a file named hosts, without an extension');
  const broken = await workspace({ 'bad.ini': '[master]\nm1\n[master:vras]\nx=1\n' });
  t.teardown(broken.cleanup);
  const error = await t.throwsAsync(loadInventory(broken.path('bad.ini')));
  t.regex(error?.message ?? '', /'\[master:vras\]' is no section Ansible knows/);
  t.is((error as { loc?: { line: number } }).loc?.line, 3);
});
