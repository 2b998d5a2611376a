import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostname, userInfo } from 'node:os';
import { conditionsHold } from '../conditions/conditions.js';
import { OMIT } from '../jinja/globals.js';
import { isTruthy, pythonStr } from '../jinja/python.js';
import { UnreachableError, type Become, type Connection, type ConnectionKeywords } from '../connection/connection.js';
import { LocalConnection } from '../connection/local.js';
import { describeUserError, UserError } from '../errors.js';
import type { Vars } from '../vars/vars.js';
import type { ModuleDeclaration, ModuleContext, ModuleResult } from '../modules/module.js';
import { modules, resolveModuleName } from '../modules/registry.js';
import type { Task } from '../playbook/model.js';
import { argumentProblem, canonicalArgs } from '../modules/arguments.js';
import { commandFailure } from '../modules/support/command-failure.js';
import { renderTemplateFile } from '../template/render.js';
import { hasTemplate, renderDeep, renderValue, type TemplateOrigin } from '../jinja/templar.js';
import { toPlain } from '../vars/scope.js';
import { applyPlan, type Applier } from './apply-plan.js';
import { loopItemsUnlessSkipped, SKIPPED } from './loop.js';
import { runAsJob } from './async-job.js';
import type { HostStatus, ItemOutcome } from './events.js';
import type { HostState } from './host.js';
import type { Redactor } from './redaction.js';
import { taskScope, type VarsContext } from './variables.js';
import { connectionOverrides } from '../inventory/connection-vars.js';
import { applyInventoryChanges } from './inventory-changes.js';

/** Ansible's defaults for until without retries: 3 attempts, 5 seconds apart. */
const DEFAULT_RETRIES = 3;
const DEFAULT_DELAY_S = 5;
/** How often an async job is checked when the task says no poll, as in Ansible. */
const DEFAULT_POLL_S = 15;

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

