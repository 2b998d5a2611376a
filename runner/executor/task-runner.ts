import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostname, userInfo } from 'node:os';
import { conditionsHold } from '../conditions/conditions.js';
import { isTruthy } from '../jinja/python.js';
import { UnreachableError, type Connection, type ConnectionKeywords } from '../connection/connection.js';
import { LocalConnection } from '../connection/local.js';
import { describeUserError, UserError } from '../errors.js';
import type { Vars } from '../vars/vars.js';
import type { ModuleDeclaration, ModuleContext, ModuleResult } from '../modules/module.js';
import type { Step, Task } from '../playbook/model.js';
import { commandFailure } from '../modules/support/command-failure.js';
import { renderTemplateFile } from '../template/render.js';
import { renderValue, type TemplateOrigin } from '../jinja/templar.js';
import { Lazy, toPlain } from '../vars/scope.js';
import { applyPlan, type Applier } from './apply-plan.js';
import { loopItemsUnlessSkipped, loopVarOf, SKIPPED } from './loop.js';
import { runAsJob } from './async-job.js';
import type { HostStatus, ItemOutcome } from './events.js';
import type { HostState } from './host.js';
import type { Redactor } from './redaction.js';
import { taskScope, type VarsContext } from './variables.js';
import { applyInventoryChanges } from './inventory-changes.js';
import { delegateTarget, resolveTask, type ResolvedTask } from './resolved-task.js';

export interface TaskRunContext {
  vars: VarsContext;
  connect(host: string, keywords?: ConnectionKeywords): Promise<Connection>;
  /** Drops the host's connection (a reboot ended it): the next connect opens a new one. */
  reconnect(host: string, keywords?: ConnectionKeywords): Promise<void>;
  becomePassword?: string;
  redactor: Redactor;
}

/** The outcome of one task on one host, before it becomes an event. */
export interface HostOutcome {
  status: HostStatus;
  ignored: boolean;
  result: Record<string, unknown>;
  msg?: string;
  items?: ItemOutcome[];
  delegatedTo?: string;
  noLog: boolean;
  /** The module that ran, where the task names it by a template (action: "{{ ... }}"). */
  module?: string;
}

/** One run of the module (one loop item, or the task without a loop), and where what it sets goes. */
interface ItemRun {
  result: ModuleResult;
  resolved?: ResolvedTask;
  /** The host its facts belong to (the delegated one, with delegate_facts). */
  factsHost: HostState;
}

/**
 * The task on one host: its loop, each item's when, keywords and module, then the result registered
 * and what it set kept. `sharedWith`: the other hosts of a run_once task, which get what it sets.
 */
