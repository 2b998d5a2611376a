import { isTruthy, pythonStr } from '../jinja/python.js';
import { OMIT } from '../jinja/globals.js';
import { hasTemplate, renderDeep, renderValue, type TemplateOrigin } from '../jinja/templar.js';
import { UndefinedVariableError, UserError } from '../errors.js';
import type { Become, ConnectionKeywords } from '../connection/connection.js';
import { connectionOverrides } from '../inventory/connection-vars.js';
import { argumentProblem, canonicalArgs } from '../modules/arguments.js';
import type { ModuleDeclaration, ModuleResult } from '../modules/module.js';
import { modules, resolveModuleName } from '../modules/registry.js';
import type { Task } from '../playbook/model.js';
import type { Vars } from '../vars/vars.js';
import { toPlain } from '../vars/scope.js';
import type { HostState } from './host.js';

/** Ansible's defaults for until without retries: 3 attempts, 5 seconds apart. */
const DEFAULT_RETRIES = 3;
const DEFAULT_DELAY_S = 5;
/** How often an async job is checked when the task says no poll, as in Ansible. */
const DEFAULT_POLL_S = 15;

/**
 * A task as it runs on one host for one loop item: every keyword templated once, in its type, and
 * the module's arguments rendered and checked. What the task runner needs, and nothing it must
 * template again.
 */
export interface ResolvedTask {
  module: ModuleDeclaration;
  /** Templated, 'omit' left out, aliases resolved, checked against the module's schema. */
  args: Record<string, unknown>;
  /** The host delegate_to names, if any: the module runs there. */
  delegateTo?: string;
  /** delegate_facts: what the task sets is the delegated host's. */
  delegateFacts: boolean;
  checkMode: boolean;
  diff: boolean;
  become?: Become;
  /** The environment of every level, Python's text of each value (True, not true), as Ansible writes it. */
  environment: Record<string, string>;
  connection: ConnectionKeywords;
  /** until: how many attempts and how many seconds apart. */
  attempts: number;
  delay: number;
  /** async: the seconds the job may run, and how often it is checked. */
  job?: { seconds: number; poll: number };
}

/** What resolving needs besides the task's scope: the run's defaults. */
export interface ResolveDefaults {
  check: boolean;
  diff: boolean;
  becomePassword?: string;
  extraVars: Vars;
}

/** The host the task's delegate_to names in this scope, if any: resolved first, as the delegated host's variables join the scope. */
export const delegateTarget = (task: Task, scope: Vars): string | undefined =>
  task.delegateTo === undefined
    ? undefined
    : String(renderValue(String(task.delegateTo), scope, { loc: task.loc, what: `'delegate_to' of task '${task.name}'` }));

/** The task resolved for this scope (delegated to `delegateTo`), or the failed result Ansible gives when its module or arguments are wrong. */
export function resolveTask(
  task: Task,
  host: HostState,
  scope: Vars,
  delegateTo: string | undefined,
  defaults: ResolveDefaults,
): ResolvedTask | { failed: ModuleResult } {
  const origin = (key: string): TemplateOrigin => ({ loc: task.loc, what: `'${key}' of task '${task.name}'` });
  const text = (value: unknown, key: string) => String(renderValue(String(value), scope, origin(key)));
  // A keyword rendered to omit is not given, as in Ansible: the play's (or run's) setting holds.
  const flag = (value: boolean | string | undefined, key: string, otherwise: boolean) => {
    const rendered = value === undefined ? OMIT : renderValue(String(value), scope, origin(key));
    return rendered === OMIT ? otherwise : isTruthy(rendered);
  };
  const number = (value: number | string | undefined, key: string, otherwise: number) => (value === undefined ? otherwise : Number(text(value, key)));
  const name = moduleName(task, scope);
  const module = modules.get(name);
  const failed = (msg: string) => ({ failed: { changed: false, failed: true, msg } });
  if (!module)
    return failed(`'${name}' is an Ansible module this runner does not have yet; the task cannot run. Its modules: ${[...modules.keys()].join(', ')}.`);
  const args = moduleArgs(task, module, scope, origin(name));
  if ('problem' in args) return failed(args.problem);
  // Ansible's attempts: 3 without retries, retries + 1 with them (at least 1); delay at least 0.
  const retries = task.retries === undefined ? undefined : number(task.retries, 'retries', 0);
  return {
    module,
    args: args.args,
    delegateTo,
    delegateFacts: delegateTo !== undefined && flag(task.delegateFacts, 'delegate_facts', false),
    checkMode: flag(task.checkMode, 'check_mode', defaults.check),
    diff: flag(task.diff, 'diff', defaults.diff),
    become: become(task, scope, defaults.becomePassword, origin('become')),
    environment: environment(task, scope),
    connection: {
      remoteUser: task.remoteUser === undefined ? undefined : text(task.remoteUser, 'remote_user'),
      connection: task.connection === undefined ? undefined : text(task.connection, 'connection'),
      // Connection variables a play, role, task or set_fact sets win over the inventory's; a delegated task keeps its target's own.
      vars: delegateTo === undefined ? connectionOverrides(scope, { ansible_host: host.name, ...host.inventoryVars, ...defaults.extraVars }) : undefined,
    },
    attempts: task.until.length ? (retries === undefined ? DEFAULT_RETRIES : retries <= 0 ? 1 : retries + 1) : 1,
    delay: Math.max(0, number(task.delay, 'delay', DEFAULT_DELAY_S)),
    job: task.async === undefined ? undefined : { seconds: number(task.async, 'async', 0), poll: number(task.poll, 'poll', DEFAULT_POLL_S) },
  };
}

