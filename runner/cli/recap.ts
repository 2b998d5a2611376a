import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, UserError, type ExitCodeValue } from '../errors.js';
import type { HostStats, RunEvent } from '../executor/events.js';
import { detailedExitCodeFor, exitCodeFor } from '../executor/run.js';
import { heading, recapLines } from '../reporters/format.js';
import type { Io } from './io.js';

/** What one run's --json stream says at its end: its recap and exit code (either missing if it did not finish). */
interface RunEnd {
  file: string;
  events: number;
  playbook?: string;
  hosts?: Record<string, HostStats>;
  exitCode?: number;
}

/** The codes a run gives for its hosts' outcomes; any other (bad options, invalid input, interrupted) is the run's own failure. */
const HOST_OUTCOMES = new Set<number>([ExitCode.Ok, ExitCode.HostsFailed, ExitCode.HostsUnreachable, 6]);

/** One --json stream read to its end; a line that is not an event is refused with its place. */
export function readRunEnd(file: string, text: string): RunEnd {
  const end: RunEnd = { file, events: 0 };
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    end.events++;
    let event: RunEvent;
    try {
      event = JSON.parse(line) as RunEvent;
    } catch {
      throw new UserError(
        `${file}:${index + 1}: not a JSON event of run-playbook --json.`,
        undefined,
        'Give the files run-playbook --json wrote, one per run.',
      );
    }
    if (event.type === 'playbook.start') end.playbook = event.file;
    if (event.type === 'recap') end.hosts = event.hosts;
    if (event.type === 'playbook.end') end.exitCode = event.exitCode;
  });
  return end;
}

/**
 * The runs' recaps as one: each host from the run that had it (two runs with the same host are
 * refused: shards never overlap), and one exit code, as a single run over all the hosts would give.
 * A run that did not finish, or failed on its own (not on its hosts), gives its code instead.
 */
export function mergeRecaps(ends: RunEnd[], detailed: boolean): { hosts: Record<string, HostStats>; exitCode: ExitCodeValue; problems: string[] } {
  const hosts: Record<string, HostStats> = {};
  const from = new Map<string, string>();
  const problems: string[] = [];
  let own: ExitCodeValue | undefined;
  for (const end of ends) {
    if (end.events === 0) {
      problems.push(`${end.file} holds no event: that run stopped before it began (its error output says why).`);
      own ??= ExitCode.BadOptions;
    } else if (end.exitCode === undefined) {
      problems.push(`${end.file} has no end: that run was interrupted, or is still running.`);
      own ??= ExitCode.Interrupted;
    } else if (!HOST_OUTCOMES.has(end.exitCode)) {
      problems.push(`${end.file} ended with exit code ${end.exitCode} before its hosts ran.`);
      own ??= end.exitCode as ExitCodeValue;
    }
    for (const [host, stats] of Object.entries(end.hosts ?? {})) {
      const other = from.get(host);
      if (other)
        throw new UserError(
          `host ${host} is in the recaps of ${other} and ${end.file}: these are not shards of one run.`,
          undefined,
          'Give each shard (0/N ... N-1/N) once, all with the same N.',
          ExitCode.BadOptions,
        );
      from.set(host, end.file);
      hosts[host] = stats;
    }
  }
  const playbooks = [...new Set(ends.map((end) => end.playbook).filter(Boolean))];
  if (playbooks.length > 1) problems.push(`these runs are of different playbooks: ${playbooks.join(', ')}.`);
  const stats = Object.values(hosts);
  return { hosts, exitCode: own ?? (detailed ? detailedExitCodeFor(stats) : exitCodeFor(stats)), problems };
}

/** run-playbook recap FILE...: prints the merged PLAY RECAP and returns its exit code. */
export async function recapCommand(files: string[], detailed: boolean, io: Io): Promise<ExitCodeValue> {
  const ends = await Promise.all(
    files.map(async (file) => {
      const text = await readFile(resolve(io.cwd, file), 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new UserError(
          `cannot read ${file}: ${error.code ?? error.message}.`,
          undefined,
          'Give the files run-playbook --json wrote.',
          ExitCode.BadOptions,
        );
      });
      return readRunEnd(file, text);
    }),
  );
  const merged = mergeRecaps(ends, detailed);
  for (const problem of merged.problems) io.err(`[WARNING]: ${problem}`);
  io.out(heading('PLAY RECAP'));
  recapLines(merged.hosts).forEach((line) => io.out(line));
  return merged.exitCode;
}
