import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError, type SourceLocation } from '../errors.js';
import { refuseConnectionVars } from '../inventory/connection-vars.js';
import type { Vars } from '../vars/vars.js';
import { validateAgainstSchema } from '../schema/validate.js';
import { checkTemplateFileSyntax } from '../template/render.js';
import { loadYamlFile, type SourceDoc } from '../yaml/source.js';
import type { Inherited, Role, Task } from './model.js';
import { list, loadItems } from './task.js';

export interface RoleRef {
  role: string;
  vars?: Vars;
  tags?: string | string[];
  when?: string | boolean | Array<string | boolean>;
  become?: boolean | string;
}

/** Reads roles from roles/NAME/ (tasks, handlers, defaults, vars, meta, templates, files), as Ansible lays them out. */
export class RoleLoader {
  /** Roles already in this play, by name and params: a role runs once per play, as in Ansible. */
  private readonly seen = new Set<string>();

  constructor(private readonly searchPaths: string[]) {}

  /** The role and its meta dependencies, dependencies first. */
  async load(ref: RoleRef, parent: Inherited, loc: SourceLocation, chain: string[] = []): Promise<Role[]> {
    refuseConnectionVars(ref.vars, `the variables given to role '${ref.role}'`, () => loc);
    if (chain.includes(ref.role)) {
      throw new UserError(
        `role '${ref.role}' depends on itself: ${[...chain, ref.role].join(' -> ')}.`,
        loc,
        'Remove the circular dependency from meta/main.yaml.',
      );
    }
    const key = `${ref.role}:${JSON.stringify(ref.vars ?? {})}`;
    if (this.seen.has(key)) return [];
    this.seen.add(key);
    const path = await this.find(ref.role, loc);
    const meta = await optionalYaml(path, 'meta');
    const inherited: Inherited = {
      ...parent,
      when: [...parent.when, ...list(ref.when)],
      tags: [...new Set([...parent.tags, ...list(ref.tags).map(String)])],
      become: ref.become ?? parent.become,
    };
    const roles: Role[] = [];
    const dependencies = (meta?.value as { dependencies?: unknown[] } | null)?.dependencies ?? [];
    for (const [index, dependency] of dependencies.entries()) {
      const depRef = typeof dependency === 'string' ? { role: dependency } : (dependency as RoleRef);
      // As in Ansible, a dependency runs under the tags, conditions and become of the role that needs it.
      roles.push(...(await this.load(depRef, inherited, meta!.locate(['dependencies', index]), [...chain, ref.role])));
    }
    // A role sees the defaults of the roles it depends on (a shared-settings role, for instance),
    // under its own: as in Ansible, where a dependency's defaults are visible to the dependent role.
    const closure = await this.dependencyClosure(dependencies);
    const dependencyDefaults = Object.assign({}, ...(await Promise.all(closure.map(async (dep) => mapping(await optionalYaml(dep.path, 'defaults'))))));
    const role: Role = {
      name: ref.role,
      path,
      defaults: { ...dependencyDefaults, ...mapping(await optionalYaml(path, 'defaults')) },
      vars: mapping(await optionalYaml(path, 'vars')),
      params: ref.vars ?? {},
      dependencies: closure.map((dep) => dep.name),
      tasks: [],
      handlers: [],
    };
    const withRole = { ...inherited, role };
    const tasksFile = await optionalYaml(path, 'tasks');
    if (tasksFile) {
      validateAgainstSchema('tasks', tasksFile, 'task');
      role.tasks = loadItems(tasksFile.value, { source: tasksFile, path: [] }, withRole);
    }
    const handlersFile = await optionalYaml(path, 'handlers');
    if (handlersFile) {
      validateAgainstSchema('tasks', handlersFile, 'handler');
      role.handlers = loadItems(handlersFile.value, { source: handlersFile, path: [] }, withRole).filter((item): item is Task => item.kind === 'task');
    }
    await checkRoleTemplates(path);
    roles.push(role);
    return roles;
  }

  /** The roles these dependencies name and, first, the ones they depend on: each once, in load order. */
  private async dependencyClosure(dependencies: unknown[], seen = new Set<string>()): Promise<Array<{ name: string; path: string }>> {
    const closure: Array<{ name: string; path: string }> = [];
    for (const dependency of dependencies) {
      const name = typeof dependency === 'string' ? dependency : (dependency as RoleRef).role;
      if (seen.has(name)) continue;
      seen.add(name);
      const path = await this.find(name, { file: name, line: 1, column: 1 });
      const meta = await optionalYaml(path, 'meta');
      closure.push(...(await this.dependencyClosure((meta?.value as { dependencies?: unknown[] } | null)?.dependencies ?? [], seen)), { name, path });
    }
    return closure;
  }

  private async find(name: string, loc: SourceLocation): Promise<string> {
    for (const dir of this.searchPaths) {
      const candidate = join(dir, name);
      if ((await stat(candidate).catch(() => undefined))?.isDirectory()) return candidate;
    }
    const known = (await Promise.all(this.searchPaths.map((dir) => readdir(dir).catch(() => [] as string[])))).flat();
    const near = known.length ? ` Roles found: ${[...new Set(known)].sort().join(', ')}.` : '';
    throw new UserError(`role '${name}' was not found in ${this.searchPaths.join(' or ')}.`, loc, `Check the role's name.${near}`);
  }
}

/** roles/NAME/<part>/main.yaml (or main.yml, main), if the role has one. */
async function optionalYaml(rolePath: string, part: string): Promise<SourceDoc | undefined> {
  for (const name of ['main.yaml', 'main.yml', 'main']) {
    const file = join(rolePath, part, name);
    if ((await stat(file).catch(() => undefined))?.isFile()) return loadYamlFile(file, `role ${part}`);
  }
  return undefined;
}

function mapping(source: SourceDoc | undefined): Vars {
  if (!source || source.value === null || source.value === undefined) return {};
  if (typeof source.value !== 'object' || Array.isArray(source.value)) {
    throw new UserError(`${source.file} must hold a mapping of variables.`, source.locate([]), 'Write "name: value" lines.');
  }
  refuseConnectionVars(source.value, source.file, (key) => source.locate([key]));
  return source.value as Vars;
}

/** Every template file of the role is parsed now, so a broken one stops the run before any host is touched. */
async function checkRoleTemplates(rolePath: string): Promise<void> {
  const dir = join(rolePath, 'templates');
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  for (const entry of entries) {
    const file = join(dir, entry);
    if (!(await stat(file)).isFile()) continue;
    checkTemplateFileSyntax(await readFile(file, 'utf8'), file);
  }
}
