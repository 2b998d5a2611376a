import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { scratchDir } from '../../test/support/workspace.js';
import { detectCpuLimit, workersFor } from './cpu-limit.js';

const cgroup = (files: Record<string, string>) => {
  const root = scratchDir('cgroup-');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
};

test('cgroup v2: the quota of cpu.max, not the machine', (t) => {
  t.deepEqual(detectCpuLimit(cgroup({ 'cpu.max': '200000 100000\n' }), 16), { cpus: 2, source: 'cgroup v2 cpu.max' });
  t.is(detectCpuLimit(cgroup({ 'cpu.max': '150000 100000' }), 16).cpus, 1.5);
  t.is(detectCpuLimit(cgroup({ 'cpu.max': 'max 100000' }), 6).cpus, 6, 'no limit: all CPUs');
  t.is(detectCpuLimit(cgroup({ 'cpu.max': '800000 100000' }), 4).cpus, 4, 'never more than the machine has');
});

test('cgroup v1: cfs quota over period, in any of the mount layouts', (t) => {
  t.is(detectCpuLimit(cgroup({ 'cpu/cpu.cfs_quota_us': '200000', 'cpu/cpu.cfs_period_us': '100000' }), 8).cpus, 2);
  t.is(detectCpuLimit(cgroup({ 'cpu,cpuacct/cpu.cfs_quota_us': '50000', 'cpu,cpuacct/cpu.cfs_period_us': '100000' }), 8).cpus, 0.5);
  t.is(detectCpuLimit(cgroup({ 'cpu/cpu.cfs_quota_us': '-1', 'cpu/cpu.cfs_period_us': '100000' }), 3).cpus, 3);
  t.is(detectCpuLimit(cgroup({}), 5).cpus, 5);
});

test('workers: one per whole CPU, at least one, never above the limit', (t) => {
  t.is(workersFor({ cpus: 2, source: '' }), 2);
  t.is(workersFor({ cpus: 1.5, source: '' }), 1);
  t.is(workersFor({ cpus: 0.5, source: '' }), 1);
  t.is(workersFor({ cpus: 2.9999999999, source: '' }), 3);
});
