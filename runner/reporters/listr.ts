import { color, figures, Listr, ListrDefaultRendererLogLevels, type ListrTaskWrapper } from 'listr2';
import type { Reporter, RunEvent } from '../executor/events.js';
import { AfterRecap } from './after-recap.js';
import { heading, recapLines, retryLine, seconds, statusWord, taskTitle, unifiedDiff } from './format.js';

type HostResult = Extract<RunEvent, { type: 'host.result' }>;

interface OpenTask {
  run: Promise<unknown>;
  results: Map<string, (result: HostResult) => void>;
  /** Sets a host's line while it is still running (connection retries). */
  titles: Map<string, (title: string) => void>;
  diffs: string[];
}

/**
 * A terminal view drawn by listr2: one live list per task, a line per host that turns into
 * its status and elapsed time. Built from the same events as the plain and JSON reporters.
 */
export class ListrReporter implements Reporter {
  private open?: OpenTask;
  private readonly afterRecap = new AfterRecap();

  constructor(
    private readonly write: (line: string) => void,
    private readonly options: { diff: boolean },
  ) {}

  async handle(event: RunEvent): Promise<void> {
    this.afterRecap.see(event);
    switch (event.type) {
      case 'playbook.start':
        if (event.check) this.write('(check mode: nothing will be changed)');
        break;
      case 'play.start':
        this.write(`\n${heading('PLAY', event.name)}`);
        break;
      case 'task.start':
        this.open = this.start(event);
        break;
      case 'host.result':
        this.open?.results.get(event.host)?.(event);
        if (this.options.diff) this.open?.diffs.push(...(event.diff ?? []).map(unifiedDiff));
        break;
      case 'host.retry':
        this.open?.titles.get(event.host)?.(`${event.host}: ${retryLine(event)}`);
        break;
      case 'task.end':
        if (this.open) {
          await this.open.run;
          this.open.diffs.forEach((diff) => this.write(diff));
          this.open = undefined;
        }
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
        this.write(`\nfinished in ${seconds(event.durationMs)}`);
        break;
    }
  }

  private start(event: Extract<RunEvent, { type: 'task.start' }>): OpenTask {
    const results = new Map<string, (result: HostResult) => void>();
    const titles = new Map<string, (title: string) => void>();
    const waits = new Map(event.hosts.map((host) => [host, new Promise<HostResult>((resolve) => results.set(host, resolve))]));
    const hostTask = (host: string) => ({
      title: host,
      task: async (_ctx: unknown, task: ListrTaskWrapper<unknown, never, never>) => {
        titles.set(host, (title) => (task.title = title));
        const result = await waits.get(host)!;
        const items = (result.items ?? []).map((item) => `${statusWord(item.status)}: ${item.label}`).join(', ');
        task.title = `${host}: ${statusWord(result.status, result.ignored)} (${seconds(result.durationMs)})${items ? ` [${items}]` : ''}${result.module === 'debug' && result.msg ? ` ${result.msg}` : ''}`;
        if (result.status === 'skipped') task.skip(task.title);
        if ((result.status === 'failed' && !result.ignored) || result.status === 'unreachable') throw new Error(`${host}: ${result.msg ?? result.status}`);
      },
    });
    const list = new Listr(
      [
        {
          title: heading(event.handler ? 'RUNNING HANDLER' : 'TASK', taskTitle(event.name, event.role)),
          task: (_ctx, task) => task.newListr(event.hosts.map(hostTask) as never, { concurrent: true, exitOnError: false }),
        },
      ],
      {
        exitOnError: false,
        rendererOptions: {
          collapseSubtasks: false,
          collapseErrors: false,
          collapseSkips: false,
          showSkipMessage: false,
          // A skipped host is no warning: a condition said so. A neutral sign, as Ansible's "skipping".
          icon: { [ListrDefaultRendererLogLevels.SKIPPED_WITHOUT_COLLAPSE]: figures.arrowDown },
          color: { [ListrDefaultRendererLogLevels.SKIPPED_WITHOUT_COLLAPSE]: (text?: string) => color.dim(text ?? '') },
        },
      },
    );
    return { run: list.run().catch(() => undefined), results, titles, diffs: [] };
  }
}
