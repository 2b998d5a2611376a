import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ExitCode, UserError, type SourceLocation } from '../errors.js';
import { validateAgainstSchema } from '../schema/validate.js';
import { loadYamlFile, parseYaml, readTextFile, type PathSegment, type SourceDoc } from '../yaml/source.js';
import { looksLikeIni, parseIniInventory } from './ini.js';
import type { Vars } from '../vars/vars.js';
import { expandHostRange, MAX_HOSTS } from './host-range.js';

export interface InventoryHost {
  name: string;
  /** Vars written on the host itself (inventory file, then host_vars/). */
  vars: Vars;
  /** Every group the host is in, including 'all'. */
  groups: Set<string>;
  loc: SourceLocation;
}

export interface InventoryGroup {
  name: string;
  vars: Vars;
  hosts: string[];
  children: string[];
  parents: Set<string>;
  loc?: SourceLocation;
}

/** The names Ansible's implicit localhost answers to. */
export const LOCALHOST_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** Ansible's inventory (YAML, or INI): groups with hosts, vars and children, read unchanged. */
export class Inventory {
  readonly hosts = new Map<string, InventoryHost>();
  readonly groups = new Map<string, InventoryGroup>();
  /** group_vars/ and host_vars/ files of groups and hosts the inventory does not have yet (group_by and add_host may make them). */
  readonly laterVars = { group: new Map<string, Vars>(), host: new Map<string, Vars>() };
  /** Ansible's implicit localhost, made when a pattern or delegate_to names it and the inventory does not have it: in no group, not even 'all'. */
  readonly implicit = new Map<string, InventoryHost>();

  constructor(readonly file: string) {
    this.group('all');
    this.group('ungrouped').parents.add('all');
    this.groups.get('all')!.children.push('ungrouped');
  }

  /** Ansible's host list inventory ('-i h1,h2,'): these hosts, ungrouped, without variables. */
  static ofHosts(hosts: string[], written: string): Inventory {
    const inventory = new Inventory(written);
    for (const name of hosts) inventory.addHost(name, [], {}, { file: written, line: 1, column: 1 });
    return inventory;
  }

