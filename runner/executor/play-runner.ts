import pLimit from 'p-limit';
import { conditionsHold } from '../conditions/conditions.js';
import { isTruthy } from '../jinja/python.js';
import { isAbsolute, join } from 'node:path';
import { describeUserError, UserError } from '../errors.js';
import { list, loadTaskFileItems, withItemVars, type RoleLoad } from '../playbook/task.js';
import type { Vars } from '../vars/vars.js';
import { UnreachableError } from '../connection/connection.js';
import { parseSystemFacts, systemFactsCommand } from '../facts/system.js';
import type { Inventory } from '../inventory/inventory.js';
import type { Item, Play, Task } from '../playbook/model.js';
import { renderValue } from '../jinja/templar.js';
import { toPlain } from '../vars/scope.js';
import type { RunEvent } from './events.js';
import type { HostState } from './host.js';
import type { Redactor } from './redaction.js';
import type { TaskSelection } from './selection.js';
import { extendedLoop, ignoresErrors, runTaskOnHost, skippedResult, type HostOutcome, type TaskRunContext } from './task-runner.js';
import { loopItems, loopItemsUnlessSkipped, SKIPPED } from './loop.js';
import { taskScope, type VarsContext } from './variables.js';
import { asDiffs, type Diff, type ModuleResult } from '../modules/module.js';

export interface RunState {
  inventory: Inventory;
  hosts: ReadonlyMap<string, HostState>;
  extraVars: Record<string, unknown>;
  playbookDir: string;
  check: boolean;
  diff: boolean;
  /** How many -v were given (Ansible's ansible_verbosity). */
  verbosity?: number;
  forks: number;
  becomePassword?: string;
  selection: TaskSelection;
  redactor: Redactor;
  connect: TaskRunContext['connect'];
  reconnect: TaskRunContext['reconnect'];
  emit(event: RunEvent): Promise<void>;
}

/**
 * Ansible's linear strategy: each task runs on every host of the batch (up to --forks at once)
 * before the next task starts; a failed or unreachable host drops out of the rest of the play.
 */
export class PlayRunner {
  /** Why the batch stops (any_errors_fatal, max_fail_percentage): no more tasks start in it. */
  private aborted: string | undefined;
  private batch: HostState[] = [];
  private targets: string[] = [];
  /** Hosts inside a block with a rescue (how deep): a failure there is not final, as in Ansible. */
  private readonly rescuable = new Map<HostState, number>();
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly vars: VarsContext;

  constructor(
    private readonly state: RunState,
    private readonly play: Play,
  ) {
    this.limit = pLimit(Math.max(1, state.forks));
    this.vars = {
      inventory: state.inventory,
      hosts: state.hosts,
      play,
      playHosts: () => this.batch.filter((host) => host.active).map((host) => host.name),
      playHostsAll: () => this.targets,
      playBatch: () => this.batch.map((host) => host.name),
      extraVars: state.extraVars,
      playbookDir: state.playbookDir,
      check: state.check,
      diff: state.diff,
      verbosity: state.verbosity,
      runTags: state.selection.options.tags,
      skipTags: state.selection.options.skipTags,
    };
  }

