import { createTwoFilesPatch } from 'diff';
import type { Diff } from '../modules/module.js';
import type { HostStats, HostStatus } from '../executor/events.js';

/** "TASK [role : name] ****" as Ansible prints headings, padded to 80 columns. */
export function heading(kind: string, title?: string): string {
  const text = title === undefined ? `${kind} ` : `${kind} [${title}] `;
  return text + '*'.repeat(Math.max(3, 80 - text.length));
}

export const taskTitle = (name: string, role?: string) => (role ? `${role} : ${name}` : name);

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;

/** Ansible's PLAY RECAP line: the host padded to 26 columns, then each counter as key=value. */
export function recapLines(hosts: Record<string, HostStats>): string[] {
  return Object.keys(hosts)
    .sort()
    .map((host) => {
      const s = hosts[host];
      const counters = (['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'] as const).map(
        (key) => `${key}=${String(s[key]).padEnd(4)}`,
      );
      return `${host.padEnd(26)} : ${counters.join(' ')}`.trimEnd();
    });
}

export function unifiedDiff(diff: Diff): string {
  if (diff.unified !== undefined) return diff.unified.trimEnd();
  const path = diff.path ?? 'value';
  return createTwoFilesPatch(`before: ${path}`, `after: ${path}`, diff.before, diff.after, undefined, undefined, { context: 3 })
    .split('\n')
    .filter((line) => !line.startsWith('====='))
    .join('\n')
    .trimEnd();
}

export function statusWord(status: HostStatus, ignored?: boolean): string {
  if (status === 'failed' && ignored) return 'failed (ignored)';
  if (status === 'skipped') return 'skipping';
  return status === 'unreachable' ? 'unreachable' : status;
}

/** A failed connection attempt that will be retried, in words: what was tried, what comes, how long it may all take. */
export function retryLine(event: { host: string; attempt: number; attempts: number; reason: string; retryInMs: number; budgetMs: number }): string {
  return `connecting to ${event.host}: attempt ${event.attempt} of ${event.attempts} failed (${event.reason}); next in ${seconds(event.retryInMs)}, at most ${seconds(event.budgetMs)} in all`;
}