export async function runTaskOnHost(task: Task, host: HostState, ctx: TaskRunContext, sharedWith: HostState[] = []): Promise<HostOutcome> {
  const scope = (extra: Vars = {}) => taskScope(ctx.vars, host, task, task.loc, `task '${task.name}'`, extra);
  const what = (key: string) => ({ loc: task.loc, what: `'${key}' of task '${task.name}'` });
  let noLog = false;
  let runs: ItemRun[] = [];
  try {
    const base = scope();
    noLog = task.noLog !== undefined && isTruthy(renderValue(String(task.noLog), base, what('no_log')));
    let result: ModuleResult;
    let items: ItemOutcome[] | undefined;
    const loop = task.loop === undefined ? undefined : loopItemsUnlessSkipped(task, base, what);
    if (loop === SKIPPED) {
      result = skippedResult();
    } else if (task.loop === undefined) {
      runs = [await runItem(task, host, {}, ctx)];
      result = runs[0].result;
    } else {
      if (!Array.isArray(loop))
        throw new UserError(`'loop' of task '${task.name}' must be a list, not ${typeof loop}.`, task.loc, 'Give a YAML list or a variable holding one.');
      const results: ModuleResult[] = [];
      items = [];
      const allItems = loop.map(toPlain);
      const loopVar = loopVarOf(task, base);
      const pause = task.loopPause === undefined ? 0 : Number(renderValue(String(task.loopPause), base, what('loop_control.pause')));
      // Facts an item sets (set_fact) are seen by the next items, as in Ansible's loop.
      const setSoFar: Vars = {};
      for (const [index, item] of allItems.entries()) {
        if (index > 0 && pause > 0) await sleep(pause * 1000);
        const loopVars = {
          [loopVar]: item,
          ansible_loop_var: loopVar,
          ...(task.indexVar ? { [task.indexVar]: index, ansible_index_var: task.indexVar } : {}),
        };
        if (task.loopExtended) loopVars.ansible_loop = extendedLoop(allItems, index, task.loopExtended === 'allitems');
        const run = await runItem(task, host, { ...setSoFar, ...loopVars }, ctx);
        runs.push(run);
        if (run.result.facts && !run.result.failed) Object.assign(setSoFar, run.result.facts);
        const label = task.loopLabel
          ? String(renderValue(task.loopLabel, scope(loopVars), what('loop_control.label')))
          : typeof item === 'string'
            ? item
            : JSON.stringify(item);
        const { [loopVar]: _item, ansible_loop_var: _loopVar, ...itemFields } = loopVars;
        results.push({ ...run.result, ...itemFields, [loopVar]: item, ansible_loop_var: loopVar });
        items.push({ label, status: statusOf(run.result), msg: run.result.failed ? run.result.msg : undefined, delegatedTo: run.resolved?.delegateTo });
      }
      // Ansible's loop result: changed if any item changed, skipped only if every item was, its messages.
      const failed = results.some((r) => r.failed);
      const skipped = results.every((r) => r.skipped);
      result =
        results.length === 0
          ? { changed: false, skipped: true, skipped_reason: 'No items in the list', results }
          : {
              changed: results.some((r) => r.changed),
              ...(failed ? { failed: true } : {}),
              skipped,
              msg: skipped ? 'All items skipped' : failed ? 'One or more items failed' : 'All items completed',
              results,
            };
    }
    // What the task sets counts only if it did not fail or skip as a whole, as Ansible's strategy applies it.
    if (!result.failed && !result.skipped) for (const run of runs) keepWhatItSets(run, ctx, sharedWith);
    register(task, host, result, ctx, noLog);
    const ignored = result.failed === true && ignoresErrors(task, base, what);
    const resolved = runs.findLast((run) => run.resolved)?.resolved;
    const module = resolved && resolved.module.name !== task.module ? resolved.module.name : undefined;
    return {
      status: statusOf(result),
      ignored,
      result: toPlain(result) as Record<string, unknown>,
      msg: result.msg,
      items,
      delegatedTo: resolved?.delegateTo,
      noLog,
      module,
    };
  } catch (error) {
    const delegatedTo = runs.findLast((run) => run.resolved)?.resolved?.delegateTo;
    if (error instanceof UnreachableError) {
      // ignore_unreachable: the host stays in the play, the task counted as skipped (Ansible's strategy).
      if (task.ignoreUnreachable !== undefined && isTruthy(renderValue(String(task.ignoreUnreachable), scope(), what('ignore_unreachable')))) {
        const result = { unreachable: true, changed: false, msg: error.message, skipped: true, skip_reason: `Host ${host.name} is unreachable` };
        register(task, host, result, ctx, noLog);
        return { status: 'skipped', ignored: false, result, msg: error.message, delegatedTo, noLog };
      }
      return { status: 'unreachable', ignored: false, result: {}, msg: error.message, delegatedTo, noLog };
    }
    if (error instanceof UserError) {
      // An undefined variable in a condition or argument fails the task, which ignore_errors covers, as in Ansible.
      const msg = describeUserError(error);
      let ignored = false;
      try {
        ignored = ignoresErrors(task, scope(), what);
      } catch {
        // ignore_errors itself cannot be read: the failure stands.
      }
      // Registered like any failure, so the content can test it; the result's msg is the error's own words, as Ansible registers them.
      const result = { changed: false, failed: true, msg: error.message };
      register(task, host, result, ctx, noLog);
      return { status: 'failed', ignored, result, msg, delegatedTo, noLog };
    }
    throw error;
  }
}

