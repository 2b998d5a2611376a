import type { Diff } from '../modules/module.js';

export type HostStatus = 'ok' | 'changed' | 'skipped' | 'failed' | 'unreachable';

/** The recap counters, as in Ansible's PLAY RECAP. */
export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export interface ItemOutcome {
  label: string;
  status: HostStatus;
  msg?: string;
  /** The host delegate_to named for this item ("{{ item }}" names one per item). */
  delegatedTo?: string;
}

/**
 * What the executor tells the world. Reporters (listr2, plain lines, JSON) only ever see these,
 * after redaction: no reporter can leak a secret the redactor has not seen first.
 */
export type RunEvent =
  | { type: 'playbook.start'; file: string; check: boolean }
  | { type: 'play.start'; name: string; hosts: string[] }
  | { type: 'task.start'; id: number; name: string; role?: string; hosts: string[]; handler: boolean }
  | {
      type: 'host.result';
      taskId: number;
      task: string;
      module: string;
      host: string;
      status: HostStatus;
      ignored?: boolean;
      delegatedTo?: string;
      msg?: string;
      items?: ItemOutcome[];
      diff?: Diff[];
      result?: Record<string, unknown>;
      durationMs: number;
    }
  | { type: 'host.retry'; host: string; attempt: number; attempts: number; reason: string; retryInMs: number; budgetMs: number }
  | { type: 'task.end'; id: number }
  | { type: 'play.end'; name: string }
  | { type: 'warning'; message: string }
  | { type: 'recap'; hosts: Record<string, HostStats> }
  | { type: 'playbook.end'; exitCode: number; durationMs: number };

export interface Reporter {
  handle(event: RunEvent): void | Promise<void>;
}
