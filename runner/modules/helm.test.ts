import test from 'ava';
import { chartRepository, planRelease } from './helm.js';

test('helm release plan: install, upgrade on version, values or status, nothing when equal', (t) => {
  const args = { chart_ref: 'prometheus-community/kube-prometheus-stack', chart_version: '88.5.3' };
  const values = { a: { b: 1 } };
  t.is(planRelease(args, values, undefined, {}), 'not installed');
  t.is(
    planRelease(args, values, { name: 'kps', chart: 'kube-prometheus-stack-88.5.2', status: 'deployed' }, { a: { b: 1 } }),
    'chart kube-prometheus-stack-88.5.2 is not version 88.5.3',
  );
  t.is(planRelease(args, values, { name: 'kps', chart: 'kube-prometheus-stack-88.5.3', status: 'failed' }, { a: { b: 1 } }), 'status is failed');
  t.is(planRelease(args, values, { name: 'kps', chart: 'kube-prometheus-stack-88.5.3', status: 'deployed' }, { a: { b: 2 } }), 'values differ');
  t.is(planRelease(args, values, { name: 'kps', chart: 'kube-prometheus-stack-88.5.3', status: 'deployed' }, { a: { b: 1 } }), undefined);
  const anyVersion = { chart_ref: 'prometheus-community/kube-prometheus-stack' };
  t.is(
    planRelease(anyVersion, values, { name: 'kps', chart: 'kube-prometheus-stack-88.5.2', status: 'deployed' }, { a: { b: 1 } }),
    undefined,
    'no chart_version: any',
  );
  t.is(
    planRelease(anyVersion, values, { name: 'kps', chart: 'grafana-8.1.0', status: 'deployed' }, { a: { b: 1 } }),
    'chart grafana-8.1.0 is not kube-prometheus-stack',
  );
});

test('a chart from a repository names its repository; a path or URL does not', (t) => {
  t.is(chartRepository('prometheus-community/kube-prometheus-stack'), 'prometheus-community');
  t.is(chartRepository('./charts/stress'), undefined);
  t.is(chartRepository('/tmp/kube-prometheus-stack-88.5.3.tgz'), undefined);
  t.is(chartRepository('oci://registry.example/charts/stress'), undefined);
});
