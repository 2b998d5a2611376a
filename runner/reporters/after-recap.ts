import type { RunEvent } from '../executor/events.js';
import { DriftSummary } from './drift.js';
import { PreflightTable } from './preflight.js';

/** What every human reporter prints after the recap: the drift summary, then the doctor's table. */
export class AfterRecap {
  private readonly drift = new DriftSummary();
  private readonly preflight = new PreflightTable();

  see(event: RunEvent): void {
    this.drift.see(event);
    this.preflight.see(event);
  }

  lines(hosts: string[]): string[] {
    return [...this.drift.lines(hosts), ...this.preflight.lines()];
  }
}
