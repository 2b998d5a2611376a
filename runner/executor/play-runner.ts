import pLimit from 'p-limit';
import { conditionsHold } from '../conditions/conditions.js';
import { isTruthy } from '../jinja/python.js';
import { describeUserError, UserError } from '../errors.js';
import { list } from '../playbook/keywords.js';
import { findTaskFile } from '../playbook/task-loader.js';
import type { Vars } from '../vars/vars.js';
import type { Inventory } from '../inventory/inventory.js';
import { allTasks, type Include, type Item, type Play, type Role, type RoleParts, type Step, type Task } from '../playbook/model.js';
import { renderValue } from '../jinja/templar.js';
import { toPlain } from '../vars/scope.js';
import type { RunEvent } from './events.js';
import { HostState } from './host.js';
import type { Redactor } from './redaction.js';
import { tagsSelect, type TaskSelection } from './selection.js';
import { extendedLoop, ignoresErrors, runTaskOnHost, skippedResult, type HostOutcome, type TaskRunContext } from './task-runner.js';
import { loopItems, loopItemsUnlessSkipped, loopVarOf, SKIPPED } from './loop.js';
import { taskScope, type VarsContext } from './variables.js';
import { asDiffs, type Diff, type ModuleResult } from '../modules/module.js';

/** Ansible's gathering setting: whether a play that does not say gathers facts, and how often. */
export const GATHERING = ['implicit', 'explicit', 'smart'] as const;
export type Gathering = (typeof GATHERING)[number];

export interface RunState {
  inventory: Inventory;
  /** Every host of the run by name; a host a task delegates to outside the inventory joins it. */
  hosts: Map<string, HostState>;
  extraVars: Record<string, unknown>;
  playbookDir: string;
  check: boolean;
  diff: boolean;
  /** How many -v were given (Ansible's ansible_verbosity). */
  verbosity?: number;
  forks: number;
  forceHandlers?: boolean;
  /** Ansible's gathering setting: implicit (default), explicit (only plays that ask), smart (once per host). */
  gathering?: Gathering;
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
  /** Hosts inside a block with an always still to run (how deep): any_errors_fatal waits for it, as Ansible's linear strategy does. */
  private readonly alwaysAhead = new Map<HostState, number>();
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly vars: VarsContext;
  private readonly reachedRoles = new Set<Role>();
  /** Hosts meta: clear_host_errors cleared while their block's always ran: they stay cleared after it. */
  private readonly cleared = new Set<HostState>();

