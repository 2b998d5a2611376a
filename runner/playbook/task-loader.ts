import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { describeUserError, UserError, type SourceLocation } from '../errors.js';
import { checkTemplateSyntax, hasTemplate, parseExpression } from '../jinja/templar.js';
import { ANSIBLE_BUILTIN_MODULES } from '../modules/ansible-builtins.js';
import { resolveModuleName } from '../modules/registry.js';
import { didYouMean, validateAgainstSchema } from '../schema/validate.js';
import type { Vars } from '../vars/vars.js';
import { loadYamlFileSync } from '../yaml/source.js';
import { fromActionKeyword, inherit, KEYWORDS, list, loopControlOf, loopOf, moduleDefaultsFor, varsOf, type TaskSource } from './keywords.js';
import type { Block, Condition, Include, IncludeReader, Inherited, Item, RoleParts, Step, Task } from './model.js';
import { checkTemplates, keyValueArgs, moduleArgs, MODULE_NAMES } from './module-args.js';

/** Keys that bring in a task file (Ansible's import_tasks and include_tasks). */
const TASK_FILE_KEYS = ['import_tasks', 'include_tasks', 'ansible.builtin.import_tasks', 'ansible.builtin.include_tasks'];

/** Keys that bring in a role among tasks (Ansible's import_role and include_role). */
const ROLE_KEYS = ['import_role', 'include_role', 'ansible.builtin.import_role', 'ansible.builtin.include_role'];
/** The keys of Ansible's includes (not imports), whose vars are include params. */
const INCLUDE_KEYS = [...TASK_FILE_KEYS, ...ROLE_KEYS].filter((key) => key.includes('include_'));

/** A module named by its collection, as Ansible's FQCNs are: community.general.pacman. */
const COLLECTION_MODULE = /^[A-Za-z0-9_]+\.[A-Za-z0-9_]+\.[A-Za-z0-9_]+$/;

/** A custom module in a library/ folder beside the task file or its role (Ansible runs it; this runner cannot, and says so when the task runs). */
function inLibrary(module: string, file: string): boolean {
  const dirs = ['library', 'action_plugins'].flatMap((kind) => [join(dirname(file), kind), join(dirname(file), '..', kind)]);
  return dirs.some((dir) => ['', '.py', '.sh', '.ps1'].some((extension) => existsSync(join(dir, `${module}${extension}`))));
}

/** The keywords Ansible takes on include_tasks and include_role (TaskInclude.VALID_INCLUDE_KEYWORDS), besides the loops. */
const INCLUDE_KEYWORDS = new Set([
  'action',
  'args',
  'collections',
  'debugger',
  'ignore_errors',
  'loop',
  'loop_control',
  'name',
  'no_log',
  'register',
  'run_once',
  'tags',
  'timeout',
  'vars',
  'when',
  // A handler's (HandlerTaskInclude).
  'listen',
]);

/**
 * Ansible's deprecated 'include' (gone in 2.16) as 2.14 reads it: import_tasks when the file is
 * named plainly and it does not loop, include_tasks otherwise. Its vars are include params; the
 * key=value words after the file name are variables of its tasks, winning over those vars.
 */
function legacyInclude(raw: Record<string, unknown>, at: TaskSource): { raw: Record<string, unknown>; vars: unknown } {
  const key = 'include' in raw ? 'include' : 'ansible.builtin.include';
  const { [key]: value, ...rest } = raw;
  const loc = at.source.locate([...at.path, key]);
  if (typeof value !== 'string' || value.trim() === '') throw new UserError(`'${key}' needs a file name.`, loc, 'Write "include_tasks: other-tasks.yaml".');
  const [file, ...words] = value.trim().split(/\s+(?=[^\s=]+=)/);
  const params = words.length ? keyValueArgs(words.join(' '), key, loc) : {};
  const dynamic = hasTemplate(file) || isLooped(raw);
  return { raw: { ...rest, [dynamic ? 'include_tasks' : 'import_tasks']: file, vars: { ...varsOf(rest.vars), ...params } }, vars: rest.vars ?? {} };
}

const isLooped = (raw: Record<string, unknown>) => 'loop' in raw || Object.keys(raw).some((key) => key.startsWith('with_'));