  /**
   * Runs the play; resolves with a reason to stop the whole run (later batches and plays), as
   * Ansible stops when a batch failed entirely, any_errors_fatal fired or max_fail_percentage was
   * passed.
   */
  async run(hostNames: string[]): Promise<string | undefined> {
    this.targets = hostNames;
    const hosts = hostNames.map((name) => this.state.hosts.get(name)!).filter((host) => host.active);
    // Every target failed or was unreachable in an earlier play: nothing left to run, as in Ansible.
    if (hosts.length === 0) {
      await this.state.emit({ type: 'warning', message: `play '${this.play.name}': no hosts left (all failed or unreachable earlier), skipping` });
      return undefined;
    }
    const all = batches(hosts, this.play.serial);
    for (const [index, batch] of all.entries()) {
      this.batch = batch;
      this.aborted = undefined;
      await this.state.emit({ type: 'play.start', name: this.play.name, hosts: batch.map((host) => host.name) });
      await this.gatherFacts();
      for (const section of [this.play.preTasks, this.play.tasks, this.play.postTasks]) {
        await this.runItems(section, this.batch);
        await this.flushHandlers();
      }
      await this.state.emit({ type: 'play.end', name: this.play.name });
      batch.forEach((host) => (host.ended = false));
      const stop = this.aborted ?? (batch.every((host) => !host.active) ? 'every host of the batch failed' : undefined);
      if (stop) {
        const untouched = all.slice(index + 1).flat();
        const rest = untouched.length ? `; not started: ${untouched.map((host) => host.name).join(', ')}` : '';
        return `play '${this.play.name}' stopped the run (${stop})${rest}`;
      }
    }
    return undefined;
  }

  /** The hosts of a set that still run tasks. */
  private active(hosts: HostState[] = this.batch): HostState[] {
    return this.aborted !== undefined ? [] : hosts.filter((host) => host.active);
  }

  private wants(task: Task): boolean {
    return this.state.selection.selects(task);
  }

  private async gatherFacts(): Promise<void> {
    const wanted = isTruthy(
      renderValue(String(this.play.gatherFacts), taskScope(this.vars, this.batch[0], undefined, this.play.loc, "'gather_facts'"), {
        loc: this.play.loc,
        what: "'gather_facts'",
      }),
    );
    const hosts = this.active();
    if (!wanted || hosts.length === 0) return;
    const id = 0;
    await this.state.emit({ type: 'task.start', id, name: 'Gathering Facts', hosts: hosts.map((h) => h.name), handler: false });
    await Promise.all(
      hosts.map((host) =>
        this.limit(async () => {
          const started = Date.now();
          let outcome: HostOutcome;
          try {
            const keyword = (value: string | undefined, key: string) =>
              value === undefined
                ? undefined
                : String(renderValue(value, taskScope(this.vars, host, undefined, this.play.loc, `'${key}'`), { loc: this.play.loc, what: `'${key}'` }));
            const connection = await this.state.connect(host.name, {
              remoteUser: keyword(this.play.remoteUser, 'remote_user'),
              connection: keyword(this.play.connection, 'connection'),
            });
            const result = await connection.exec(systemFactsCommand);
            const facts = parseSystemFacts(result.stdout);
            host.facts = { ...facts, ansible_facts: Object.fromEntries(Object.entries(facts).map(([key, value]) => [key.replace(/^ansible_/, ''), value])) };
            outcome = { status: 'ok', ignored: false, result: {}, noLog: false };
          } catch (error) {
            if (!(error instanceof UnreachableError)) throw error;
            outcome = { status: 'unreachable', ignored: false, result: {}, msg: error.message, noLog: false };
          }
          await this.report(id, 'Gathering Facts', 'setup', host, outcome, started);
        }),
      ),
    );
    await this.state.emit({ type: 'task.end', id });
  }

  private async runItems(items: Item[], hosts: HostState[]): Promise<void> {
    for (const item of items) {
      if (this.active(hosts).length === 0) return;
      if (item.kind === 'task') {
        if (this.wants(item)) await this.runTask(item, this.active(hosts));
      } else {
        await this.runBlock(item, hosts);
      }
    }
  }