  constructor(
    private readonly state: RunState,
    private readonly play: Play,
  ) {
    this.limit = pLimit(Math.max(1, state.forks));
    this.vars = {
      inventory: state.inventory,
      hosts: state.hosts,
      reachedRoles: this.reachedRoles,
      hostFor: (name) => {
        // As Ansible makes one for delegate_to: the implicit localhost, or an address the inventory lacks.
        if (!state.hosts.has(name)) state.hosts.set(name, new HostState(name, state.inventory.implicitHost(name)?.vars ?? {}));
        return state.hosts.get(name)!;
      },
      play,
      // As Ansible's magic variables: the play's hosts and the batch's, less those that failed or stopped.
      playHosts: () => this.targets.filter((name) => state.hosts.get(name)?.active !== false),
      playHostsAll: () => this.targets,
      playBatch: () => this.batch.filter((host) => host.active).map((host) => host.name),
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
    const hosts = hostNames.map((name) => this.vars.hostFor(name)).filter((host) => host.active);
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

  private wants(task: Step): boolean {
    return this.state.selection.selects(task);
  }

  /** Whether a yes-or-no keyword of the play, or of a task or include (`item`), holds, rendered for this host. */
  private holds(value: boolean | string | undefined, key: string, host: HostState, item?: Step): boolean {
    const loc = item?.loc ?? this.play.loc;
    return value !== undefined && isTruthy(renderValue(String(value), taskScope(this.vars, host, item, loc, `'${key}'`), { loc, what: `'${key}'` }));
  }

  /**
   * The play's fact gathering: the implicit gather_facts task, run as any task is, tagged 'always'
   * unless the play has tags. A play that does not say gathers unless the setting is explicit;
   * with smart, a host whose facts were gathered earlier in the run is not asked again.
   */
  private async gatherFacts(): Promise<void> {
    const { factsTask } = this.play;
    const gathering = this.state.gathering ?? 'implicit';
    if (
      !this.holds(this.play.gatherFacts ?? gathering !== 'explicit', 'gather_facts', this.batch[0]) ||
      !tagsSelect(factsTask.tags, this.state.selection.options.tags, this.state.selection.options.skipTags)
    )
      return;
    const hosts = this.active().filter((host) => gathering !== 'smart' || !host.factsGathered);
    if (hosts.length === 0) return;
    await this.runTask(factsTask, hosts);
    hosts.forEach((host) => (host.factsGathered = true));
  }

  private async runItems(items: Item[], hosts: HostState[]): Promise<void> {
    for (const item of items) {
      if (this.active(hosts).length === 0) return;
      if (item.kind === 'block') await this.runBlock(item, hosts);
      else if (this.wants(item)) await this.runStep(item, this.active(hosts));
    }
  }

  /** block, then rescue for the hosts that failed in it, then always for every host that entered. */
  private async runBlock(block: Extract<Item, { kind: 'block' }>, hosts: HostState[]): Promise<void> {
    const entered = this.active(hosts);
    const guarded = block.rescue.length > 0;
    const count = (counts: Map<HostState, number>, by: number) => entered.forEach((host) => counts.set(host, (counts.get(host) ?? 0) + by));
    if (guarded) count(this.rescuable, 1);
    if (block.always.length > 0) count(this.alwaysAhead, 1);
    try {
      try {
        await this.runItems(block.block, entered);
      } finally {
        if (guarded) count(this.rescuable, -1);
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
    } finally {
      if (block.always.length > 0) count(this.alwaysAhead, -1);
    }
    if (block.always.length > 0) {
      const wasFailed = entered.filter((host) => host.failed);
      wasFailed.forEach((host) => {
        host.failed = false;
        this.cleared.delete(host);
      });
      await this.runItems(block.always, entered);
      wasFailed.filter((host) => !this.cleared.has(host)).forEach((host) => (host.failed = true));
    }
  }

  private async runStep(step: Step, hosts: HostState[], handler = false): Promise<void> {
    if (step.kind === 'include') return this.runInclude(step, hosts, handler);
    return this.runTask(step, hosts, handler);
  }

  private async runTask(task: Task, hosts: HostState[], handler = false): Promise<void> {
    if (hosts.length === 0) return;
    if (task.module === 'meta') return this.runMeta(task, hosts);
    const names = new Map(hosts.map((host) => [host.name, this.displayNames(task, host)]));
    const name = headerName([...names.values()].flat());
    // add_host runs once for the batch, as Ansible's (it bypasses the host loop).
    const runOnce = task.module === 'add_host' || this.holds(task.runOnce, 'run_once', hosts[0], task);
    const targets = runOnce ? hosts.slice(0, 1) : hosts;
    // The other hosts of the batch a run_once task's results and facts go to.
    const others = runOnce ? this.active().filter((other) => other !== targets[0]) : [];
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
          const outcome = await runTaskOnHost(task, host, context, others);
          if (outcome.status === 'failed' && !outcome.ignored) {
            host.lastFailure = { result: outcome.result, task: { name: task.name, action: task.module } };
            if (!this.rescued(host) && !(this.alwaysAhead.get(host) ?? 0)) anyFailed = true;
          }
          if (outcome.status === 'changed') this.notify(task, host);
          await this.report(task.id, names.get(host.name)!.join(' | '), outcome.module ?? task.module, host, outcome, started);
        }),
      ),
    );
    if (runOnce) this.shareRunOnce(task, targets[0], others);
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

  /** run_once: the first host's registered result and notifications hold for every host of the batch (what it set is shared as it is kept). */
  private shareRunOnce(task: Task, first: HostState, others: HostState[]): void {
    for (const host of others) {
      if (task.register && task.register in first.registered) host.registered[task.register] = first.registered[task.register];
      if (first.notified.size) first.notified.forEach((name) => host.notified.add(name));
    }
  }

  /** notify's names, each rendered for the host (one may give a list of names). */
  private notify(task: Step, host: HostState): void {
    const scope = taskScope(this.vars, host, task, task.loc, "'notify'");
    for (const name of task.notify) {
      const rendered = toPlain(renderValue(name, scope, { loc: task.loc, what: "'notify'" }));
      for (const one of Array.isArray(rendered) ? rendered : [rendered]) host.notified.add(String(one));
    }
  }