/** The task once, for one item (or without a loop): its when, then its keywords resolved, then the module. */
async function runItem(task: Task, host: HostState, itemVars: Vars, ctx: TaskRunContext): Promise<ItemRun> {
  const scopeWith = (extra: Vars) => taskScope(ctx.vars, host, task, task.loc, `task '${task.name}'`, { ...itemVars, ...extra });
  const scope = scopeWith({});
  if (!conditionsHold(task.when, scope, { loc: task.loc, what: `'when' of task '${task.name}'` })) return { result: skippedResult(), factsHost: host };
  const delegateTo = delegateTarget(task, scope);
  const delegated = delegateTo === undefined ? scopeWith : (extra: Vars) => scopeWith({ ...delegatedVars(task, host, delegateTo, ctx), ...extra });
  const itemScope = delegateTo === undefined ? scope : delegated({});
  const defaults = { check: ctx.vars.check, diff: ctx.vars.diff, becomePassword: ctx.becomePassword, extraVars: ctx.vars.extraVars };
  const resolution = resolveTask(task, host, itemScope, delegateTo, defaults);
  if ('failed' in resolution) return { result: resolution.failed, factsHost: host };
  const result = await runModule(task, resolution, host, itemScope, delegated, ctx);
  const factsHost = resolution.delegateFacts ? ctx.vars.hostFor(resolution.delegateTo!) : host;
  return { result, resolved: resolution, factsHost };
}

/** loop_control's extended: ansible_loop, as Ansible gives it for each item. */
export function extendedLoop(items: unknown[], index: number, allItems: boolean): Vars {
  return {
    index: index + 1,
    index0: index,
    first: index === 0,
    last: index === items.length - 1,
    length: items.length,
    revindex: items.length - index,
    revindex0: items.length - index - 1,
    ...(allItems ? { allitems: items } : {}),
    ...(index + 1 < items.length ? { nextitem: items[index + 1] } : {}),
    ...(index > 0 ? { previtem: items[index - 1] } : {}),
  };
}

/** Whether the task's ignore_errors holds in this scope. */
export const ignoresErrors = (task: Step, scope: Vars, what: (key: string) => TemplateOrigin) =>
  task.ignoreErrors !== undefined && isTruthy(renderValue(String(task.ignoreErrors), scope, what('ignore_errors')));

/** What a task (or include) whose when is false returns, as Ansible's TaskExecutor gives it. */
export const skippedResult = (): ModuleResult => ({ changed: false, skipped: true, skip_reason: 'Conditional result was False' });

function statusOf(result: ModuleResult): HostStatus {
  if (result.failed) return 'failed';
  if (result.skipped) return 'skipped';
  return result.changed ? 'changed' : 'ok';
}

/**
 * Ansible's ansible_delegated_vars: the delegated host's variables, by its name, with the current
 * host as inventory_hostname (VariableManager._get_delegated_vars); read only when used.
 */
function delegatedVars(task: Task, host: HostState, delegateTo: string, ctx: TaskRunContext): Vars {
  const view = new Lazy(() => ({
    [delegateTo]: taskScope(ctx.vars, ctx.vars.hostFor(delegateTo), task, task.loc, `the variables of ${delegateTo}`, { inventory_hostname: host.name }, false),
  }));
  return { ansible_delegated_vars: view };
}

/**
 * What a run sets (set_fact's facts, included vars, gathered facts) for its host, or the delegated
 * one with delegate_facts; a run_once task's for every host of the batch, as Ansible's strategy does.
 */
