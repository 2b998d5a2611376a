import { existsSync } from 'node:fs';
import { checkTemplateSyntax, hasTemplate, parseExpression } from '../jinja/templar.js';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { describeUserError, UserError, type SourceLocation } from '../errors.js';
import { argumentAliases, argumentProblem, canonicalArgs } from '../modules/arguments.js';
import type { ModuleDeclaration } from '../modules/module.js';
import { ANSIBLE_BUILTIN_MODULES } from '../modules/ansible-builtins.js';
import { ENGINE_ACTIONS, modules, resolveModuleName } from '../modules/registry.js';
import { lookupName, lookups } from '../jinja/lookups.js';
import playbookSchema from '../schema/playbook.schema.json' with { type: 'json' };
import { didYouMean, validateAgainstSchema } from '../schema/validate.js';
import { loadYamlFileSync, type PathSegment, type SourceDoc } from '../yaml/source.js';
import type { Block, Condition, Inherited, Item, Task } from './model.js';
import type { Vars } from '../vars/vars.js';

const KEYWORDS = new Set(Object.keys(playbookSchema.$defs.task.properties));
/** Is this key one of Ansible's task (and role) keywords, not a module or a role parameter? */
export const isKeyword = (key: string) => KEYWORDS.has(key);
const MODULE_NAMES = [...modules.keys(), ...ENGINE_ACTIONS];
const META_ACTIONS = [
  'flush_handlers',
  'noop',
  'end_play',
  'end_host',
  'end_batch',
  'clear_facts',
  'clear_host_errors',
  'refresh_inventory',
  'reset_connection',
  'role_complete',
];

let nextId = 1;

/** Where task items are read from: a file and the path of the list inside it. */
export interface TaskSource {
  source: SourceDoc;
  path: PathSegment[];
}