  /** block, then rescue for the hosts that failed in it, then always for every host that entered. */
  private async runBlock(block: Extract<Item, { kind: 'block' }>, hosts: HostState[]): Promise<void> {
    const entered = this.active(hosts);
    const guarded = block.rescue.length > 0;
    if (guarded) entered.forEach((host) => this.rescuable.set(host, (this.rescuable.get(host) ?? 0) + 1));
    try {
      await this.runItems(block.block, entered);
    } finally {
      if (guarded) entered.forEach((host) => this.rescuable.set(host, this.rescuable.get(host)! - 1));
    }
    const failed = entered.filter((host) => host.failed && !host.unreachable);
    if (guarded && failed.length > 0 && this.aborted === undefined) {
      for (const host of failed) {
        host.failed = false;
        host.stats.failed--;
        host.stats.rescued++;
        Object.assign(host.registered, { ansible_failed_result: host.lastFailure?.result, ansible_failed_task: host.lastFailure?.task });
      }
      await this.runItems(block.rescue, failed);
    }
    if (block.always.length > 0) {
      const wasFailed = entered.filter((host) => host.failed);
      wasFailed.forEach((host) => (host.failed = false));
      await this.runItems(block.always, entered);
      wasFailed.forEach((host) => (host.failed = true));
    }
  }

  private async runTask(task: Task, hosts: HostState[], handler = false): Promise<void> {
    if (hosts.length === 0) return;
    if (task.module === 'meta') return this.runMeta(task, hosts);
    if (task.module === 'include_tasks') return this.runInclude(task, hosts);
    const names = new Map(hosts.map((host) => [host.name, this.displayNames(task, host)]));
    const name = headerName([...names.values()].flat());
    // add_host runs once for the batch, as Ansible's (it bypasses the host loop).
    const runOnce =
      task.module === 'add_host' ||
      (task.runOnce !== undefined &&
        isTruthy(renderValue(String(task.runOnce), taskScope(this.vars, hosts[0], task, task.loc, "'run_once'"), { loc: task.loc, what: "'run_once'" })));
    const targets = runOnce ? hosts.slice(0, 1) : hosts;
    // Every host named here gets a host.result: reporters wait for exactly these.
    await this.state.emit({ type: 'task.start', id: task.id, name, role: task.role?.name, hosts: targets.map((h) => h.name), handler });
    const context: TaskRunContext = {
      vars: this.vars,
      connect: this.state.connect,
      reconnect: this.state.reconnect,
      becomePassword: this.state.becomePassword,
      redactor: this.state.redactor,
    };
    let anyFailed = false;
    await Promise.all(
      targets.map((host) =>
        this.limit(async () => {
          const started = Date.now();
          const outcome = await runTaskOnHost(task, host, context);
          if (outcome.status === 'failed' && !outcome.ignored) {
            host.lastFailure = { result: outcome.result, task: { name: task.name, action: task.module } };
            if (!this.rescued(host)) anyFailed = true;
          }
          if (outcome.status === 'changed') this.notify(task, host);
          await this.report(task.id, names.get(host.name)!.join(' | '), outcome.module ?? task.module, host, outcome, started);
        }),
      ),
    );
    if (runOnce) this.shareRunOnce(task, hosts);
    await this.state.emit({ type: 'task.end', id: task.id });
    const fatal = task.anyErrorsFatal ?? this.play.anyErrorsFatal;
    if (anyFailed && isTruthy(fatal)) this.aborted = `any_errors_fatal: '${task.name}' failed`;
    this.checkFailPercentage();
  }

  /** Whether a failure of this host now leads to a rescue (so it does not count yet). */
  private rescued(host: HostState): boolean {
    return (this.rescuable.get(host) ?? 0) > 0;
  }

  /** max_fail_percentage: more failed hosts in the batch than the share allowed stops it (Ansible: 'greater than'). */
  private checkFailPercentage(): void {
    const allowed = this.play.maxFailPercentage;
    if (allowed === undefined || this.aborted) return;
    const failed = this.batch.filter((host) => host.unreachable || (host.failed && !this.rescued(host))).length;
    if (failed > 0 && (failed / this.batch.length) * 100 > allowed) {
      this.aborted = `max_fail_percentage ${allowed}: ${failed} of ${this.batch.length} host(s) failed`;
    }
  }