function keepWhatItSets({ result, factsHost, resolved }: ItemRun, ctx: TaskRunContext, sharedWith: HostState[]): void {
  const facts = result.facts ?? {};
  const included = result.includedVars ?? {};
  ctx.redactor.learnFromVars({ ...facts, ...included });
  for (const target of resolved?.delegateFacts ? [factsHost] : [factsHost, ...sharedWith]) {
    Object.assign(target.registered, facts);
    Object.assign(target.included, included);
    if (result.gatheredFacts) {
      // As Ansible keeps them: each fact a variable as named, and in ansible_facts without its 'ansible_' prefix.
      const known = (target.facts.ansible_facts ?? {}) as Vars;
      const namespaced = Object.fromEntries(Object.entries(result.gatheredFacts).map(([key, value]) => [key.replace(/^ansible_/, ''), value]));
      target.facts = { ...target.facts, ...result.gatheredFacts, ansible_facts: { ...known, ...namespaced } };
    }
  }
}

/** Register the result; a secret result is remembered so it never shows up later. */
function register(task: Task, host: HostState, result: ModuleResult, ctx: TaskRunContext, noLog: boolean): void {
  if (noLog) ctx.redactor.learnAll(result);
  if (!task.register) return;
  const strip = ({ facts: _facts, includedVars: _included, gatheredFacts: _gathered, ...kept }: ModuleResult) => kept;
  const registered: Record<string, unknown> = {
    ...strip(result),
    ...(Array.isArray(result.results) ? { results: (result.results as ModuleResult[]).map(strip) } : {}),
  };
  host.registered[task.register] = toPlain(registered);
  // Gathered facts are keyed by what the host has (a unit named systemd-ask-password-console):
  // those keys say nothing of secrets, so only the rest of the result is learned from.
  const { ansible_facts: _gatheredData, ...named } = registered;
  ctx.redactor.learnFromVars({ [task.register]: result.gatheredFacts ? named : registered });
}

/** One module call (with until/retries), then changed_when and failed_when. */
async function runModule(
  task: Task,
  resolved: ResolvedTask,
  host: HostState,
  scope: Vars,
  scopeWith: (extra: Vars) => Vars,
  ctx: TaskRunContext,
): Promise<ModuleResult> {
  const what = (key: string) => ({ loc: task.loc, what: `'${key}' of task '${task.name}'` });
  const { module, become, environment: env, connection: keywords } = resolved;
  const target = resolved.delegateTo ?? host.name;
  // Opened on the first command (set_fact, debug, assert run none, as Ansible's action plugins need no
  // connection); looked up for each command: a reboot replaces the host's connection during the task.
  const current = () => ctx.connect(target, keywords);
  const run: ModuleContext['run'] = async (command, options = {}) => (await current()).exec(command, { ...options, become, env });
  const moduleContext: ModuleContext = {
    host: host.name,
    diff: resolved.diff,
    checkMode: resolved.checkMode,
    run,
    read: async (what, command) => {
      const output = await run(command);
      if (output.rc !== 0) throw new Error(commandFailure(what, output));
      return output.stdout;
    },
    readPath: async (path, want) => (await current()).readPath(path, want, { become }),
    findLocalFile: (kind, path, orDirectory) => findLocalFile(task, ctx.vars.playbookDir, kind, path, orDirectory),
    localPath: (path) => resolve(ctx.vars.playbookDir, path),
    varsDirectory: (dir) => varsDirectory(task, dir),
    renderTemplateFile: async (file, options, extra = {}) =>
      renderTemplateFile(await readFile(file, 'utf8'), file, scopeWith({ ...(await templateVars(file)), ...extra }), options),
    isLocal: async () => (await current()) instanceof LocalConnection,
    scope,
    conditionsHold: (conditions) => conditionsHold(conditions, scope, what(module.name)),
    render: (text) => renderValue(text, scope, what(module.name)),
  };
  const withResult = (result: ModuleResult) => (task.register ? scopeWith({ [task.register]: result }) : scopeWith({}));
  const untilHolds = (result: ModuleResult) => task.until.length === 0 || conditionsHold(task.until, withResult(result), what('until'));
  const { attempts, delay } = resolved;
  let result: ModuleResult = { changed: false };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    result = await callModule(
      module,
      resolved.args,
      moduleContext,
      { check: resolved.checkMode, run, reconnect: () => ctx.reconnect(target, keywords) },
      resolved.job,
    );
    result.failed ??= result.rc !== undefined && String(result.rc) !== '0';
    if (task.until.length) result.attempts = attempt;
    result.changed ??= false;
    // add_host and group_by: the inventory grows now, and says whether that changed anything, before changed_when (Ansible's post_process_whens).
    if (!result.failed && !result.skipped && applyInventoryChanges(result, host, ctx.vars, task.loc)) result.changed = true;
    // changed_when, then failed_when, with the result registered, before until is judged (TaskExecutor._execute).
    if (!result.skipped) {
      let judging = 'changed';
      try {
        if (task.changedWhen) result.changed = conditionsHold(task.changedWhen, withResult(result), what('changed_when'));
        judging = 'failed';
        if (task.failedWhen) result.failed = result.failed_when_result = conditionsHold(task.failedWhen, withResult(result), what('failed_when'));
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        result.failed = true;
        result[`${judging}_when_result`] = describeUserError(error);
      }
    }
    if (attempts === 1 || untilHolds(result)) break;
    if (attempt === attempts) {
      // As ansible-core 2.14 reports it: failed, attempts one less than were made.
      result.attempts = attempts - 1;
      result.failed = true;
    } else if (delay > 0) {
      await sleep(delay * 1000);
    }
  }
  return result;
}

