import { readFileSync } from 'node:fs';

/** CPU seconds a process has used (user + system), from /proc/PID/stat. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Seconds a process has been runnable: on a CPU or waiting in a run queue (/proc/PID/schedstat).
 * A busy loop is runnable all the time even when other work (or its nice level) keeps it off the
 * CPU; an idle process is not.
 */
export function runnableSeconds(pid: number): number {
  const [onCpu, waiting] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ').map(Number);
  return (onCpu + waiting) / 1e9;
}