  group(name: string, loc?: SourceLocation): InventoryGroup {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, vars: {}, hosts: [], children: [], parents: new Set(), loc };
      this.groups.set(name, group);
    }
    return group;
  }

  /** Hosts of a group and of its descendants, in inventory order. */
  members(groupName: string): string[] {
    const found = new Set<string>();
    const visit = (name: string, seen: Set<string>) => {
      if (seen.has(name)) return;
      seen.add(name);
      const group = this.groups.get(name);
      if (!group) return;
      group.hosts.forEach((host) => found.add(host));
      group.children.forEach((child) => visit(child, seen));
    };
    if (groupName === 'all') return [...this.hosts.keys()];
    visit(groupName, new Set());
    return [...this.hosts.keys()].filter((host) => found.has(host));
  }

  /** Ancestors' depth from 'all': Ansible merges group vars shallow to deep, then by name. */
  private depth(name: string, seen = new Set<string>()): number {
    const group = this.groups.get(name);
    if (!group || group.parents.size === 0 || seen.has(name)) return 0;
    seen.add(name);
    return 1 + Math.max(...[...group.parents].map((parent) => this.depth(parent, seen)));
  }

  /** The implicit localhost of this name (localhost, 127.0.0.1, ::1) where the inventory has no such host, as Ansible makes it. */
  implicitHost(name: string): InventoryHost | undefined {
    if (this.hosts.has(name) || !LOCALHOST_NAMES.has(name)) return undefined;
    if (!this.implicit.has(name))
      this.implicit.set(name, { name, vars: { ansible_connection: 'local' }, groups: new Set(), loc: { file: this.file, line: 1, column: 1 } });
    return this.implicit.get(name);
  }

  /** Inventory vars of one host: group vars ('all' < parents < children, same depth by name) < host vars. */
  hostVars(hostName: string): Vars {
    const host = this.hosts.get(hostName) ?? this.implicit.get(hostName);
    if (!host) throw new Error(`unknown host ${hostName}`);
    // Names compare by code point, as Python's sort does in Ansible (and without loading a collator).
    const ordered = [...host.groups].sort((a, b) => this.depth(a) - this.depth(b) || (a < b ? -1 : a > b ? 1 : 0));
    return Object.assign({}, ...ordered.map((name) => this.groups.get(name)!.vars), host.vars);
  }

  /** A group made during the run (add_host, group_by), under these parents; true when it is new. */
  private runtimeGroup(name: string, parents: string[]): boolean {
    const isNew = !this.groups.has(name);
    const group = this.group(name);
    if (isNew) Object.assign(group.vars, this.laterVars.group.get(name));
    for (const parentName of parents) {
      const parent = this.group(parentName);
      if (parentName !== name && !parent.children.includes(name)) {
        parent.children.push(name);
        group.parents.add(parentName);
      }
    }
    if (isNew && group.parents.size === 0) {
      group.parents.add('all');
      this.groups.get('all')!.children.push(name);
    }
    return isNew;
  }

  /** Ansible's add_host: the host (new, or one already known) in these groups, with these variables; true when anything changed. */
  addHost(name: string, groups: string[], vars: Vars, loc: SourceLocation): boolean {
    let changed = false;
    if (!this.hosts.has(name)) {
      this.hosts.set(name, { name, vars: { ...this.laterVars.host.get(name) }, groups: new Set(['all']), loc });
      changed = true;
    }
    const host = this.hosts.get(name)!;
    for (const key of Object.keys(vars)) if (JSON.stringify(host.vars[key]) !== JSON.stringify(vars[key])) changed = true;
    Object.assign(host.vars, vars);
    for (const group of groups) changed = this.addToGroup(name, group, []) || changed;
    const ungrouped = this.groups.get('ungrouped')!;
    const grouped = [...host.groups].some((group) => group !== 'all' && group !== 'ungrouped');
    if (!grouped && !ungrouped.hosts.includes(name)) {
      ungrouped.hosts.push(name);
      host.groups.add('ungrouped');
    }
    return changed;
  }

  /**
   * Ansible's group_by: the host joins a group (put under `parents`, made if new), and so every
   * group above it; true when the host was not in all of them (a parent given later counts).
   */
  addToGroup(hostName: string, groupName: string, parents: string[]): boolean {
    this.runtimeGroup(groupName, parents);
    const group = this.groups.get(groupName)!;
    const joined = !group.hosts.includes(hostName);
    if (joined) group.hosts.push(hostName);
    const host = this.hosts.get(hostName)!;
    const before = host.groups.size;
    const add = (name: string) => {
      host.groups.add(name);
      this.groups.get(name)?.parents.forEach(add);
    };
    add(groupName);
    return joined || host.groups.size > before;
  }

  /** The 'groups' magic variable: every group name to its hosts. */
  groupsVar(): Record<string, string[]> {
    return Object.fromEntries([...this.groups.keys()].map((name) => [name, this.members(name)]));
  }
}

export async function loadInventory(path: string): Promise<Inventory> {
  const file = await inventoryFile(path);
  const text = await readTextFile(file, 'inventory');
  const ini = looksLikeIni(file, text);
  const source = ini ? parseIniInventory(text, file) : parseYaml(text, file);
  if (source.value === null || source.value === undefined || (ini && Object.keys(source.value).length === 0)) {
    throw new UserError('the inventory is empty.', source.locate([]), "Add an 'all:' group with 'children: { master: { hosts: ... } }'.");
  }
  if (!ini) validateAgainstSchema('inventory', source, 'inventory');
  const inventory = new Inventory(file);
  for (const [name, body] of Object.entries(source.value as Record<string, unknown>)) {
    addGroup(inventory, source, name, body as GroupBody, [name], undefined);
  }
  fillMembership(inventory);
  // 'ungrouped': the hosts in no group but 'all', as Ansible's groups['ungrouped'] lists them.
  const ungrouped = inventory.groups.get('ungrouped')!;
  for (const host of inventory.hosts.values()) {
    if (![...host.groups].every((name) => name === 'all' || name === 'ungrouped')) continue;
    if (!ungrouped.hosts.includes(host.name)) ungrouped.hosts.push(host.name);
    host.groups.add('ungrouped');
  }
  await addVarsDirectories(inventory, dirname(file));
  return inventory;
}

/**
 * The inventory file -i names: a file, or a directory holding inventory.yaml (or hosts.yaml) beside
 * its group_vars/ and host_vars/. Not finding it is a wrong option, as for the playbook.
 */