/**
 * Plans, then applies the plan unless in check mode, or (async, out of check mode) runs its command
 * as a background job; an error thrown on the way fails the task with its message.
 */
async function callModule(
  module: ModuleDeclaration,
  args: Record<string, unknown>,
  ctx: ModuleContext,
  applier: Applier,
  job?: { seconds: number; poll: number },
): Promise<ModuleResult> {
  try {
    const plan = await module.plan(args, ctx);
    if (job && !applier.check && !plan.failed && plan.steps?.length) return await runAsJob(plan, job, applier.run);
    return await applyPlan(module, plan, applier);
  } catch (error) {
    if (error instanceof UnreachableError || error instanceof UserError) throw error;
    return { changed: false, failed: true, msg: (error as Error).message };
  }
}

/** The variables Ansible's template module gives a template about itself. */
async function templateVars(file: string): Promise<Vars> {
  const info = await stat(file);
  return {
    ansible_managed: 'Ansible managed',
    template_path: file,
    template_fullpath: resolve(file),
    template_host: hostname(),
    template_uid: userInfo().username,
    template_mtime: info.mtime.toISOString(),
    template_run_date: new Date().toISOString(),
  };
}

function varsDirectory(task: Task, dir: string): string {
  if (isAbsolute(dir)) return dir;
  if (!task.role) return join(dirname(task.loc.file), dir);
  const named = join(task.role.path, dir);
  return dir.split('/')[0] === 'vars' && existsSync(named) ? named : join(task.role.path, 'vars', dir);
}

async function findLocalFile(task: Task, playbookDir: string, kind: 'files' | 'templates' | 'vars', path: string, orDirectory = false): Promise<string> {
  const candidates = isAbsolute(path)
    ? [path]
    : [
        // Ansible's search: the role's KIND/, the role itself, then its tasks/ (KIND/ first each time), then the playbook's.
        ...(task.role
          ? [join(task.role.path, kind, path), join(task.role.path, path), join(task.role.path, 'tasks', kind, path), join(task.role.path, 'tasks', path)]
          : []),
        join(playbookDir, kind, path),
        join(playbookDir, path),
      ];
  for (const candidate of candidates) {
    const found = await stat(candidate).catch(() => undefined);
    // A directory keeps the trailing slash it was named with ('dir/' copies what is inside).
    if (found?.isFile() || (orDirectory && found?.isDirectory())) return path.endsWith('/') && !candidate.endsWith('/') ? `${candidate}/` : candidate;
  }
  throw new UserError(`'${path}' was not found.`, task.loc, `Looked in: ${candidates.join(', ')}.`);
}