  /**
   * Handlers run once per notified host, in the order they are written, not the order notified. A
   * name notifies one handler of that name (maybe a template, or 'role : name'): the first in the
   * last block loaded that has one, as Ansible's search_handler_blocks_by_name finds it; and every
   * handler that listens to it.
   */
  private async flushHandlers(): Promise<void> {
    const handlers = this.play.handlers;
    // force_handlers: hosts that failed still run what they were notified of (not unreachable ones).
    const forced = this.state.forceHandlers || this.holds(this.play.forceHandlers, 'force_handlers', this.batch[0]);
    const candidates = () => (forced && this.aborted === undefined ? this.batch.filter((host) => !host.unreachable && !host.ended) : this.active());
    const names = handlers.map((handler) => {
      if (!handler.name.includes('{{')) return handler.name;
      // Templated once, with the first host's variables, as Ansible caches it.
      const host = this.batch[0];
      return String(
        renderValue(handler.name, taskScope(this.vars, host, handler, handler.loc, 'the handler name'), { loc: handler.loc, what: 'the handler name' }),
      );
    });
    // Handlers read from one file (a play's handlers section, a role's handlers) are one block, as Ansible loads them: where each one's block starts.
    const blockStart: number[] = [];
    handlers.forEach((handler, i) => blockStart.push(i > 0 && handlers[i - 1].loc.file === handler.loc.file ? blockStart[i - 1] : i));
    const matches = (i: number, notified: string) => names[i] === notified || (handlers[i].role && `${handlers[i].role!.name} : ${names[i]}` === notified);
    // The last block holding the name wins; in it, the first handler of that name. Found once per name.
    const chosenFor = new Map<string, number>();
    const chosen = (notified: string) => {
      if (!chosenFor.has(notified)) {
        const last = handlers.findLastIndex((_, i) => matches(i, notified));
        chosenFor.set(notified, last === -1 ? -1 : handlers.findIndex((_, i) => i >= blockStart[last] && matches(i, notified)));
      }
      return chosenFor.get(notified)!;
    };
    const answers = (index: number, notified: string) => handlers[index].listen.includes(notified) || chosen(notified) === index;
    for (const [index, handler] of handlers.entries()) {
      const hosts = candidates().filter((host) => [...host.notified].some((notified) => answers(index, notified)));
      if (hosts.length === 0) continue;
      await this.runStep(handler, hosts, true);
    }
    this.batch.forEach((host) => host.notified.clear());
  }

