import type { RunEvent } from '../executor/events.js';
import type { Check } from '../modules/preflight.js';
import { heading } from './format.js';

/**
 * The doctor's table: every preflight check of every host on one screen (host, check, ok, warn
 * or fail, what was seen, how to fix it), after the recap. A host the doctor could not reach or
 * run on gets a line saying why.
 */
export class PreflightTable {
  private readonly rows: Array<{ host: string; shown: boolean } & Check> = [];

  see(event: RunEvent): void {
    if (event.type !== 'host.result' || event.module !== 'preflight') return;
    const { checks, show } = (event.result ?? {}) as { checks?: Check[]; show?: string };
    if (Array.isArray(checks)) this.rows.push(...checks.map((check) => ({ host: event.host, shown: show !== 'problems' || check.status !== 'ok', ...check })));
    else
      this.rows.push({
        host: event.host,
        shown: true,
        check: 'ssh and sudo',
        status: 'fail',
        detail: event.msg ?? event.status,
        fix: 'Check the address, user and key (or the sudo rights) for this host.',
      });
  }

  lines(): string[] {
    if (this.rows.length === 0) return [];
    const rows = [...this.rows].sort((a, b) => a.host.localeCompare(b.host));
    const shown = rows.filter((row) => row.shown);
    const hostWidth = Math.max(...shown.map((row) => row.host.length));
    const checkWidth = Math.max(...shown.map((row) => row.check.length));
    const line = (row: { host: string } & Check) =>
      `${row.host.padEnd(hostWidth)}  ${row.check.padEnd(checkWidth)}  ${row.status.padEnd(4)}  ${row.detail}${row.fix ? ` -> ${row.fix}` : ''}`;
    const failed = rows.filter((row) => row.status === 'fail').length;
    const warned = rows.filter((row) => row.status === 'warn').length;
    return [
      `\n${heading('DOCTOR')}`,
      ...shown.map(line),
      `${failed} failed, ${warned} warning(s), ${rows.length - failed - warned} ok${shown.length < rows.length ? ' (npx run-playbook doctor.yaml shows every check)' : ''}`,
    ];
  }
}