export async function runTaskOnHost(task: Task, host: HostState, ctx: TaskRunContext): Promise<HostOutcome> {
  const scope = (extra: Vars = {}) => taskScope(ctx.vars, host, task, task.loc, `task '${task.name}'`, extra);
  const what = (key: string) => ({ loc: task.loc, what: `'${key}' of task '${task.name}'` });
  let noLog = false;
  let delegatedTo: string | undefined;
  try {
    const base = scope();
    noLog = task.noLog !== undefined && isTruthy(renderValue(String(task.noLog), base, what('no_log')));
    delegatedTo = task.delegateTo !== undefined ? String(renderValue(task.delegateTo, base, what('delegate_to'))) : undefined;
    let result: ModuleResult;
    let items: ItemOutcome[] | undefined;
    const loop = task.loop === undefined ? undefined : loopItemsUnlessSkipped(task, base, what);
    if (loop === SKIPPED) {
      result = skippedResult();
    } else if (task.loop === undefined) {
      result = conditionsHold(task.when, base, what('when')) ? await runModule(task, host, base, scope, ctx, delegatedTo) : skippedResult();
    } else {
      if (!Array.isArray(loop))
        throw new UserError(`'loop' of task '${task.name}' must be a list, not ${typeof loop}.`, task.loc, 'Give a YAML list or a variable holding one.');
      const results: ModuleResult[] = [];
      items = [];
      const allItems = loop.map(toPlain);
      const pause = task.loopPause === undefined ? 0 : Number(renderValue(String(task.loopPause), base, what('loop_control.pause')));
      for (const [index, item] of allItems.entries()) {
        if (index > 0 && pause > 0) await sleep(pause * 1000);
        const loopVars = {
          [task.loopVar]: item,
          ansible_loop_var: task.loopVar,
          ...(task.indexVar ? { [task.indexVar]: index, ansible_index_var: task.indexVar } : {}),
        };
        if (task.loopExtended) loopVars.ansible_loop = extendedLoop(allItems, index, task.loopExtended === 'allitems');
        const itemScope = scope(loopVars);
        const itemResult = conditionsHold(task.when, itemScope, what('when'))
          ? await runModule(task, host, itemScope, (extra) => scope({ ...loopVars, ...extra }), ctx, delegatedTo)
          : skippedResult();
        // Facts an item sets (set_fact) are seen by the next item, as in Ansible's loop.
        if (itemResult.facts && !itemResult.failed) Object.assign(host.registered, itemResult.facts);
        const label = task.loopLabel
          ? String(renderValue(task.loopLabel, itemScope, what('loop_control.label')))
          : typeof item === 'string'
            ? item
            : JSON.stringify(item);
        const { [task.loopVar]: _item, ansible_loop_var: _loopVar, ...itemFields } = loopVars;
        results.push({ ...itemResult, ...itemFields, [task.loopVar]: item, ansible_loop_var: task.loopVar });
        items.push({ label, status: statusOf(itemResult), msg: itemResult.failed ? itemResult.msg : undefined });
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
    // delegate_facts: what the task sets is the delegated host's.
    const factsHost =
      delegatedTo !== undefined && task.delegateFacts !== undefined && isTruthy(renderValue(String(task.delegateFacts), base, what('delegate_facts')))
        ? (ctx.vars.hosts.get(delegatedTo) ?? host)
        : host;
    record(task, host, result, ctx, noLog, factsHost);
    const ignored = result.failed === true && ignoresErrors(task, base, what);
    const module = hasTemplate(task.module) ? moduleNameOf(task, base) : undefined;
    return { status: statusOf(result), ignored, result: toPlain(result) as Record<string, unknown>, msg: result.msg, items, delegatedTo, noLog, module };
  } catch (error) {
    if (error instanceof UnreachableError) {
      // ignore_unreachable: the host stays in the play, the task counted as skipped (Ansible's strategy).
      if (task.ignoreUnreachable !== undefined && isTruthy(renderValue(String(task.ignoreUnreachable), scope(), what('ignore_unreachable')))) {
        const result = { unreachable: true, changed: false, msg: error.message, skipped: true, skip_reason: `Host ${host.name} is unreachable` };
        record(task, host, result, ctx, noLog);
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
      record(task, host, result, ctx, noLog);
      return { status: 'failed', ignored, result, msg, delegatedTo, noLog };
    }
    throw error;
  }
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
export const ignoresErrors = (task: Task, scope: Vars, what: (key: string) => TemplateOrigin) =>
  task.ignoreErrors !== undefined && isTruthy(renderValue(String(task.ignoreErrors), scope, what('ignore_errors')));

/** What a task (or include) whose when is false returns, as Ansible's TaskExecutor gives it. */
export const skippedResult = (): ModuleResult => ({ changed: false, skipped: true, skip_reason: 'Conditional result was False' });

function statusOf(result: ModuleResult): HostStatus {
  if (result.failed) return 'failed';
  if (result.skipped) return 'skipped';
  return result.changed ? 'changed' : 'ok';
}

/** Register the result and set facts; a secret result is remembered so it never shows up later. */
function record(task: Task, host: HostState, result: ModuleResult, ctx: TaskRunContext, noLog: boolean, factsHost = host): void {
  if (noLog) ctx.redactor.learnAll(result);
  const facts = result.facts ?? (result.results as ModuleResult[] | undefined)?.reduce<Vars>((all, r) => Object.assign(all, r.facts ?? {}), {});
  if (facts && Object.keys(facts).length) {
    Object.assign(factsHost.registered, facts);
    ctx.redactor.learnFromVars(facts);
  }
  const included =
    result.includedVars ?? (result.results as ModuleResult[] | undefined)?.reduce<Vars>((all, r) => Object.assign(all, r.includedVars ?? {}), {});
  if (included && Object.keys(included).length) {
    Object.assign(factsHost.included, included);
    ctx.redactor.learnFromVars(included);
  }
  if (result.gatheredFacts) {
    const known = (factsHost.facts.ansible_facts ?? {}) as Vars;
    factsHost.facts = { ...factsHost.facts, ...result.gatheredFacts, ansible_facts: { ...known, ...result.gatheredFacts } };
  }
  if (task.register) {
    const { facts: _facts, includedVars: _included, gatheredFacts: _gathered, ...registered } = result;
    host.registered[task.register] = toPlain(registered);
    // Gathered facts are keyed by what the host has (a unit named systemd-ask-password-console):
    // those keys say nothing of secrets, so only the rest of the result is learned from.
    const { ansible_facts: _gatheredData, ...named } = registered;
    ctx.redactor.learnFromVars({ [task.register]: result.gatheredFacts ? named : registered });
  }
}

/** The task's module; action: "{{ ansible_facts.pkg_mgr }}" names it only when the task runs. */
const moduleNameOf = (task: Task, scope: Vars) =>
  hasTemplate(task.module)
    ? resolveModuleName(String(renderValue(task.module, scope, { loc: task.loc, what: `'action' of task '${task.name}'` })))
    : task.module;

/** One module call (with until/retries), then changed_when and failed_when. */
async function runModule(
  task: Task,
  host: HostState,
  scope: Vars,
  scopeWith: (extra: Vars) => Vars,
  ctx: TaskRunContext,
  delegatedTo: string | undefined,
): Promise<ModuleResult> {
  const what = (key: string) => ({ loc: task.loc, what: `'${key}' of task '${task.name}'` });
  const name = moduleNameOf(task, scope);
  const module = modules.get(name);
  if (!module)
    return {
      changed: false,
      failed: true,
      msg: `'${name}' is an Ansible module this runner does not have yet; the task cannot run. Its modules: ${[...modules.keys()].join(', ')}.`,
    };
  let rendered = toPlain(renderDeep(task.args, scope, what(name))) as Record<string, unknown>;
  // Arguments written as one template: it must give a mapping of them.
  if ('_raw_params' in rendered && !module.freeForm) {
    const { _raw_params: raw, ...rest } = rendered;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      return { changed: false, failed: true, msg: `the arguments of '${name}' must give a mapping, not ${JSON.stringify(raw)}` };
    rendered = { ...(raw as Record<string, unknown>), ...rest };
  }
  // set_fact's variable names may be templates too ("{{ item }}=x"), as Ansible's set_fact renders its keys.
  if (name === 'set_fact') rendered = Object.fromEntries(Object.entries(rendered).map(([key, value]) => [String(renderValue(key, scope, what(name))), value]));
  // An argument whose value is Ansible's 'omit' is left out, so the module's default applies; so is a
  // declared argument that came out None (null), which Ansible's argument checks treat as not given.
  const declared = module.args.properties;
  const given = Object.entries(rendered).filter(([key, value]) => value !== OMIT && !(value === null && key in declared));
  const named = canonicalArgs(name, Object.fromEntries(given));
  if ('problem' in named) return { changed: false, failed: true, msg: named.problem.message };
  const args = named.args;
  // Arguments known only now (templated, or of a task expected to fail) fail the task, as in Ansible.
  const problem = argumentProblem(name, args);
  if (problem) return { changed: false, failed: true, msg: problem.message };
  const check = task.checkMode !== undefined ? isTruthy(renderValue(String(task.checkMode), scope, what('check_mode'))) : ctx.vars.check;
  const become = resolveBecome(task, scope, ctx);
  const env = renderEnvironment(task, scope);
  const keyword = (value: string | undefined, key: string) => (value === undefined ? undefined : String(renderValue(value, scope, what(key))));
  const target = delegatedTo ?? host.name;
  const keywords = {
    remoteUser: keyword(task.remoteUser, 'remote_user'),
    connection: keyword(task.connection, 'connection'),
    // Connection variables a play, role, task or set_fact sets win over the inventory's; a delegated task keeps its target's own.
    vars: delegatedTo === undefined ? connectionOverrides(scope, { ansible_host: host.name, ...host.inventoryVars, ...ctx.vars.extraVars }) : undefined,
  };
  // Looked up for each command: a reboot replaces the host's connection during the task.
  const current = () => ctx.connect(target, keywords);
  const connection = await current();
  const run: ModuleContext['run'] = async (command, options = {}) => (await current()).exec(command, { ...options, become, env });
  const moduleContext: ModuleContext = {
    host: host.name,
    diff: task.diff !== undefined ? isTruthy(renderValue(String(task.diff), scope, what('diff'))) : ctx.vars.diff,
    checkMode: check,
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
    local: connection instanceof LocalConnection,
    scope,
    conditionsHold: (conditions) => conditionsHold(conditions, scope, what(name)),
  };
  const untilHolds = (result: ModuleResult) => task.until.length === 0 || conditionsHold(task.until, withResult(result), what('until'));
  const withResult = (result: ModuleResult) => (task.register ? scopeWith({ [task.register]: result }) : scopeWith({}));
  // async: seconds the job may run; poll: how often it is checked (Ansible's default, 15 s).
  const job =
    task.async === undefined
      ? undefined
      : {
          seconds: Number(renderValue(String(task.async), scope, what('async'))),
          poll: Number(renderValue(String(task.poll ?? DEFAULT_POLL_S), scope, what('poll'))),
        };
  // Ansible's attempts: 3 without retries, retries + 1 with them (at least 1); delay at least 0.
  const retries = task.retries === undefined ? undefined : Number(renderValue(String(task.retries), scope, what('retries')));
  const attempts = task.until.length ? (retries === undefined ? DEFAULT_RETRIES : retries <= 0 ? 1 : retries + 1) : 1;
  const delay = Math.max(0, Number(renderValue(String(task.delay ?? DEFAULT_DELAY_S), scope, what('delay'))));
  let result: ModuleResult = { changed: false };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    result = await callModule(module, args, moduleContext, { check, run, reconnect: () => ctx.reconnect(target, keywords) }, job);
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

/** The environment of every level, each rendered (a template must give a mapping), later levels winning. */
function renderEnvironment(task: Task, scope: Vars): Record<string, string> {
  const origin = { loc: task.loc, what: `'environment' of task '${task.name}'` };
  const env: Record<string, string> = {};
  for (const layer of task.environment) {
    const rendered = toPlain(renderDeep(layer, scope, origin));
    if (rendered === null || typeof rendered !== 'object' || Array.isArray(rendered))
      throw new UserError(
        `'environment' of task '${task.name}' must give a mapping of variables, not ${JSON.stringify(rendered)}.`,
        task.loc,
        'Give NAME: value pairs, or a variable holding them.',
      );
    // Python's text of each value, as Ansible writes it into the command's environment (True, not true).
    for (const [key, value] of Object.entries(rendered)) env[key] = pythonStr(value);
  }
  return env;
}

function resolveBecome(task: Task, scope: Vars, ctx: TaskRunContext): Become | undefined {
  const origin = { loc: task.loc, what: `'become' of task '${task.name}'` };
  // The keywords first, then the variables (inventory, play, task vars...), as Ansible resolves them.
  const flag = task.become ?? scope.ansible_become;
  if (flag === undefined || !isTruthy(renderValue(String(flag), scope, origin))) return undefined;
  const user = String(renderValue(String(task.becomeUser ?? scope.ansible_become_user ?? 'root'), scope, origin));
  const password = scope.ansible_become_password !== undefined ? String(renderValue(String(scope.ansible_become_password), scope, origin)) : ctx.becomePassword;
  return { user, password };
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
