import type { Reporter, RunEvent } from '../executor/events.js';

/** --json: one JSON object per line per event, for tools and scripts. */
export class JsonReporter implements Reporter {
  constructor(private readonly write: (line: string) => void) {}

  handle(event: RunEvent): void {
    this.write(JSON.stringify({ time: new Date().toISOString(), ...event }));
  }
}