/**
 * A task file named in another: beside the file that names it, or, in a role, where Ansible's
 * path_dwim_relative finds it (the role's tasks/, the role itself); the first place when none has it.
 */
export function findTaskFile(name: string, beside: string, rolePath?: string): string {
  if (isAbsolute(name)) return name;
  const places = [join(beside, name), ...(rolePath ? [join(rolePath, 'tasks', name), join(rolePath, name)] : [])];
  return places.find((place) => existsSync(place)) ?? places[0];
}

/** Loads a role for import_role/include_role (the play's role loader); its tasks inherit what is given. */
export type RoleImporter = (role: string, parts: RoleParts, inherited: Inherited, loc: SourceLocation) => { tasks: Item[]; handlers: Step[] };

/**
 * Reads task lists into plan items for one play: blocks, tasks with their module arguments checked,
 * imports read in place, includes kept as their own items to read when the run reaches them.
 */
export class TaskLoader implements IncludeReader {
  /** The task files being read, to refuse one that brings itself in. */
  private readonly reading: string[] = [];

  constructor(
    /** Task ids, unique in the playbook (its events name tasks by them). */
    private readonly ids: { next: number },
    /** Problems of include_tasks files found while loading: they fail only the hosts that reach them. */
    private readonly warnings: string[],
    /** How the play's import_role and include_role tasks find roles (none outside a play). */
    private readonly importRole?: RoleImporter,
  ) {}

  /** Normalize a YAML task list into plan items, each carrying what it inherits and where it was written. */
  loadItems(raw: unknown, from: TaskSource, inherited: Inherited): Item[] {
    return list(raw as unknown[]).map((entry, index) =>
      this.loadItem(entry as Record<string, unknown>, { source: from.source, path: [...from.path, index] }, inherited),
    );
  }