  /**
   * The task's name with its variables filled in as this host sees them, one per loop item when it
   * names the loop variable; as written when they cannot be filled in.
   */
  private displayNames(task: Task, host: HostState): string[] {
    if (!task.name.includes('{{')) return [task.name];
    // A title is never empty, as in Ansible: a name that renders to nothing shows the module; one that cannot be rendered, as written (below).
    const render = (extra: Record<string, unknown> = {}) =>
      String(renderValue(task.name, taskScope(this.vars, host, task, task.loc, 'the task name', extra), { loc: task.loc, what: 'the task name' })).trim() ||
      task.module;
    try {
      if (task.loop === undefined || !task.name.includes(task.loopVar)) return [render()];
      const items = loopItems(task, taskScope(this.vars, host, task, task.loc, "'loop'"), { loc: task.loc, what: "'loop'" });
      return Array.isArray(items) && items.length > 0 ? [...new Set(items.map((item) => render({ [task.loopVar]: toPlain(item) })))] : [task.name];
    } catch {
      return [task.name];
    }
  }

  /** run_once: the first host's registered result and facts hold for the whole batch. */
  private shareRunOnce(task: Task, hosts: HostState[]): void {
    const [first, ...others] = hosts;
    for (const host of others) {
      if (task.register && task.register in first.registered) host.registered[task.register] = first.registered[task.register];
      if (task.module === 'set_fact') Object.assign(host.registered, first.registered);
      if (first.notified.size) first.notified.forEach((name) => host.notified.add(name));
    }
  }

  private notify(task: Task, host: HostState): void {
    const scope = taskScope(this.vars, host, task, task.loc, "'notify'");
    for (const name of task.notify) host.notified.add(String(renderValue(name, scope, { loc: task.loc, what: "'notify'" })));
  }

  /** Handlers run once per notified host, in the order they are written, not the order notified. */
  private async flushHandlers(): Promise<void> {
    for (const handler of this.play.handlers) {
      const hosts = this.active().filter((host) => host.notified.has(handler.name) || handler.listen.some((topic) => host.notified.has(topic)));
      if (hosts.length === 0) continue;
      // A topic stays notified for every handler that listens to it; all are cleared after the flush.
      hosts.forEach((host) => host.notified.delete(handler.name));
      await this.runTask(handler, hosts, true);
    }
    this.batch.forEach((host) => host.notified.clear());
  }

