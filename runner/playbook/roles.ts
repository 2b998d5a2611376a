import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, type SourceLocation } from '../errors.js';
import type { Vars } from '../vars/vars.js';
import { validateAgainstSchema } from '../schema/validate.js';
import { checkTemplateFileSyntax } from '../template/render.js';
import { loadYamlFileSync, type SourceDoc } from '../yaml/source.js';
import { inherit, isKeyword, varsOf } from './keywords.js';
import { handlerTasks, type Inherited, type Role, type RoleParts } from './model.js';
import type { TaskLoader } from './task-loader.js';

/**
 * A role as a play, a meta dependency or import_role names it: 'role' (or 'name'), keywords
 * (when, tags, become, delegate_to, ...), vars, and any other key as a role parameter.
 */
export type RoleRef = { role?: string; name?: string; vars?: Vars | Vars[] } & Record<string, unknown>;

/** The role's name, the keywords its tasks inherit, and its parameters (vars and the other keys). */
function readRoleRef(ref: string | RoleRef): { name: string; keywords: Record<string, unknown>; params: Vars } {
  if (typeof ref === 'string') return { name: ref, keywords: {}, params: {} };
  const keywords: Record<string, unknown> = {};
  const params: Vars = { ...varsOf(ref.vars) };
  for (const [key, value] of Object.entries(ref)) {
    if (key === 'role' || key === 'name' || key === 'vars') continue;
    if (isKeyword(key)) keywords[key] = value;
    else params[key] = value;
  }
  return { name: String(ref.role ?? ref.name), keywords, params };
}

/**
 * Reads roles from roles/NAME/ (tasks, handlers, defaults, vars, meta, templates, files), as Ansible
 * lays them out. Synchronous, as the task loader is: import_role brings a role in among tasks.
 */
/** The folders a role is made of. */
const ROLE_PARTS = ['tasks', 'handlers', 'defaults', 'vars', 'meta', 'templates', 'files'];

export class RoleLoader {
  /** Roles already in this play, by name and params: a role runs once per play, as in Ansible. */
  private readonly seen = new Set<string>();

  constructor(
    private readonly searchPaths: string[],
    private readonly tasks: TaskLoader,
  ) {}

  /** The role and its meta dependencies, dependencies first. */
  load(rawRef: string | RoleRef, parent: Inherited, loc: SourceLocation, chain: string[] = [], parts: RoleParts = {}): Role[] {
    const ref = readRoleRef(rawRef);
    if (chain.includes(ref.name)) {
      throw new UserError(
        `role '${ref.name}' depends on itself: ${[...chain, ref.name].join(' -> ')}.`,
        loc,
        'Remove the circular dependency from meta/main.yaml.',
      );
    }
    const key = `${ref.name}:${JSON.stringify(ref.params)}`;
    if (parts.once !== false && this.seen.has(key)) return [];
    this.seen.add(key);
    const path = this.find(ref.name, loc);
    const meta = optionalYaml(path, 'meta');
    const inherited: Inherited = { ...inherit(parent, ref.keywords), vars: parent.vars };
    const roles: Role[] = [];
    const dependencies = (meta?.value as { dependencies?: unknown[] } | null)?.dependencies ?? [];
    for (const [index, dependency] of dependencies.entries()) {
      // As in Ansible, a dependency runs under the tags, conditions and become of the role that needs it.
      roles.push(...this.load(dependency as string | RoleRef, inherited, meta!.locate(['dependencies', index]), [...chain, ref.name]));
    }
    // A role sees the defaults of the roles it depends on (a shared-settings role, for instance),
    // under its own: as in Ansible, where a dependency's defaults are visible to the dependent role.
    const closure = this.dependencyClosure(dependencies);
    const dependencyDefaults = Object.assign({}, ...closure.map((dep) => roleVars(dep.path, 'defaults')));
    const role: Role = {
      name: ref.name,
      path,
      defaults: { ...dependencyDefaults, ...roleVars(path, 'defaults', parts.defaultsFrom, loc) },
      vars: roleVars(path, 'vars', parts.varsFrom, loc),
      params: ref.params,
      public: parts.public !== false,
      included: parts.included,
      dependencies: closure.map((dep) => dep.name),
      tasks: [],
      handlers: [],
    };
    const withRole = { ...inherited, role };
    const tasksFile = optionalYaml(path, 'tasks', parts.tasksFrom, loc);
    if (tasksFile) {
      validateAgainstSchema('tasks', tasksFile, 'task');
      role.tasks = this.tasks.loadItems(tasksFile.value, { source: tasksFile, path: [] }, withRole);
    }
    const handlersFile = optionalYaml(path, 'handlers', parts.handlersFrom, loc);
    if (handlersFile) {
      validateAgainstSchema('tasks', handlersFile, 'handler');
      // A block of handlers is its tasks, each a handler (with the block's keywords).
      role.handlers = handlerTasks(this.tasks.loadItems(handlersFile.value, { source: handlersFile, path: [] }, withRole));
    }
    checkRoleTemplates(path);
    roles.push(role);
    return roles;
  }