  loadItem(raw: Record<string, unknown>, at: TaskSource, parent: Inherited): Item {
    const loc = at.source.locate(at.path);
    let legacyVars: unknown;
    if ('include' in raw || 'ansible.builtin.include' in raw) ({ raw, vars: legacyVars } = legacyInclude(raw, at));
    const inherited = inherit(parent, raw);
    // The vars of an include are its include params; those of an import are only its tasks' vars.
    if (legacyVars !== undefined || INCLUDE_KEYS.some((key) => key in raw)) {
      inherited.includeParams = { ...parent.includeParams, ...varsOf(legacyVars ?? raw.vars) };
    }
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
        this.loadItems(raw[key], { source: at.source, path: [...at.path, key] }, key === 'block' && raw.rescue ? { ...inherited, rescued: true } : inherited);
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
    if (include) return this.loadTaskFile(raw, include, at, parent, inherited);
    const roleKey = ROLE_KEYS.find((key) => key in raw);
    if (roleKey) return this.loadRoleImport(raw, roleKey, at, parent, inherited);
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
      id: this.ids.next++,
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

  /**
   * import_tasks: the file read now, as a block where the task stands, its tasks inheriting the
   * keywords written beside it. include_tasks: an include, run when reached, its own keywords
   * (when, tags, loop) for itself alone, as in Ansible; a file named plainly is read now too, so its
   * problems show before any host is touched. The file is found beside the file that names it.
   */
  private loadTaskFile(raw: Record<string, unknown>, key: string, at: TaskSource, parent: Inherited, inherited: Inherited): Item {
    const value = raw[key];
    // 'include_tasks: file=x.yml' is the key=value spelling of the file name.
    const named =
      typeof value === 'object' && value !== null ? (value as { file?: unknown }).file : typeof value === 'string' ? value.replace(/^\s*file=/, '') : value;
    const loc = at.source.locate([...at.path, key]);
    if (typeof named !== 'string' || named.trim() === '') throw new UserError(`'${key}' needs a file name.`, loc, `Write '${key}: other-tasks.yaml'.`);
    checkTemplateSyntax(named, { loc, what: `'${key}'` });
    const name = (raw.name as string | undefined) ?? `${key} ${named}`;
    const path = (file: string) => findTaskFile(file, dirname(at.source.file), inherited.role?.path);
    // apply: keywords given to every task of the file (environment, tags, become, ...); an import's tasks take the import's own.
    const args = (raw.args ?? {}) as { apply?: Record<string, unknown> };
    const apply = (typeof value === 'object' && value !== null ? (value as { apply?: Record<string, unknown> }).apply : undefined) ?? args.apply;
    if (key.endsWith('import_tasks')) {
      if (isLooped(raw)) throw new UserError(`'${key}' cannot loop: it is read before the run.`, loc, 'Use include_tasks, which runs the file once per item.');
      if (apply) throw new UserError(`Invalid options for ${key}: apply`, loc, 'Write the keywords on the import itself, or use include_tasks.');
      // A name given by a template is resolved from the play's variables, as Ansible resolves an import's: read when the run reaches it.
      if (hasTemplate(named))
        return {
          ...this.include(raw, key, at, parent, inherited, undefined),
          when: inherited.when,
          name,
          inner: inherited,
          includedFile: { file: named, beside: dirname(at.source.file) },
        };
      return { ...inherited, kind: 'block', name, block: this.loadTaskFileItems(path(named), inherited, loc), rescue: [], always: [], loc };
    }
    const include = this.include(raw, key, at, parent, inherited, apply);
    let items: Item[] | undefined;
    if (!hasTemplate(named)) {
      try {
        items = this.loadTaskFileItems(path(named), include.inner, loc);
      } catch (error) {
        // Read when the run reaches it, as in Ansible (often under a when that is false here): its
        // problem is shown now and fails the hosts that reach it.
        if (!(error instanceof UserError)) throw error;
        this.warnings.push(`${describeUserError(error)} (from include_tasks at ${loc.file}:${loc.line}: the hosts that reach it fail)`);
      }
    }
    return { ...include, name, includedFile: { file: named, beside: dirname(at.source.file), items } };
  }

  /** An include's own keywords, and what its items inherit: the keywords around it, its vars, and apply's. */
  private include(
    raw: Record<string, unknown>,
    key: string,
    at: TaskSource,
    parent: Inherited,
    inherited: Inherited,
    apply: Record<string, unknown> | undefined,
  ): Include {
    const invalid = Object.keys(raw).find((word) => word !== key && KEYWORDS.has(word) && !INCLUDE_KEYWORDS.has(word) && !word.startsWith('with_'));
    if (invalid)
      throw new UserError(
        `'${invalid}' is not a keyword of ${key} (Ansible refuses it too).`,
        at.source.locate([...at.path, invalid]),
        `Give it to the included tasks with '${key}: { ..., apply: { ${invalid}: ... } }', or on a block around the include.`,
      );
    const around = { ...parent, vars: { ...parent.vars, ...varsOf(raw.vars) }, includeParams: inherited.includeParams };
    return {
      ...inherited,
      kind: 'include',
      id: this.ids.next++,
      name: (raw.name as string | undefined) ?? key,
      register: raw.register as string | undefined,
      notify: [],
      listen: inherited.listen ?? [],
      inner: apply ? inherit(around, apply) : around,
      ...loopOf(raw, at),
      ...loopControlOf(raw),
      loc: at.source.locate([...at.path, key]),
    };
  }

  /**
   * import_role: the role's tasks (tasks_from, or main) become a block where the task stands, with
   * the role's defaults and vars, its handlers joining the play's, read before any host is touched.
   * include_role: an include, run when reached, its when, tags and loop for itself alone; a role named
   * plainly is read now, one named by a template when the run reaches it, per host and item.
   */
  private loadRoleImport(raw: Record<string, unknown>, key: string, at: TaskSource, parent: Inherited, inherited: Inherited): Item {
    const loc = at.source.locate([...at.path, key]);
    const value = raw[key];
    const spec = (typeof value === 'string' ? keyValueArgs(value, key, loc) : (value ?? {})) as Record<string, unknown>;
    const name = spec.name ?? spec.role;
    if (typeof name !== 'string' || name.trim() === '') throw new UserError(`'${key}' needs the role's name.`, loc, `Write '${key}: { name: my-role }'.`);
    if (hasTemplate(name)) checkTemplateSyntax(name, { loc, what: `'${key}'` });
    if (!this.importRole) throw new UserError(`'${key}' can be used in a play's tasks.`, loc, 'Move it into a play.');
    // A part given as '{{ omit }}' is not given.
    const given = (part: string) =>
      typeof spec[`${part}_from`] === 'string' && !/^\{\{\s*omit\s*\}\}$/.test(spec[`${part}_from`] as string) ? (spec[`${part}_from`] as string) : undefined;
    const from = (part: string) => given(part)?.replace(/\.ya?ml$/, '');
    const parts: RoleParts = {
      tasksFrom: from('tasks'),
      varsFrom: from('vars'),
      defaultsFrom: from('defaults'),
      handlersFrom: from('handlers'),
      public: key.endsWith('import_role') || [true, 'yes', 'true', 'True'].includes(spec.public as string),
      included: key.endsWith('include_role'),
    };
    const title = (raw.name as string | undefined) ?? `${key} ${name}`;
    // A name or part given by a template is known when the run reaches it.
    const templated = [name, ...Object.values(parts)].some((part) => typeof part === 'string' && hasTemplate(part));
    if (key.endsWith('import_role')) {
      if (isLooped(raw)) throw new UserError(`'${key}' cannot loop: it is read before the run.`, loc, 'Use include_role, which runs the role once per item.');
      if (spec.apply !== undefined)
        throw new UserError(`Invalid options for ${key}: apply`, loc, 'Write the keywords on the import itself, or use include_role.');
      // Templated, it is resolved from the play's variables, as Ansible resolves an import's: read when the run reaches it.
      if (!templated)
        return { ...inherited, kind: 'block', name: title, block: this.importRole(name, parts, inherited, loc).tasks, rescue: [], always: [], loc };
      return {
        ...this.include(raw, key, at, parent, inherited, undefined),
        when: inherited.when,
        name: title,
        inner: inherited,
        includedRole: { name, parts },
      };
    }
    const include = this.include(raw, key, at, parent, inherited, spec.apply as Record<string, unknown> | undefined);
    let items: Item[] | undefined;
    let handlers: Step[] | undefined;
    if (!templated) {
      try {
        ({ tasks: items, handlers } = this.importRole(name, parts, include.inner, loc));
      } catch (error) {
        // As an include_tasks file: read when the run reaches it in Ansible, so its problem fails only the hosts that reach it.
        if (!(error instanceof UserError)) throw error;
        this.warnings.push(`${describeUserError(error)} (from include_role at ${loc.file}:${loc.line}: the hosts that reach it fail)`);
      }
    }
    return { ...include, name: title, includedRole: { name, parts, items, handlers } };
  }

  /** The tasks of a role an include names by a template, read when the run reaches it: its handlers join the play's. */
  readRole(include: Include, name: string, parts: RoleParts): { tasks: Item[]; handlers: Step[] } {
    return this.importRole!(name, parts, include.inner, include.loc);
  }

  /** A looped include_role's tasks for one item: copies with new ids, the loop variables among each task's vars. */
  withItemVars(items: Item[], vars: Vars): Item[] {
    return items.map((item) =>
      item.kind !== 'block'
        ? { ...item, id: this.ids.next++, vars: { ...item.vars, ...vars } }
        : {
            ...item,
            vars: { ...item.vars, ...vars },
            block: this.withItemVars(item.block, vars),
            rescue: this.withItemVars(item.rescue, vars),
            always: this.withItemVars(item.always, vars),
          },
    );
  }

  /** The tasks of a task file, checked as a playbook's are; a file that brings itself in is refused. */
  loadTaskFileItems(file: string, inherited: Inherited, loc: SourceLocation): Item[] {
    if (this.reading.includes(file))
      throw new UserError(`${file} brings itself in (${[...this.reading, file].map((f) => basename(f)).join(' -> ')}).`, loc, 'Remove the circular import.');
    const source = loadYamlFileSync(file, 'task', { at: loc, hint: 'Check the file name; it is looked up beside this file.' });
    validateAgainstSchema('tasks', source, 'task');
    this.reading.push(file);
    try {
      return this.loadItems(source.value, { source, path: [] }, inherited);
    } finally {
      this.reading.pop();
    }
  }
}
