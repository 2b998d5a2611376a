import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCommand } from '../../runner/cli/run-command.js';
import type { HostStats, RunEvent } from '../../runner/executor/events.js';

export type HostResult = Extract<RunEvent, { type: 'host.result' }>;

/** A temporary project directory with the given files; removed by cleanup(). */
export async function workspace(files: Record<string, string>): Promise<{ dir: string; path: (p: string) => string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'k3s-playbook-test-'));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return { dir, path: (p) => join(dir, p), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A temporary directory for this test process, removed when the process exits. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (scratch.length === 0) process.once('exit', () => scratch.forEach((made) => rmSync(made, { recursive: true, force: true })));
  scratch.push(dir);
  return dir;
}
const scratch: string[] = [];

/** Runs the CLI in this process with captured output, as if started in dir. */
export async function runCli(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCommand(args, { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, cwd: dir, env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

export const localInventory = (hosts: string[], vars = '') => `all:
  vars:
    ansible_connection: local
${vars}
  children:
    master:
      hosts:
        ${hosts[0]}:
    worker:
      hosts:
${
  hosts
    .slice(1)
    .map((h) => `        ${h}:`)
    .join('\n') || '        {}'
}
`;

/** Runs the CLI with --json and returns the events and exit code. */
export async function runJson(
  dir: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; events: RunEvent[]; err: string; out: string }> {
  const result = await runCli(dir, [...args, '--json'], env);
  const events = result.out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as RunEvent);
  return { ...result, events };
}

/** The debug messages of a run, per host, in order. */
export const debugMessages = (events: RunEvent[], host: string) =>
  hostResults(events)
    .filter((e) => e.module === 'debug' && e.host === host && e.status === 'ok')
    .map((e) => e.msg);

/** The events that report a task's outcome on one host. */
export const hostResults = (events: RunEvent[]) => events.filter((e): e is HostResult => e.type === 'host.result');

export const recapOf = (events: RunEvent[]): Record<string, HostStats> => {
  const recap = events.find((e) => e.type === 'recap');
  if (recap?.type !== 'recap') throw new Error('the run printed no recap');
  return recap.hosts;
};

/** "host: task: message" for each failed (and not ignored) host result: what a failing run's assertion shows. */
export const failures = (events: RunEvent[]) =>
  hostResults(events)
    .filter((e) => e.status === 'failed' && !e.ignored)
    .map((e) => `${e.host}: ${e.task}: ${e.msg}`);