  /**
   * include_tasks and include_role: each host whose when holds (judged per item) gets the file or
   * role its variables name, once per loop item (the item bound in its tasks); what was read at load
   * is used as it is, a name given by a template is read now and checked as any task file. Hosts
   * naming the same file and item run its tasks together. A file that is missing or broken fails the
   * hosts that named it. The include's own keywords (when, tags, loop) are its alone, as in Ansible.
   */
  private async runInclude(include: Include, all: HostState[], handler: boolean): Promise<void> {
    if (all.length === 0) return;
    const what = (key: string) => ({ loc: include.loc, what: `'${key}' of '${include.name}'` });
    // run_once on an include: only the first host includes it (and runs what it brings), as in Ansible.
    const hosts = this.holds(include.runOnce, 'run_once', all[0], include) ? all.slice(0, 1) : all;
    // A file or role that cannot be read fails the host, unless the include's ignore_errors says otherwise.
    const failure = (error: unknown, host: HostState): HostOutcome => {
      if (!(error instanceof UserError)) throw error;
      const msg = describeUserError(error);
      let ignored = false;
      try {
        ignored = ignoresErrors(include, taskScope(this.vars, host, include, include.loc, `'${include.name}'`), what);
      } catch {
        // ignore_errors itself cannot be read: the failure stands.
      }
      return { status: 'failed', ignored, result: { failed: true, msg }, msg, noLog: false };
    };
    // Which file or role (and item) each host names, or why it cannot; then each read once.
    const included = new Map<string, { name: string; parts?: RoleParts; vars: Vars; hosts: HostState[] }>();
    const outcomes = new Map<HostState, HostOutcome>();
    for (const host of hosts) {
      try {
        const scope = taskScope(this.vars, host, include, include.loc, `'${include.name}'`);
        const loop = include.loop === undefined ? [undefined] : loopItemsUnlessSkipped(include, scope, what);
        const items = loop === SKIPPED ? [] : list(toPlain(loop) as unknown[]);
        const loopVar = loopVarOf(include, scope);
        const names: string[] = [];
        for (const [index, item] of items.entries()) {
          const vars: Vars =
            include.loop === undefined
              ? {}
              : {
                  [loopVar]: item,
                  ...(include.indexVar ? { [include.indexVar]: index } : {}),
                  ...(include.loopExtended ? { ansible_loop: extendedLoop(items, index, include.loopExtended === 'allitems') } : {}),
                };
          const itemScope = include.loop === undefined ? scope : taskScope(this.vars, host, include, include.loc, `'${include.name}'`, vars);
          if (!conditionsHold(include.when, itemScope, what('when'))) continue;
          const written = include.includedRole?.name ?? include.includedFile!.file;
          const name = String(renderValue(written, itemScope, what(include.includedRole ? 'include_role' : 'include_tasks')));
          const { beside } = include.includedFile ?? {};
          const path = beside === undefined ? name : findTaskFile(name, beside, include.role?.path);
          names.push(include.includedRole ? `role ${name}` : path);
          // tasks_from, vars_from, ... may be templates too.
          const parts = include.includedRole && renderParts(include.includedRole.parts, (text) => String(renderValue(text, itemScope, what('include_role'))));
          const key = `${path}\0${JSON.stringify(parts)}\0${JSON.stringify(vars)}`;
          if (!included.has(key)) included.set(key, { name: path, parts, vars, hosts: [] });
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
    for (const [key, { name, parts, vars }] of included) {
      try {
        loaded.set(key, this.includedItems(include, name, parts, vars));
      } catch (error) {
        for (const host of included.get(key)!.hosts) outcomes.set(host, failure(error, host));
      }
    }
    await this.state.emit({ type: 'task.start', id: include.id, name: include.name, role: include.role?.name, hosts: hosts.map((h) => h.name), handler });
    for (const host of hosts) {
      // An include registers what it did (skipped, included, failed), as Ansible's does.
      if (include.register) host.registered[include.register] = outcomes.get(host)!.result;
      await this.report(include.id, include.name, include.includedRole ? 'include_role' : 'include_tasks', host, outcomes.get(host)!, Date.now());
    }
    await this.state.emit({ type: 'task.end', id: include.id });
    for (const step of allTasks([...loaded.values()].flat())) if (step.role?.included) this.reachedRoles.add(step.role);
    for (const [key, items] of loaded) {
      const runners = included.get(key)!.hosts.filter((host) => outcomes.get(host)?.status === 'ok');
      if (runners.length) await this.runItems(items, runners);
    }
  }

  /** What an include brings in for one name and loop item: read at load, or read now; the loop variables among each item's vars. */
  private includedItems(include: Include, name: string, parts: RoleParts | undefined, vars: Vars): Item[] {
    const { loader } = this.play;
    const withVars = (items: Item[]) => (Object.keys(vars).length ? loader.withItemVars(items, vars) : items);
    if (include.includedFile?.items) return withVars(include.includedFile.items);
    if (include.includedFile) return loader.loadTaskFileItems(name, { ...include.inner, vars: { ...include.inner.vars, ...vars } }, include.loc);
    // A role read at load, or named by a template (or that could not be read at load) and read now: its handlers join the play's now.
    const { items, handlers } = include.includedRole!;
    const role = items ? { tasks: items, handlers: handlers ?? [] } : loader.readRole(include, name, parts!);
    const known = new Set(this.play.handlers.map((one) => `${one.loc.file}:${one.loc.line}`));
    this.play.handlers.push(...role.handlers.filter((one) => !known.has(`${one.loc.file}:${one.loc.line}`)));
    return withVars(role.tasks);
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
      if (action === 'clear_host_errors') {
        [host.failed, host.unreachable] = [false, false];
        this.cleared.add(host);
      }
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

/** A role's parts (tasks_from, ...) with their templates rendered, '.yml' taken off as the loader takes it. */
function renderParts(parts: RoleParts, render: (text: string) => string): RoleParts {
  return Object.fromEntries(
    Object.entries(parts).map(([key, value]) => [key, typeof value === 'string' ? render(value).replace(/\.ya?ml$/, '') : value]),
  ) as RoleParts;
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