/** The task's module; action: "{{ ansible_facts.pkg_mgr }}" names it only when the task runs. */
export const moduleName = (task: Task, scope: Vars) =>
  hasTemplate(task.module)
    ? resolveModuleName(String(renderValue(task.module, scope, { loc: task.loc, what: `'action' of task '${task.name}'` })))
    : task.module;

/** The module's arguments for this scope, as its plan takes them, or what is wrong with them (Ansible's argument checks, at run time). */
function moduleArgs(task: Task, module: ModuleDeclaration, scope: Vars, origin: TemplateOrigin): { args: Record<string, unknown> } | { problem: string } {
  const name = module.name;
  let rendered = toPlain(renderDeep(task.args, scope, origin)) as Record<string, unknown>;
  // Arguments written as one template: it must give a mapping of them.
  if ('_raw_params' in rendered && !module.freeForm) {
    const { _raw_params: raw, ...rest } = rendered;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      return { problem: `the arguments of '${name}' must give a mapping, not ${JSON.stringify(raw)}` };
    rendered = { ...(raw as Record<string, unknown>), ...rest };
  }
  // set_fact's variable names may be templates too ("{{ item }}=x"), as Ansible's set_fact renders its keys.
  if (name === 'set_fact') rendered = Object.fromEntries(Object.entries(rendered).map(([key, value]) => [String(renderValue(key, scope, origin)), value]));
  // An argument whose value is Ansible's 'omit' is left out, so the module's default applies; so is a
  // declared argument that came out None (null), which Ansible's argument checks treat as not given.
  const declared = module.args.properties;
  const given = Object.entries(rendered).filter(([key, value]) => value !== OMIT && !(value === null && key in declared));
  const named = canonicalArgs(name, Object.fromEntries(given));
  if ('problem' in named) return { problem: named.problem.message };
  const problem = argumentProblem(name, named.args);
  return problem ? { problem: problem.message } : { args: named.args };
}

/** The environment of every level, each rendered (a template must give a mapping), later levels winning. */
function environment(task: Task, scope: Vars): Record<string, string> {
  const origin = { loc: task.loc, what: `'environment' of task '${task.name}'` };
  const env: Record<string, string> = {};
  for (const layer of task.environment) {
    const rendered = typeof layer !== 'string' ? renderEnvironmentMapping(layer, scope, origin) : toPlain(renderDeep(layer, scope, origin));
    if (rendered === null || typeof rendered !== 'object' || Array.isArray(rendered))
      throw new UserError(
        `'environment' of task '${task.name}' must give a mapping of variables, not ${JSON.stringify(rendered)}.`,
        task.loc,
        'Give NAME: value pairs, or a variable holding them.',
      );
    for (const [key, value] of Object.entries(rendered)) env[key] = pythonStr(value);
  }
  return env;
}

/**
 * Each variable of an environment mapping rendered on its own. As in Ansible (Task._post_validate_environment),
 * one that needs the ansible_env facts before they are gathered is left out rather than failing the task.
 */
function renderEnvironmentMapping(layer: Record<string, unknown>, scope: Vars, origin: TemplateOrigin): Record<string, unknown> {
  const env: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(layer)) {
    try {
      env[key] = toPlain(renderDeep(value, scope, { ...origin, what: `${origin.what}.${key}` }));
    } catch (error) {
      if (!(error instanceof UndefinedVariableError && /^(ansible_env|ansible_facts\.env)\b/.test(error.variable))) throw error;
    }
  }
  return env;
}

/** become: the keywords first, then the variables (inventory, play, task vars...), as Ansible resolves them. */
function become(task: Task, scope: Vars, becomePassword: string | undefined, origin: TemplateOrigin): Become | undefined {
  const flag = task.become ?? scope.ansible_become;
  if (flag === undefined || !isTruthy(renderValue(String(flag), scope, origin))) return undefined;
  const user = String(renderValue(String(task.becomeUser ?? scope.ansible_become_user ?? 'root'), scope, origin));
  const password = scope.ansible_become_password !== undefined ? String(renderValue(String(scope.ansible_become_password), scope, origin)) : becomePassword;
  return { user, password };
}
