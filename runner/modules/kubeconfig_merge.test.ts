import test from 'ava';
import { parse, stringify } from 'yaml';
import { mergeKubeconfig, removeFromKubeconfig } from './kubeconfig_merge.js';

const k3sYaml = (ca: string) =>
  stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'default', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': ca } }],
    users: [{ name: 'default', user: { 'client-certificate-data': `cert-${ca}`, 'client-key-data': `key-${ca}` } }],
    contexts: [{ name: 'default', context: { cluster: 'default', user: 'default' } }],
    'current-context': 'default',
  });

const mine = stringify({
  apiVersion: 'v1',
  kind: 'Config',
  preferences: { colors: true },
  clusters: [{ name: 'work', cluster: { server: 'https://work:6443' } }],
  users: [{ name: 'work', user: { token: 'x' } }],
  contexts: [{ name: 'work', context: { cluster: 'work', user: 'work' } }],
  'current-context': 'work',
});

test('adds the cluster under its own name, keeps every other entry and the current context', (t) => {
  const merged = mergeKubeconfig(mine, k3sYaml('CA1'), 'k3s-lab', 'https://m1.example.net:6443');
  t.deepEqual(
    merged.contexts!.map((c) => c.name),
    ['work', 'k3s-lab'],
  );
  t.deepEqual(merged.clusters!.find((c) => c.name === 'k3s-lab')!.cluster, { server: 'https://m1.example.net:6443', 'certificate-authority-data': 'CA1' });
  t.deepEqual(merged.contexts!.find((c) => c.name === 'k3s-lab')!.context, { cluster: 'k3s-lab', user: 'k3s-lab' });
  t.is(merged['current-context'], 'work', "the user's current context stays");
  t.deepEqual(merged.preferences, { colors: true });
});

test('a reinstalled cluster replaces its stale entries instead of keeping the old CA', (t) => {
  const first = stringify(mergeKubeconfig(mine, k3sYaml('OLD'), 'k3s-lab', 'https://m1:6443'));
  const second = mergeKubeconfig(first, k3sYaml('NEW'), 'k3s-lab', 'https://m1:6443');
  t.is(second.clusters!.filter((c) => c.name === 'k3s-lab').length, 1);
  t.is((second.clusters!.find((c) => c.name === 'k3s-lab')!.cluster as Record<string, string>)['certificate-authority-data'], 'NEW');
  t.is((second.users!.find((u) => u.name === 'k3s-lab')!.user as Record<string, string>)['client-key-data'], 'key-NEW');
});

test('an empty or missing kubeconfig gets a complete one with this cluster as current', (t) => {
  const merged = mergeKubeconfig('', k3sYaml('CA'), 'k3s-lab', 'https://10.0.0.5:6443');
  t.is(merged['current-context'], 'k3s-lab');
  t.is(merged.kind, 'Config');
  t.deepEqual(parse(stringify(merged)), merged);
});

test('merging the same cluster twice changes nothing', (t) => {
  const once = mergeKubeconfig(mine, k3sYaml('CA'), 'k3s-lab', 'https://m1:6443');
  t.deepEqual(mergeKubeconfig(stringify(once), k3sYaml('CA'), 'k3s-lab', 'https://m1:6443'), once);
});

test('a kubeconfig without a cluster is an error', (t) => {
  t.throws(() => mergeKubeconfig(mine, 'apiVersion: v1\nkind: Config\n', 'x', 'https://a:6443'), { message: /has no cluster/ });
});

test('removing the cluster keeps the rest, and moves the current context off it', (t) => {
  const merged = stringify(mergeKubeconfig('', k3sYaml('CA'), 'k3s-lab', 'https://m1:6443'));
  const both = stringify(mergeKubeconfig(mine, k3sYaml('CA'), 'k3s-lab', 'https://m1:6443'));
  t.deepEqual(removeFromKubeconfig(both, 'k3s-lab'), {
    ...parse(mine),
    clusters: parse(mine).clusters,
    users: parse(mine).users,
    contexts: parse(mine).contexts,
  });
  t.is(removeFromKubeconfig(merged, 'k3s-lab')['current-context'], '');
});
