import test from 'ava';
import { chartRepository, planRelease } from './helm_release.js';

test('helm release plan: install, upgrade on version, values or status, nothing when equal', (t) => {
  const args = { name: 'kps', chart: 'prometheus-community/kube-prometheus-stack', version: '88.5.3', namespace: 'monitoring', values: { a: { b: 1 } } };
  t.is(planRelease(args, undefined, {}), 'not installed');
  t.is(
    planRelease(args, { name: 'kps', chart: 'kube-prometheus-stack-88.5.2', status: 'deployed' }, { a: { b: 1 } }),
    'chart kube-prometheus-stack-88.5.2 is not version 88.5.3',
  );
  t.is(planRelease(args, { name: 'kps', chart: 'kube-prometheus-stack-88.5.3', status: 'failed' }, { a: { b: 1 } }), 'status is failed');
  t.is(planRelease(args, { name: 'kps', chart: 'kube-prometheus-stack-88.5.3', status: 'deployed' }, { a: { b: 2 } }), 'values differ');
  t.is(planRelease(args, { name: 'kps', chart: 'kube-prometheus-stack-88.5.3', status: 'deployed' }, { a: { b: 1 } }), undefined);
});

test('a chart from a repository names its repository; a path or URL does not', (t) => {
  t.is(chartRepository('prometheus-community/kube-prometheus-stack'), 'prometheus-community');
  t.is(chartRepository('./charts/stress'), undefined);
  t.is(chartRepository('/tmp/kube-prometheus-stack-88.5.3.tgz'), undefined);
  t.is(chartRepository('oci://registry.example/charts/stress'), undefined);
});