async function inventoryFile(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (!info)
    throw new UserError(`the inventory ${path} does not exist.`, undefined, 'Point -i at the inventory file (default: inventory.yaml).', ExitCode.BadOptions);
  if (!info.isDirectory()) return path;
  for (const name of ['inventory.yaml', 'inventory.yml', 'hosts.yaml', 'hosts.yml', 'hosts.ini', 'inventory.ini', 'hosts']) {
    if (await stat(join(path, name)).catch(() => undefined)) return join(path, name);
  }
  throw new UserError(
    `the inventory directory ${path} has no inventory.yaml, hosts.yaml, hosts.ini or hosts.`,
    undefined,
    'Point -i at the inventory file.',
    ExitCode.BadOptions,
  );
}

interface GroupBody {
  hosts?: Record<string, Vars | null> | null;
  vars?: Vars | null;
  children?: Record<string, GroupBody | null> | null;
}

function addGroup(inventory: Inventory, source: SourceDoc, name: string, body: GroupBody | null, path: PathSegment[], parent: string | undefined): void {
  const group = inventory.group(name, source.locate(path));
  if (parent && parent !== name) {
    group.parents.add(parent);
    const parentGroup = inventory.groups.get(parent)!;
    if (!parentGroup.children.includes(name)) parentGroup.children.push(name);
  } else if (name !== 'all') {
    group.parents.add('all');
    if (!inventory.groups.get('all')!.children.includes(name)) inventory.groups.get('all')!.children.push(name);
  }
  Object.assign(group.vars, body?.vars ?? {});
  const listed = new Set(group.hosts);
  for (const [pattern, vars] of Object.entries(body?.hosts ?? {})) {
    const loc = source.locate([...path, 'hosts', pattern]);
    for (const hostName of expandHostRange(pattern, loc)) {
      const host = inventory.hosts.get(hostName) ?? { name: hostName, vars: {}, groups: new Set(['all']), loc };
      Object.assign(host.vars, vars ?? {});
      inventory.hosts.set(hostName, host);
      if (name !== 'all' && !listed.has(hostName)) {
        listed.add(hostName);
        group.hosts.push(hostName);
      }
    }
    if (inventory.hosts.size > MAX_HOSTS) {
      throw new UserError(
        `the inventory names more than ${MAX_HOSTS.toLocaleString('en')} hosts.`,
        loc,
        'Check the host ranges: an inventory holds at most that many.',
      );
    }
  }
  for (const [child, childBody] of Object.entries(body?.children ?? {})) {
    if (child === name || child === 'all') {
      throw new UserError(`group '${name}' lists '${child}' as its own child.`, source.locate([...path, 'children', child]), 'Remove that child entry.');
    }
    addGroup(inventory, source, child, childBody, [...path, 'children', child], name);
  }
}

/** Record on each host every group it belongs to, directly or through children. */
function fillMembership(inventory: Inventory): void {
  for (const group of inventory.groups.values()) {
    for (const host of inventory.members(group.name)) inventory.hosts.get(host)!.groups.add(group.name);
  }
}

/** The map's entry for a key, made empty when missing. */
function mapEntry(map: Map<string, Vars>, key: string): Vars {
  if (!map.has(key)) map.set(key, {});
  return map.get(key)!;
}

async function addVarsDirectories(inventory: Inventory, dir: string): Promise<void> {
  for (const [folder, apply] of [
    ['group_vars', (name: string, vars: Vars) => Object.assign(inventory.groups.get(name)?.vars ?? mapEntry(inventory.laterVars.group, name), vars)],
    ['host_vars', (name: string, vars: Vars) => Object.assign(inventory.hosts.get(name)?.vars ?? mapEntry(inventory.laterVars.host, name), vars)],
  ] as const) {
    // As Ansible's host_group_vars reads them: NAME, NAME.yml, NAME.yaml or NAME.json, or a directory NAME/ of such files.
    const entries = await readdir(join(dir, folder), { withFileTypes: true }).catch(() => []);
    for (const entry of entries.filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const name = entry.name.replace(/\.(ya?ml|json)$/, '');
      const files = entry.isDirectory()
        ? (await readdir(join(dir, folder, entry.name)))
            .filter((file) => /\.(ya?ml|json)$/.test(file))
            .sort()
            .map((file) => join(dir, folder, entry.name, file))
        : [join(dir, folder, entry.name)];
      for (const file of files) {
        const source = await loadYamlFile(file, folder);
        if (source.value === null) continue;
        if (typeof source.value !== 'object' || Array.isArray(source.value)) {
          throw new UserError(`${folder} files must hold a mapping of variables.`, source.locate([]), 'Write "name: value" lines.');
        }
        apply(name, source.value as Vars);
      }
    }
  }
}
