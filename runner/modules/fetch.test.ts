import test from 'ava';
import { fetchDestination } from './fetch.js';

test('where a fetched file lands: dest/HOST/SRC, or with flat dest itself, or dest/BASENAME for a dest ending in /', (t) => {
  t.is(fetchDestination({ src: '/etc/rancher/k3s/k3s.yaml', dest: 'out' }, 'm1'), 'out/m1/etc/rancher/k3s/k3s.yaml');
  t.is(fetchDestination({ src: '/etc/rancher/k3s/k3s.yaml', dest: 'out/kubeconfig', flat: true }, 'm1'), 'out/kubeconfig');
  t.is(fetchDestination({ src: '/etc/rancher/k3s/k3s.yaml', dest: 'out/', flat: true }, 'm1'), 'out/k3s.yaml');
});