export const list = <T>(value: T | T[] | undefined | null): T[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

/** Normalize a YAML task list into plan items, each carrying what it inherits and where it was written. */
export function loadItems(raw: unknown, from: TaskSource, inherited: Inherited): Item[] {
  return list(raw as unknown[]).map((entry, index) =>
    loadItem(entry as Record<string, unknown>, { source: from.source, path: [...from.path, index] }, inherited),
  );
}

/** vars as Ansible takes them: a mapping, or a list of mappings merged in order. */
export const varsOf = (raw: unknown): Vars => (Array.isArray(raw) ? Object.assign({}, ...raw) : ((raw as Vars | undefined) ?? {}));

/** The keywords of a play, block, role or task over what it inherits. */
export function inherit(parent: Inherited, raw: Record<string, unknown>): Inherited {
  return {
    when: [...parent.when, ...list(raw.when as Condition | Condition[])],
    tags: [...new Set([...parent.tags, ...list(raw.tags as string | string[]).map(String)])],
    become: (raw.become as boolean | string | undefined) ?? parent.become,
    becomeUser: (raw.become_user as string | undefined) ?? parent.becomeUser,
    remoteUser: (raw.remote_user as string | undefined) ?? parent.remoteUser,
    connection: (raw.connection as string | undefined) ?? parent.connection,
    delegateTo: (raw.delegate_to as string | undefined) ?? parent.delegateTo,
    delegateFacts: (raw.delegate_facts as boolean | string | undefined) ?? parent.delegateFacts,
    environment: raw.environment === undefined ? parent.environment : [...parent.environment, raw.environment as Record<string, unknown> | string],
    vars: { ...parent.vars, ...varsOf(raw.vars) },
    noLog: (raw.no_log as boolean | string | undefined) ?? parent.noLog,
    ignoreErrors: (raw.ignore_errors as boolean | string | undefined) ?? parent.ignoreErrors,
    anyErrorsFatal: (raw.any_errors_fatal as boolean | string | undefined) ?? parent.anyErrorsFatal,
    checkMode: (raw.check_mode as boolean | string | undefined) ?? parent.checkMode,
    diff: (raw.diff as boolean | string | undefined) ?? parent.diff,
    runOnce: (raw.run_once as boolean | string | undefined) ?? parent.runOnce,
    ignoreUnreachable: (raw.ignore_unreachable as boolean | string | undefined) ?? parent.ignoreUnreachable,
    notify: raw.notify === undefined ? parent.notify : list(raw.notify as string | string[]),
    listen: [...(parent.listen ?? []), ...list(raw.listen as string | string[])],
    rescued: parent.rescued,
    moduleDefaults: mergeDefaults(parent.moduleDefaults, raw.module_defaults as Inherited['moduleDefaults']),
    role: parent.role,
  };
}

/** A module's defaults; service runs systemd's module on systemd hosts, so systemd's defaults apply to it too, as in Ansible. */
function moduleDefaultsFor(module: string, defaults: Inherited['moduleDefaults']): Record<string, unknown> | undefined {
  if (module !== 'service' || !defaults?.systemd) return defaults?.[module];
  return { ...defaults.systemd, ...defaults.service };
}

/** module_defaults nearer the task win, argument by argument; module names are taken without their collection. */
export function mergeDefaults(outer: Inherited['moduleDefaults'], inner: Inherited['moduleDefaults']): Inherited['moduleDefaults'] {
  if (!inner) return outer;
  const merged = { ...outer };
  for (const [name, args] of Object.entries(inner)) {
    const module = resolveModuleName(name);
    merged[module] = { ...merged[module], ...args };
  }
  return merged;
}

function loadItem(raw: Record<string, unknown>, at: TaskSource, parent: Inherited): Item {
  const loc = at.source.locate(at.path);
  const inherited = inherit(parent, raw);
  const origin = (key: string) => ({ loc: at.source.locate([...at.path, key]), what: `'${key}'` });
  for (const key of ['when', 'changed_when', 'failed_when', 'until']) {
    for (const condition of list(raw[key] as Condition | Condition[])) {
      if (typeof condition !== 'string') continue;
      if (hasTemplate(condition)) checkTemplateSyntax(condition, origin(key));
      else parseExpression(condition, origin(key));
    }
  }
  if ('block' in raw) {
    const extra = Object.keys(raw).filter((key) => !KEYWORDS.has(key));
    if (extra.length)
      throw new UserError(
        `a block cannot also run the module '${extra[0]}'.`,
        at.source.locate([...at.path, extra[0]]),
        'Move the module into a task inside the block.',
      );
    const child = (key: string) =>
      loadItems(raw[key], { source: at.source, path: [...at.path, key] }, key === 'block' && raw.rescue ? { ...inherited, rescued: true } : inherited);
    const block: Block = {
      ...inherited,
      kind: 'block',
      name: raw.name as string | undefined,
      block: child('block'),
      rescue: child('rescue'),
      always: child('always'),
      loc,
    };
    return block;
  }
  for (const key of ['rescue', 'always']) {
    if (key in raw)
      throw new UserError(
        `'${key}' belongs to a block, and this task has no 'block:'.`,
        at.source.locate([...at.path, key]),
        "Put the tasks under 'block:' or remove it.",
      );
  }
  // local_action: the module runs on the controller, as a task delegated to localhost.
  if ('local_action' in raw) {
    const { local_action: action, ...rest } = raw;
    raw = { ...rest, action, delegate_to: 'localhost' };
  }
  if ('action' in raw) raw = fromActionKeyword(raw);
  const include = TASK_FILE_KEYS.find((key) => key in raw);
  if (include) return loadTaskFile(raw, include, at, inherited);
  const roleKey = ROLE_KEYS.find((key) => key in raw);
  if (roleKey) return loadRoleImport(raw, roleKey, at, inherited);
  const moduleKeys = Object.keys(raw).filter((key) => !KEYWORDS.has(key) && !key.startsWith('with_'));
  if (moduleKeys.length === 0) {
    throw new UserError('this task names no module.', loc, `Add one module key, for example 'command:' or 'copy:' (known: ${MODULE_NAMES.join(', ')}).`);
  }
  if (moduleKeys.length > 1) {
    const unknown = moduleKeys.find((key) => !MODULE_NAMES.includes(resolveModuleName(key))) ?? moduleKeys[1];
    const known = MODULE_NAMES.includes(resolveModuleName(unknown));
    throw new UserError(
      known ? `this task names two modules, '${moduleKeys[0]}' and '${moduleKeys[1]}'.` : `'${unknown}' is neither a task keyword nor a module.`,
      at.source.locate([...at.path, unknown]),
      known ? 'Split it into two tasks.' : `Fix its spelling or remove it.${didYouMean(unknown, [...KEYWORDS, ...MODULE_NAMES])}`,
    );
  }
  const moduleKey = moduleKeys[0];
  const module = resolveModuleName(moduleKey);
  // An Ansible module this runner lacks, or a collection's (namespace.collection.module), fails its
  // task when it runs (runTaskOnHost), not the load: content guards such tasks with a when.
  // A module named by a template (action: "{{ ansible_facts.pkg_mgr }}") is known only when the task runs.
  const lacking =
    !MODULE_NAMES.includes(module) &&
    (ANSIBLE_BUILTIN_MODULES.has(module) || COLLECTION_MODULE.test(module) || hasTemplate(module) || inLibrary(module, at.source.file));
  if (!MODULE_NAMES.includes(module) && !lacking) {
    throw new UserError(
      `unknown module '${moduleKey}'.`,
      at.source.locate([...at.path, moduleKey]),
      `Fix its name.${didYouMean(module, MODULE_NAMES)} Known modules: ${MODULE_NAMES.join(', ')}.`,
    );
  }
  // A task its author expects to fail may fail on its arguments too, at run time, as in Ansible.
  const expectsFailure = inherited.rescued === true || [true, 'yes', 'true', 'True'].includes(inherited.ignoreErrors as string);
  const args = lacking
    ? { ...((raw.args as Record<string, unknown> | undefined) ?? {}), ...((raw[moduleKey] ?? {}) as Record<string, unknown>) }
    : moduleArgs(
        module,
        raw[moduleKey],
        raw.args as Record<string, unknown> | undefined,
        { source: at.source, path: [...at.path, moduleKey] },
        expectsFailure,
        moduleDefaultsFor(module, inherited.moduleDefaults),
      );

  if ('async' in raw && module !== 'command' && module !== 'shell')
    throw new UserError(
      `async runs command and shell in the background here, not '${moduleKey}'.`,
      at.source.locate([...at.path, 'async']),
      'Remove async (the task then runs in the foreground), or do the work with command or shell.',
    );
  const task: Task = {
    ...inherited,
    kind: 'task',
    id: nextId++,
    name: (raw.name as string | undefined) ?? module,
    module,
    args,
    ...loopOf(raw, at),
    ...loopControlOf(raw),
    register: raw.register as string | undefined,
    until: list(raw.until as Condition | Condition[]),
    retries: raw.retries as number | string | undefined,
    delay: raw.delay as number | string | undefined,
    changedWhen: 'changed_when' in raw ? list(raw.changed_when as Condition | Condition[]) : undefined,
    failedWhen: 'failed_when' in raw ? list(raw.failed_when as Condition | Condition[]) : undefined,
    notify: inherited.notify ?? [],
    listen: inherited.listen ?? [],
    delegateTo: (raw.delegate_to as string | undefined) ?? inherited.delegateTo,
    async: raw.async as number | string | undefined,
    poll: raw.poll as number | string | undefined,
    loc,
  };
  // A broken template stops the load, unless the task expects failures: then it fails when it runs, as in Ansible.
  if (!expectsFailure) checkTemplates(task, at);
  return task;
}

/** loop_control: the item's name, the index's, the label, and extended's ansible_loop. */
function loopControlOf(raw: Record<string, unknown>): Pick<Task, 'loopVar' | 'indexVar' | 'loopExtended' | 'loopLabel' | 'loopPause'> {
  const control = (raw.loop_control ?? {}) as {
    loop_var?: string;
    index_var?: string;
    label?: string;
    extended?: boolean;
    extended_allitems?: boolean;
    pause?: number | string;
  };
  return {
    loopVar: control.loop_var ?? 'item',
    indexVar: control.index_var,
    loopExtended: control.extended ? (control.extended_allitems === false ? 'yes' : 'allitems') : undefined,
    loopLabel: control.label,
    loopPause: control.pause,
  };
}

/**
 * Ansible's older spelling, `action: slurp src=/x` or `action: {module: slurp, src: /x}`, as the
 * module key it stands for (the rest of a string is the module's free-form or key=value arguments).
 */
function fromActionKeyword(raw: Record<string, unknown>): Record<string, unknown> {
  const { action, ...rest } = raw;
  if (typeof action === 'string') {
    // The module may be a template ('{{ ansible_facts.pkg_mgr }}'), spaces and all.
    const [, module, args] = /^\s*(\{\{.*?\}\}|\S+)\s*(.*)$/s.exec(action) ?? [];
    return { ...rest, [module]: args === '' ? null : args };
  }
  const { module, ...args } = action as { module: string };
  return { ...rest, [module]: args };
}

/** A task's loop: `loop`, or a `with_<lookup>` keyword whose lookup the runner has. */
function loopOf(raw: Record<string, unknown>, at: TaskSource): Pick<Task, 'loop' | 'loopLookup'> {
  const withKeys = Object.keys(raw).filter((key) => key.startsWith('with_'));
  const keys = [...('loop' in raw ? ['loop'] : []), ...withKeys];
  if (keys.length > 1) throw new UserError(`this task has two loops, '${keys[0]}' and '${keys[1]}'.`, at.source.locate([...at.path, keys[1]]), 'Keep one.');
  if (withKeys.length === 0) return { loop: raw.loop };
  const lookup = lookupName(withKeys[0].slice('with_'.length));
  if (!Object.hasOwn(lookups, lookup))
    throw new UserError(
      `'${withKeys[0]}' names the lookup '${lookup}', which this runner does not have.`,
      at.source.locate([...at.path, withKeys[0]]),
      `Use 'loop:' with a list, or one of: ${Object.keys(lookups)
        .map((name) => `with_${name}`)
        .join(', ')}.`,
    );
  return { loop: raw[withKeys[0]], loopLookup: lookup };
}

/** Keys that bring in a task file (Ansible's import_tasks and include_tasks). */
const TASK_FILE_KEYS = ['import_tasks', 'include_tasks', 'ansible.builtin.import_tasks', 'ansible.builtin.include_tasks'];
/** The task files being read, to refuse one that brings itself in. */
const reading: string[] = [];

/**
 * A task file brought in by import_tasks or include_tasks, read now (before any host is touched),
 * as a block: its tasks inherit the when, tags, vars and become written beside it. The file is
 * found beside the file that names it (a role's tasks/, or the playbook's directory).
 */
function loadTaskFile(raw: Record<string, unknown>, key: string, at: TaskSource, inherited: Inherited): Item {
  const value = raw[key];
  // include_tasks' apply: keywords given to every task of the file (environment, tags, become, ...).
  const apply = typeof value === 'object' && value !== null ? (value as { apply?: Record<string, unknown> }).apply : undefined;
  if (apply) inherited = inherit(inherited, apply);
  // 'include_tasks: file=x.yml' is the key=value spelling of the file name.
  const named =
    typeof value === 'object' && value !== null ? (value as { file?: unknown }).file : typeof value === 'string' ? value.replace(/^\s*file=/, '') : value;
  const loc = at.source.locate([...at.path, key]);
  if (typeof named !== 'string' || named.trim() === '') throw new UserError(`'${key}' needs a file name.`, loc, `Write '${key}: other-tasks.yaml'.`);
  const looped = 'loop' in raw || Object.keys(raw).some((k) => k.startsWith('with_'));
  if (looped && key.endsWith('import_tasks'))
    throw new UserError(`'${key}' cannot loop: it is read before the run.`, loc, 'Use include_tasks, which runs the file once per item.');
  const name = (raw.name as string | undefined) ?? `${key} ${named}`;
  checkTemplateSyntax(named, { loc, what: `'${key}'` });
  // Known only on the host, or once per item: read when the run reaches it, from beside this file.
  const dynamic = (): Task => ({
    ...inherited,
    kind: 'task',
    id: nextId++,
    name,
    module: 'include_tasks',
    args: { file: named, beside: dirname(at.source.file) },
    ...loopOf(raw, at),
    ...loopControlOf(raw),
    until: [],
    notify: [],
    listen: [],
    loc,
  });
  if (hasTemplate(named)) return dynamic();
  // A file named as it is is read now; an import becomes part of the plan, an include still runs when reached (per item).
  try {
    const block = loadTaskFileItems(isAbsolute(named) ? named : join(dirname(at.source.file), named), inherited, loc);
    return looped ? dynamic() : { ...inherited, kind: 'block', name, block, rescue: [], always: [], loc };
  } catch (error) {
    // import_tasks is part of the plan: its problem stops the load. include_tasks is read when the run
    // reaches it, as in Ansible (often under a when that is false here): its problem is shown now and
    // fails the hosts that reach it.
    if (!(error instanceof UserError) || key.endsWith('import_tasks')) throw error;
    loadWarnings?.push(`${describeUserError(error)} (from include_tasks at ${loc.file}:${loc.line}: the hosts that reach it fail)`);
    return dynamic();
  }
}

/** A custom module in a library/ folder beside the task file or its role (Ansible runs it; this runner cannot, and says so when the task runs). */
function inLibrary(module: string, file: string): boolean {
  const dirs = ['library', 'action_plugins'].flatMap((kind) => [join(dirname(file), kind), join(dirname(file), '..', kind)]);
  return dirs.some((dir) => ['', '.py', '.sh', '.ps1'].some((extension) => existsSync(join(dir, `${module}${extension}`))));
}

/** A module named by its collection, as Ansible's FQCNs are: community.general.pacman. */
const COLLECTION_MODULE = /^[A-Za-z0-9_]+\.[A-Za-z0-9_]+\.[A-Za-z0-9_]+$/;

/** Keys that bring in a role among tasks (Ansible's import_role and include_role). */
const ROLE_KEYS = ['import_role', 'include_role', 'ansible.builtin.import_role', 'ansible.builtin.include_role'];

/** Loads a role for import_role/include_role (the playbook loader's, for the play being read); its tasks inherit what is given. */
export type RoleImporter = (
  role: string,
  parts: { tasksFrom?: string; varsFrom?: string; defaultsFrom?: string; handlersFrom?: string; public?: boolean },
  inherited: Inherited,
  loc: SourceLocation,
) => { tasks: Item[]; handlers: Task[] };

/** An include_role whose role is named by a template: the role is read when the run reaches it, by name. */
export type RoleLoad = (role: string) => { tasks: Item[]; handlers: Task[] };

let roleImporter: RoleImporter | undefined;

/** The play being loaded sets how its import_role tasks find roles. */
export function setRoleImporter(importer: RoleImporter | undefined): void {
  roleImporter = importer;
}

/**
 * import_role and include_role: the role's tasks (tasks_from, or main) become a block where the task
 * stands, with the role's defaults and vars, its handlers joining the play's, read before any host is
 * touched. include_role is taken the same way: its when, tags and vars apply to every task of the role
 * (Ansible judges an include_role's when once, at the include). A looped include_role is read now too
 * and runs once per item when the run reaches it; one whose name is a template is read then, per
 * host and item, its handlers joining the play's.
 */
function loadRoleImport(raw: Record<string, unknown>, key: string, at: TaskSource, inherited: Inherited): Item {
  const loc = at.source.locate([...at.path, key]);
  const value = raw[key];
  const spec = (typeof value === 'string' ? keyValueArgs(value, key, loc) : (value ?? {})) as Record<string, unknown>;
  const name = spec.name ?? spec.role;
  if (typeof name !== 'string' || name.trim() === '') throw new UserError(`'${key}' needs the role's name.`, loc, `Write '${key}: { name: my-role }'.`);
  // A templated name (Ansible resolves an import's from the play's variables) is read when the run reaches it.
  const templated = hasTemplate(name);
  if (templated) checkTemplateSyntax(name, { loc, what: `'${key}'` });
  const looped = 'loop' in raw || Object.keys(raw).some((k) => k.startsWith('with_'));
  if (looped && key.endsWith('import_role'))
    throw new UserError(`'${key}' cannot loop: it is read before the run.`, loc, 'Use include_role, which runs the role once per item.');
  if (!roleImporter) throw new UserError(`'${key}' can be used in a play's tasks.`, loc, 'Move it into a play.');
  const importer = roleImporter;
  const apply = spec.apply as Record<string, unknown> | undefined;
  // A part given as '{{ omit }}' is not given.
  const given = (part: string) =>
    typeof spec[`${part}_from`] === 'string' && !/^\{\{\s*omit\s*\}\}$/.test(spec[`${part}_from`] as string) ? (spec[`${part}_from`] as string) : undefined;
  const from = (part: string) => given(part)?.replace(/\.ya?ml$/, '');
  const load: RoleLoad = (role) =>
    importer(
      role,
      {
        tasksFrom: from('tasks'),
        varsFrom: from('vars'),
        defaultsFrom: from('defaults'),
        handlersFrom: from('handlers'),
        public: key.endsWith('import_role') || [true, 'yes', 'true', 'True'].includes(spec.public as string),
      },
      apply ? inherit(inherited, apply) : inherited,
      loc,
    );
  const title = (raw.name as string | undefined) ?? `${key} ${name}`;
  const block = templated ? [] : load(name).tasks;
  if (!looped && !templated) return { ...inherited, kind: 'block', name: title, block, rescue: [], always: [], loc };
  // Run when the run reaches it, once per item whose when holds (the loop variable bound in the
  // role's tasks); a templated name is read then too.
  return {
    ...inherited,
    when: inherited.when,
    kind: 'task',
    id: nextId++,
    name: title,
    module: 'include_tasks',
    args: templated ? { role: name, load } : { role: name, items: block },
    ...loopOf(raw, at),
    ...loopControlOf(raw),
    until: [],
    notify: [],
    listen: [],
    loc,
  };
}

/** A looped include_role's tasks for one item: copies with new ids, the loop variables among each task's vars. */
export function withItemVars(items: Item[], vars: Vars): Item[] {
  return items.map((item) =>
    item.kind === 'task'
      ? { ...item, id: nextId++, vars: { ...item.vars, ...vars } }
      : {
          ...item,
          vars: { ...item.vars, ...vars },
          block: withItemVars(item.block, vars),
          rescue: withItemVars(item.rescue, vars),
          always: withItemVars(item.always, vars),
        },
  );
}

/** Problems of include_tasks files found while loading, collected for the playbook (undefined outside a load). */
let loadWarnings: string[] | undefined;

/**
 * Where load warnings go from now on: the list fills while the (synchronous) task loading runs. Set
 * again after every await, since another playbook may be loading in the same process.
 */
export function collectLoadWarnings(into: string[]): void {
  loadWarnings = into;
}

/** The tasks of a task file, checked as a playbook's are; a file that brings itself in is refused. */
export function loadTaskFileItems(file: string, inherited: Inherited, loc: SourceLocation): Item[] {
  if (reading.includes(file))
    throw new UserError(`${file} brings itself in (${[...reading, file].map((f) => basename(f)).join(' -> ')}).`, loc, 'Remove the circular import.');
  const source = loadYamlFileSync(file, 'task', { at: loc, hint: 'Check the file name; it is looked up beside this file.' });
  validateAgainstSchema('tasks', source, 'task');
  reading.push(file);
  try {
    return loadItems(source.value, { source, path: [] }, inherited);
  } finally {
    reading.pop();
  }
}

/** Module arguments as a mapping: free-form strings and Ansible's 'k=v' strings are accepted. */
function moduleArgs(
  module: string,
  value: unknown,
  extra: Record<string, unknown> | undefined,
  at: TaskSource,
  lenient = false,
  defaults: Record<string, unknown> = {},
): Record<string, unknown> {
  const loc = at.source.locate(at.path);
  if (module === 'meta') {
    if (typeof value !== 'string' || !META_ACTIONS.includes(value)) {
      throw new UserError(`meta: '${String(value)}' is not a meta action.`, loc, `Use one of: ${META_ACTIONS.join(', ')}.`);
    }
    return { action: value };
  }
  const definition = modules.get(module)!;
  let args: Record<string, unknown>;
  if (value === null || value === undefined) args = {};
  else if (typeof value === 'string' && definition.freeForm) args = freeFormArgs(value, definition);
  // The whole arguments as one template ('add_host: "{{ host_spec }}"'): a mapping known when the task runs.
  else if (typeof value === 'string' && /^\s*\{\{[\s\S]*\}\}\s*$/.test(value) && !KEY_VALUE.test(value)) args = { _raw_params: value };
  else if (typeof value === 'string') args = keyValueArgs(value, module, loc);
  else if (typeof value === 'object' && !Array.isArray(value)) args = { ...(value as Record<string, unknown>) };
  else
    throw new UserError(
      `the arguments of '${module}' must be a mapping, not ${Array.isArray(value) ? 'a list' : typeof value}.`,
      loc,
      `Write them as "${module}:" followed by indented "key: value" lines.`,
    );
  Object.assign(args, extra ?? {});
  // module_defaults fill in what the task does not say (under any of an argument's names).
  const given = canonicalArgs(module, args);
  const fromDefaults = canonicalArgs(module, defaults);
  const named = 'problem' in given || 'problem' in fromDefaults ? given : canonicalArgs(module, { ...fromDefaults.args, ...given.args });
  if (lenient) return 'problem' in named ? args : named.args;
  if ('problem' in named) throw new UserError(named.problem.message, at.source.locate([...at.path, named.problem.key]), 'Remove one of them.');
  validateLiteralArgs(module, named.args, at);
  return named.args;
}

// One "key=value" word: the value is quoted text, {{ templates }} (spaces and all) and other
// characters up to a space, as Ansible's parse_kv reads it. The key may be a template too
// (set_fact: "{{ item }}=x" names its variable per item).
const KEY_VALUE = /^\s*((?:[A-Za-z_][A-Za-z0-9_]*|\{\{.*?\}\})+)=((?:"[^"]*"|'[^']*'|\{\{.*?\}\}|[^\s"'])*)(?=\s|$)/;

/** Python's escapes that Ansible's parse_kv decodes in a key=value word ('\\t', '\\x41', '\\b', ...). */
const KV_ESCAPE = /\\U[0-9a-fA-F]{8}|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\[\\'"abfnrtv]/g;
const KV_SIMPLE: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** A key=value word's value as Ansible reads it: escapes decoded, then the quotes around it taken off. */
function keyValueText(written: string): string {
  const value = written.replace(KV_ESCAPE, (escape) => KV_SIMPLE[escape[1]] ?? String.fromCodePoint(parseInt(escape.slice(2), 16)));
  return /^(["']).*\1$/s.test(value) ? value.slice(1, -1) : value;
}

/** Leading key=value words the predicate accepts, and the text after them. */
function leadingKeyValues(text: string, accept: (key: string) => boolean): { args: Record<string, unknown>; rest: string } {
  const args: Record<string, unknown> = {};
  let rest = text;
  for (let match = KEY_VALUE.exec(rest); match && accept(match[1]); match = KEY_VALUE.exec(rest)) {
    args[match[1]] = keyValueText(match[2]);
    rest = rest.slice(match[0].length);
  }
  return { args, rest: rest.trimStart() };
}

/**
 * A free-form value as Ansible reads it: 'msg=hello' words naming the module's arguments are
 * arguments (debug: msg="hi"); leading ones before a command are too (command: chdir=/tmp ls);
 * the rest is the free-form argument, as written.
 */
function freeFormArgs(written: string, definition: ModuleDeclaration): Record<string, unknown> {
  // Ansible's splitter joins a line ending in a backslash with the next (the backslash and newline go).
  const text = written.replace(/\\\n/g, '');
  const known = new Set([...Object.keys(definition.args.properties), ...argumentAliases(definition).keys()]);
  const { args, rest } = definition.freeForm === 'cmd' ? commandOptions(text, (key) => known.has(key)) : leadingKeyValues(text, (key) => known.has(key));
  if (Object.keys(args).length === 0) return { [definition.freeForm!]: text };
  return rest.trim() === '' ? args : { ...args, [definition.freeForm!]: rest };
}

/** The options Ansible takes out of a command's free-form text wherever they stand as a word ('tar cf x.tar x chdir=/tmp'). */
const COMMAND_OPTIONS = new Set(['creates', 'removes', 'chdir', 'executable', 'warn', 'stdin', 'stdin_add_newline', 'strip_empty_ends']);

/**
 * command, shell and script as Ansible's parse_kv reads them: a word 'chdir=...' (and the other
 * COMMAND_OPTIONS) is an option wherever it stands; everything else is the command, as written.
 */
function commandOptions(text: string, accept: (key: string) => boolean): { args: Record<string, unknown>; rest: string } {
  const args: Record<string, unknown> = {};
  let rest = '';
  for (let i = 0; i < text.length;) {
    let end = i;
    // A word runs to the next space outside quotes and {{ }}.
    while (end < text.length && !/\s/.test(text[end])) {
      const close =
        text[end] === '"' || text[end] === "'" ? text.indexOf(text[end], end + 1) : text.startsWith('{{', end) ? text.indexOf('}}', end + 2) + 1 : end;
      end = close < end ? text.length : close + 1;
    }
    const word = text.slice(i, end);
    const option = /^([a-z_]+)=(.*)$/s.exec(word);
    if (option && COMMAND_OPTIONS.has(option[1]) && accept(option[1])) {
      args[option[1]] = keyValueText(option[2]);
      rest = rest.replace(/[ \t]+$/, '');
    } else rest += word;
    const space = /^\s*/.exec(text.slice(end))![0];
    rest += space;
    i = end + space.length;
  }
  return { args, rest: rest.trim() };
}

function keyValueArgs(text: string, module: string, loc: ReturnType<SourceDoc['locate']>): Record<string, unknown> {
  const { args, rest } = leadingKeyValues(text, () => true);
  if (rest.trim() !== '')
    throw new UserError(`'${module}' takes "key=value" words or a mapping, and '${rest.split(/\s/)[0]}' is neither.`, loc, 'Write the arguments as a mapping.');
  return args;
}

/** Arguments without templates are checked against the module's schema now; the others after rendering. */
function validateLiteralArgs(module: string, args: Record<string, unknown>, at: TaskSource): void {
  if (JSON.stringify(args).includes('{{')) {
    for (const [key, value] of Object.entries(args))
      if (!key.includes('{{') && !JSON.stringify(value).includes('{{')) checkArgs(module, { [key]: value }, at, true);
    return;
  }
  checkArgs(module, args, at, false);
}

function checkArgs(module: string, args: Record<string, unknown>, at: TaskSource, partial: boolean): void {
  const problem = argumentProblem(module, args, partial);
  if (problem) {
    const message = problem.key === undefined ? `'${module}': ${problem.message}.` : problem.message;
    throw new UserError(message, at.source.locate(problem.key ? [...at.path, problem.key] : at.path), 'Fix the task arguments.');
  }
}

/** Parse every template in the task now, so a broken one stops the run before any host is touched. */
function checkTemplates(task: Task, at: TaskSource): void {
  const visit = (value: unknown, path: PathSegment[], what: string) => {
    if (typeof value === 'string' && hasTemplate(value)) checkTemplateSyntax(value, { loc: at.source.locate(path), what });
    else if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...path, i], what));
    else if (value && typeof value === 'object') Object.entries(value).forEach(([key, item]) => visit(item, [...path, key], `'${key}'`));
  };
  visit(task.args, [...at.path, task.module], `argument of '${task.module}'`);
  visit(task.name, [...at.path, 'name'], 'the task name');
  const loopKey = task.loopLookup ? `with_${task.loopLookup}` : 'loop';
  visit(task.loop, [...at.path, loopKey], `'${loopKey}'`);
  visit(task.vars, [...at.path, 'vars'], "'vars'");
  visit(task.environment, [...at.path, 'environment'], "'environment'");
}