  /** The roles these dependencies name and, first, the ones they depend on: each once, in load order. */
  private dependencyClosure(dependencies: unknown[], seen = new Set<string>()): Array<{ name: string; path: string }> {
    const closure: Array<{ name: string; path: string }> = [];
    for (const dependency of dependencies) {
      const name = readRoleRef(dependency as string | RoleRef).name;
      if (seen.has(name)) continue;
      seen.add(name);
      const path = this.find(name, { file: name, line: 1, column: 1 });
      const meta = optionalYaml(path, 'meta');
      closure.push(...this.dependencyClosure((meta?.value as { dependencies?: unknown[] } | null)?.dependencies ?? [], seen), { name, path });
    }
    return closure;
  }

  private find(name: string, loc: SourceLocation): string {
    for (const dir of this.searchPaths) {
      const candidate = join(dir, name);
      if (statSync(candidate, { throwIfNoEntry: false })?.isDirectory()) return candidate;
    }
    // Folders that hold a role's parts (the playbook's own folder is searched too, among other files).
    const isRole = (dir: string) => ROLE_PARTS.some((part) => statSync(join(dir, part), { throwIfNoEntry: false })?.isDirectory());
    const known = this.searchPaths.flatMap((dir) => {
      try {
        return readdirSync(dir).filter((entry) => isRole(join(dir, entry)));
      } catch {
        return [];
      }
    });
    const near = known.length ? ` Roles found: ${[...new Set(known)].sort().join(', ')}.` : '';
    throw new UserError(`role '${name}' was not found in ${this.searchPaths.join(' or ')}.`, loc, `Check the role's name.${near}`);
  }
}

/**
 * roles/NAME/<part>/main.yaml (or main.yml, main), if the role has one; another file of the part
 * when import_role names it (tasks_from: install), which must then exist.
 */
function optionalYaml(rolePath: string, part: string, from?: string, loc?: SourceLocation): SourceDoc | undefined {
  const base = from ?? 'main';
  for (const name of [`${base}.yaml`, `${base}.yml`, base]) {
    const file = join(rolePath, part, name);
    if (statSync(file, { throwIfNoEntry: false })?.isFile()) return loadYamlFileSync(file, `role ${part}`, { at: loc });
  }
  if (from !== undefined)
    throw new UserError(`${join(rolePath, part)} has no file '${from}' (${part}_from).`, loc, `Check the name: ${part}/${from}.yaml or .yml.`);
  return undefined;
}

/**
 * A role's defaults or vars: main.yaml (or the file *_from names), or, as Ansible allows, a folder
 * of that name whose YAML files (below it too) are merged in the order of their paths.
 */
function roleVars(rolePath: string, part: string, from?: string, loc?: SourceLocation): Vars {
  const folder = join(rolePath, part, from ?? 'main');
  const isFile = (path: string) => statSync(path, { throwIfNoEntry: false })?.isFile() === true;
  if (isFile(`${folder}.yaml`) || isFile(`${folder}.yml`) || !statSync(folder, { throwIfNoEntry: false })?.isDirectory())
    return mapping(optionalYaml(rolePath, part, from, loc));
  const files = (readdirSync(folder, { recursive: true }) as string[]).filter((entry) => /\.(ya?ml|json)$/.test(entry)).sort();
  return Object.assign({}, ...files.map((entry) => mapping(loadYamlFileSync(join(folder, entry), `role ${part}`, { at: loc }))));
}

function mapping(source: SourceDoc | undefined): Vars {
  if (!source || source.value === null || source.value === undefined) return {};
  if (typeof source.value !== 'object' || Array.isArray(source.value)) {
    throw new UserError(`${source.file} must hold a mapping of variables.`, source.locate([]), 'Write "name: value" lines.');
  }
  return source.value as Vars;
}

/** Every template file of the role is parsed now, so a broken one stops the run before any host is touched. */
function checkRoleTemplates(rolePath: string): void {
  const dir = join(rolePath, 'templates');
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true }) as string[];
  } catch {
    return;
  }
  for (const entry of entries) {
    const file = join(dir, entry);
    if (!statSync(file).isFile()) continue;
    checkTemplateFileSyntax(readFileSync(file, 'utf8'), file);
  }
}
