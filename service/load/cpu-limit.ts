import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

export interface CpuLimit {
  /** CPUs the container may use, possibly fractional (1.5 for a limit of 1500m). */
  cpus: number;
  source: string;
}

const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
};

/**
 * How many CPUs this process may use: the cgroup's CPU quota (v2 cpu.max, or v1
 * cpu.cfs_quota_us / cpu.cfs_period_us), never more than the machine has. The seed counted the
 * node's cores instead, which overloads a pod limited to 2 CPUs on a 16-core node.
 */
export function detectCpuLimit(cgroupRoot = '/sys/fs/cgroup', machineCpus = availableParallelism()): CpuLimit {
  const v2 = read(join(cgroupRoot, 'cpu.max'));
  if (v2) {
    const [quota, period] = v2.split(/\s+/);
    if (quota !== 'max' && Number(period) > 0) return capped(Number(quota) / Number(period), 'cgroup v2 cpu.max', machineCpus);
    return { cpus: machineCpus, source: 'cgroup v2 cpu.max (no limit): all CPUs' };
  }
  for (const dir of ['cpu', 'cpu,cpuacct', 'cpuacct,cpu', '']) {
    const quota = Number(read(join(cgroupRoot, dir, 'cpu.cfs_quota_us')));
    const period = Number(read(join(cgroupRoot, dir, 'cpu.cfs_period_us')));
    if (quota > 0 && period > 0) return capped(quota / period, 'cgroup v1 cpu.cfs_quota_us', machineCpus);
    if (quota === -1) return { cpus: machineCpus, source: 'cgroup v1 (no quota): all CPUs' };
  }
  return { cpus: machineCpus, source: 'no cgroup limit found: all CPUs' };
}

const capped = (cpus: number, source: string, machineCpus: number): CpuLimit => ({ cpus: Math.min(cpus, machineCpus), source });

/** Load workers for a limit: one per whole CPU, at least one, so the count never exceeds the limit. */
export const workersFor = (limit: CpuLimit) => Math.max(1, Math.floor(limit.cpus + 1e-9));
