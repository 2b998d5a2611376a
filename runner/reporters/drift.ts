import type { RunEvent } from '../executor/events.js';
import { heading } from './format.js';

/**
 * In check mode, what would change on each host, by role: the drift between the hosts and the
 * playbook, on one screen (the task names; --diff shows the details above it).
 */
export class DriftSummary {
  private check = false;
  private readonly roles = new Map<number, string>();
  private readonly changes = new Map<string, Map<string, string[]>>();

  see(event: RunEvent): void {
    if (event.type === 'playbook.start') this.check = event.check;
    if (event.type === 'task.start') this.roles.set(event.id, event.role ?? 'play');
    if (event.type !== 'host.result' || event.status !== 'changed') return;
    const byRole = this.changes.get(event.host) ?? new Map<string, string[]>();
    const role = this.roles.get(event.taskId) ?? 'play';
    byRole.set(role, [...(byRole.get(role) ?? []), event.task]);
    this.changes.set(event.host, byRole);
  }

  /** Lines to print after the recap: none outside check mode. */
  lines(hosts: string[]): string[] {
    if (!this.check) return [];
    const line = (host: string) => {
      const byRole = this.changes.get(host);
      if (!byRole) return `${host}: in sync`;
      return `${host}: ${[...byRole].map(([role, tasks]) => `${role} (${tasks.join('; ')})`).join(', ')}`;
    };
    return [`\n${heading('WOULD CHANGE')}`, ...[...hosts].sort().map(line)];
  }
}
