import type { Reporter, RunEvent } from '../executor/events.js';
import { AfterRecap } from './after-recap.js';
import { heading, recapLines, retryLine, seconds, statusWord, taskTitle, unifiedDiff } from './format.js';

/** Ansible-style lines, for logs, CI and any output that is not a terminal. */
export class PlainReporter implements Reporter {
  private readonly afterRecap = new AfterRecap();

  constructor(
    private readonly write: (line: string) => void,
    private readonly options: { diff: boolean; verbosity: number },
  ) {}

  handle(event: RunEvent): void {
    this.afterRecap.see(event);
    switch (event.type) {
      case 'playbook.start':
        if (event.check) this.write('(check mode: nothing will be changed)');
        break;
      case 'play.start':
        this.write(`\n${heading('PLAY', event.name)}`);
        break;
      case 'task.start':
        this.write(`\n${heading(event.handler ? 'RUNNING HANDLER' : 'TASK', taskTitle(event.name, event.role))}`);
        break;
      case 'host.result': {
        const to = (delegatedTo: string | undefined) => (delegatedTo ? `${event.host} -> ${delegatedTo}` : event.host);
        const target = to(event.delegatedTo);
        for (const item of event.items ?? [])
          this.write(`${statusWord(item.status)}: [${to(item.delegatedTo)}] => (item=${item.label})${item.msg ? ` ${item.msg}` : ''}`);
        const showMsg = event.status === 'failed' || event.status === 'unreachable' || event.module === 'debug' || this.options.verbosity > 0;
        this.write(`${statusWord(event.status, event.ignored)}: [${target}] (${seconds(event.durationMs)})${showMsg && event.msg ? ` => ${event.msg}` : ''}`);
        if (this.options.verbosity > 0 && event.result) this.write(JSON.stringify(event.result, null, 2));
        if (this.options.diff) for (const diff of event.diff ?? []) this.write(unifiedDiff(diff));
        break;
      }
      case 'host.retry':
        this.write(`[${event.host}] ${retryLine(event)}`);
        break;
      case 'warning':
        this.write(`[WARNING]: ${event.message}`);
        break;
      case 'recap':
        this.write(`\n${heading('PLAY RECAP')}`);
        recapLines(event.hosts).forEach((line) => this.write(line));
        this.afterRecap.lines(Object.keys(event.hosts)).forEach((line) => this.write(line));
        break;
      case 'playbook.end':
        this.write(`\nfinished in ${seconds(event.durationMs)} (exit code ${event.exitCode})`);
        break;
    }
  }
}
