import test from 'ava';
import { parseUfwStatus } from './ufw.js';
import { planRelease } from './helm_release.js';

test('ufw status: active or not, and the IPv4 allow rules', (t) => {
  const output = `Status: active\n\nTo                         Action      From\n--                         ------      ----\n22/tcp                     ALLOW       Anywhere\n6443/tcp                   ALLOW       Anywhere                   # k3s-playbook\n30000:32767/tcp            ALLOW       Anywhere\n22/tcp (v6)                ALLOW       Anywhere (v6)\n`;
  t.deepEqual(parseUfwStatus(output), { active: true, rules: ['22/tcp', '6443/tcp', '30000:32767/tcp'] });
  t.deepEqual(parseUfwStatus('Status: inactive\n'), { active: false, rules: [] });
  t.deepEqual(parseUfwStatus('Status: not installed\n'), { active: false, rules: [] });
});

test('helm release plan: install, upgrade on version, values or status, nothing when equal', (t) => {
  const args = { name: 'kps', chart: 'prometheus-community/kube-prometheus-stack', version: '88.5.3', namespace: 'monitoring', values: { a: { b: 1 } } };
  t.is(planRelease(args, undefined, {}), 'not installed');
  t.is(planRelease(args, { name: 'kps', chart: 'kube-prometheus-stack-88.5.2', status: 'deployed' }, { a: { b: 1 } }), 'chart kube-prometheus-stack-88.5.2 is not version 88.5.3');
  t.is(planRelease(args, { name: 'kps', chart: 'kube-prometheus-stack-88.5.3', status: 'failed' }, { a: { b: 1 } }), 'status is failed');
  t.is(planRelease(args, { name: 'kps', chart: 'kube-prometheus-stack-88.5.3', status: 'deployed' }, { a: { b: 2 } }), 'values differ');
  t.is(planRelease(args, { name: 'kps', chart: 'kube-prometheus-stack-88.5.3', status: 'deployed' }, { a: { b: 1 } }), undefined);
});