  /**
   * include_tasks with a file name known only on the host, or with a loop: each host whose when
   * holds (judged per item) gets the file its variables name, once per loop item (the item bound in
   * its tasks), read now and checked as any task file; hosts naming the same file and item run its
   * tasks together. A file that is missing or broken fails the hosts that named it. An include_role
   * is the same with a role: read at load (a loop), or now by the name its template gives.
   */
  private async runInclude(task: Task, hosts: HostState[]): Promise<void> {
    const { file, beside, role, items: roleItems, load } = task.args as { file: string; beside: string; role?: string; items?: Item[]; load?: RoleLoad };
    // A file or role that cannot be read fails the host, unless the include's ignore_errors says otherwise.
    const failure = (error: unknown, host: HostState): HostOutcome => {
      if (!(error instanceof UserError)) throw error;
      const msg = describeUserError(error);
      const what = (key: string) => ({ loc: task.loc, what: `'${key}' of task '${task.name}'` });
      let ignored = false;
      try {
        ignored = ignoresErrors(task, taskScope(this.vars, host, task, task.loc, `task '${task.name}'`), what);
      } catch {
        // ignore_errors itself cannot be read: the failure stands.
      }
      return { status: 'failed', ignored, result: { failed: true, msg }, msg, noLog: false };
    };
    // Which file (and item) each host names, or why it cannot; then each file and item read once.
    const included = new Map<string, { path: string; vars: Vars; hosts: HostState[] }>();
    const outcomes = new Map<HostState, HostOutcome>();
    for (const host of hosts) {
      try {
        const scope = taskScope(this.vars, host, task, task.loc, `task '${task.name}'`);
        const loop = task.loop === undefined ? [undefined] : loopItemsUnlessSkipped(task, scope, (key) => ({ loc: task.loc, what: `'${key}'` }));
        const items = loop === SKIPPED ? undefined : list(toPlain(loop) as unknown[]);
        if (items === undefined) {
          outcomes.set(host, { status: 'skipped', ignored: false, result: skippedResult(), noLog: false });
          continue;
        }
        const names: string[] = [];
        for (const [index, item] of items.entries()) {
          const vars: Vars =
            task.loop === undefined
              ? {}
              : {
                  [task.loopVar]: item,
                  ...(task.indexVar ? { [task.indexVar]: index } : {}),
                  ...(task.loopExtended ? { ansible_loop: extendedLoop(items, index, task.loopExtended === 'allitems') } : {}),
                };
          const itemScope = task.loop === undefined ? scope : taskScope(this.vars, host, task, task.loc, `task '${task.name}'`, vars);
          if (!conditionsHold(task.when, itemScope, { loc: task.loc, what: "'when'" })) continue;
          const render = (template: string, what: string) => String(renderValue(template, itemScope, { loc: task.loc, what }));
          const name = role !== undefined ? `role ${load ? render(role, "'include_role'") : role}` : render(file, "'include_tasks'");
          const path = role !== undefined || isAbsolute(name) ? name : join(beside, name);
          names.push(path);
          const key = `${path}\0${JSON.stringify(vars)}`;
          if (!included.has(key)) included.set(key, { path, vars, hosts: [] });
          included.get(key)!.hosts.push(host);
        }
        outcomes.set(
          host,
          names.length === 0
            ? { status: 'skipped', ignored: false, result: skippedResult(), noLog: false }
            : { status: 'ok', ignored: false, result: { include: names[0] }, msg: `included: ${[...new Set(names)].join(', ')}`, noLog: false },
        );
      } catch (error) {
        outcomes.set(host, failure(error, host));
      }
    }
    const loaded = new Map<string, Item[]>();
    for (const [key, { path, vars }] of included) {
      try {
        loaded.set(
          key,
          load
            ? this.loadRole(load, path.slice('role '.length), vars)
            : roleItems
              ? withItemVars(roleItems, vars)
              : loadTaskFileItems(path, { ...task, vars: { ...task.vars, ...vars } }, task.loc),
        );
      } catch (error) {
        for (const host of included.get(key)!.hosts) outcomes.set(host, failure(error, host));
      }
    }
    await this.state.emit({ type: 'task.start', id: task.id, name: task.name, role: task.role?.name, hosts: hosts.map((h) => h.name), handler: false });
    for (const host of hosts) {
      // An include registers what it did (skipped, included, failed), as Ansible's does.
      if (task.register) host.registered[task.register] = outcomes.get(host)!.result;
      await this.report(task.id, task.name, 'include_tasks', host, outcomes.get(host)!, Date.now());
    }
    await this.state.emit({ type: 'task.end', id: task.id });
    for (const [key, items] of loaded) {
      const runners = included.get(key)!.hosts.filter((host) => outcomes.get(host)?.status === 'ok');
      if (runners.length) await this.runItems(items, runners);
    }
  }

  /** A role an include_role names by a template, read now: its tasks for one item, its handlers joining the play's. */
  private loadRole(load: RoleLoad, name: string, vars: Vars): Item[] {
    const { tasks, handlers } = load(name);
    const known = new Set(this.play.handlers.map((handler) => `${handler.loc.file}:${handler.loc.line}`));
    this.play.handlers.push(...handlers.filter((handler) => !known.has(`${handler.loc.file}:${handler.loc.line}`)));
    return withItemVars(tasks, vars);
  }

