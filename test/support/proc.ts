import { execFile, type ExecFileOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

/** CPU seconds a process has used (user + system), from /proc/PID/stat. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Seconds a process's main thread has been on a CPU, from the scheduler's own count
 * (/proc/PID/schedstat, in nanoseconds): /proc/PID/stat counts in ticks of 10 ms, which a niced
 * process on a busy machine may not reach in a second.
 */
export function onCpuSeconds(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
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

/** Whether a process (or, given a negative number, a process group) still exists, zombies included. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end and captures its output; a non-zero exit is a result, not an error. */
export function runCaptured(file: string, args: string[], options: ExecFileOptions = {}): Promise<Captured> {
  return promisify(execFile)(file, args, { maxBuffer: 64 << 20, ...options, encoding: 'utf8' }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: typeof error.code === 'number' ? error.code : 1,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }),
  );
}

/** Waits until a condition holds, checking every 50 ms; resolves with whether it held within the time given. */
export async function waitFor(condition: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
