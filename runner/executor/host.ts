import type { Vars } from '../vars/vars.js';
import type { HostStats } from './events.js';

/** One host during a run: what it learned (facts, registered results) and how it is doing. */
export class HostState {
  facts: Vars = {};
  /** Registered results and set_fact values: one precedence layer. */
  registered: Vars = {};
  /** Variables include_vars read from files: templates in them are rendered when used, as in vars files. */
  included: Vars = {};
  failed = false;
  /** The last failure's result and task, which a rescue reads as ansible_failed_result/_task. */
  lastFailure?: { result: Vars; task: Vars };
  unreachable = false;
  /** Facts were gathered for it earlier in this run (ANSIBLE_GATHERING=smart gathers them once). */
  factsGathered = false;
  /** Stopped by meta: end_host or end_play. */
  ended = false;
  readonly notified = new Set<string>();
  readonly stats: HostStats = { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };

  constructor(
    readonly name: string,
    /** Inventory vars (group vars < host vars), already merged. */
    readonly inventoryVars: Vars,
  ) {}

  get active(): boolean {
    return !this.failed && !this.unreachable && !this.ended;
  }
}