  /** Ansible's meta actions, each on the hosts whose when holds. */
  private async runMeta(task: Task, hosts: HostState[]): Promise<void> {
    const action = (task.args as { action: string }).action;
    if (action === 'flush_handlers') return this.flushHandlers();
    for (const host of hosts) {
      if (!conditionsHold(task.when, taskScope(this.vars, host, task, task.loc, `task '${task.name}'`), { loc: task.loc, what: "'when'" })) continue;
      if (action === 'end_host') host.ended = true;
      if (action === 'end_play' || action === 'end_batch') this.batch.forEach((h) => (h.ended = true));
      if (action === 'clear_facts') host.facts = {};
      if (action === 'clear_host_errors') [host.failed, host.unreachable] = [false, false];
      if (action === 'reset_connection') await this.state.reconnect(host.name, {});
    }
  }

  private async report(taskId: number, taskName: string, module: string, host: HostState, outcome: HostOutcome, started: number): Promise<void> {
    countOutcome(host, outcome);
    const censored = outcome.noLog ? { censored: "the output has been hidden due to 'no_log: true'" } : undefined;
    await this.state.emit({
      type: 'host.result',
      taskId,
      task: taskName,
      module,
      host: host.name,
      status: outcome.status,
      ignored: outcome.ignored || undefined,
      delegatedTo: outcome.delegatedTo,
      msg: censored ? censored.censored : outcome.msg,
      items: censored ? undefined : outcome.items,
      diff: censored ? undefined : (asDiffs(outcome.result.diff as ModuleResult['diff']) ?? collectItemDiffs(outcome.result)),
      result: censored ?? outcome.result,
      durationMs: Date.now() - started,
    });
    // A module's warnings, printed as Ansible prints them ([WARNING]: ...).
    const warnings = censored ? [] : ((outcome.result.warnings as unknown[] | undefined) ?? []);
    for (const message of warnings) await this.state.emit({ type: 'warning', message: `${host.name}: ${String(message)}` });
  }
}

function collectItemDiffs(result: Record<string, unknown>): Diff[] | undefined {
  const diffs = ((result.results as ModuleResult[]) ?? []).flatMap((r) => asDiffs(r.diff) ?? []);
  return diffs.length ? diffs : undefined;
}

function countOutcome(host: HostState, outcome: HostOutcome): void {
  switch (outcome.status) {
    case 'ok':
      host.stats.ok++;
      break;
    case 'changed':
      host.stats.ok++;
      host.stats.changed++;
      break;
    case 'skipped':
      host.stats.skipped++;
      break;
    case 'unreachable':
      host.stats.unreachable++;
      host.unreachable = true;
      break;
    case 'failed':
      if (outcome.ignored) {
        host.stats.ok++;
        host.stats.ignored++;
      } else {
        host.stats.failed++;
        host.failed = true;
      }
  }
}

/** serial: a size, a percentage or a list of them (the last one repeats), as in Ansible. */
export function batches<T>(hosts: T[], serial: Array<number | string> | undefined): T[][] {
  if (!serial || hosts.length === 0) return [hosts];
  const sizes = serial.map((size) =>
    typeof size === 'string' && size.endsWith('%') ? Math.max(1, Math.floor((hosts.length * Number(size.slice(0, -1))) / 100)) : Math.max(1, Number(size)),
  );
  const result: T[][] = [];
  let index = 0;
  for (let i = 0; index < hosts.length; i++) {
    const size = sizes[Math.min(i, sizes.length - 1)];
    result.push(hosts.slice(index, index + size));
    index += size;
  }
  return result;
}

/** One title for a task whose name differs per host or item: the names themselves, or the first ones and how many more. */
function headerName(names: string[]): string {
  const distinct = [...new Set(names)];
  return distinct.length <= 3 ? distinct.join(' | ') : `${distinct.slice(0, 2).join(' | ')} | (${distinct.length - 2} more)`;
}
