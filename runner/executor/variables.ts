import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { SourceLocation } from '../errors.js';
import type { Inventory } from '../inventory/inventory.js';
import type { Vars } from '../vars/vars.js';
import type { Item, Play, Role } from '../playbook/model.js';
import { keysFrom, mergeLayers } from '../vars/precedence.js';
import { createScope, Lazy } from '../vars/scope.js';
import type { HostState } from './host.js';

/**
 * The ansible-core whose language and modules this runner follows, as content reads it to gate
 * what it uses ('ansible_version.full is version("2.15", ">=")'); what content asks for that the
 * runner lacks is named when the playbook loads, or when the task runs.
 */
export const ANSIBLE_VERSION = { full: '2.15.0', major: 2, minor: 15, revision: 0, string: '2.15.0' };

/** What variable scopes are built from during one play. */
export interface VarsContext {
  inventory: Inventory;
  hosts: ReadonlyMap<string, HostState>;
  /** The roles include_role has brought in so far: their public vars are the play's from then on. */
  reachedRoles: ReadonlySet<Role>;
  /** The host of that name, made when a task delegates outside the inventory (the implicit localhost). */
  hostFor(name: string): HostState;
  play: Play;
  playHosts: () => string[];
  /** Every host the play targets (after --limit), in all its batches. */
  playHostsAll: () => string[];
  /** The hosts of the current serial batch. */
  playBatch: () => string[];
  extraVars: Vars;
  playbookDir: string;
  check: boolean;
  diff: boolean;
  verbosity?: number;
  /** --tags and --skip-tags, as ansible_run_tags and ansible_skip_tags give them. */
  runTags?: string[];
  skipTags?: string[];
}

/**
 * The variables a task sees on a host, layered by precedence (runner/vars/precedence.ts), with
 * Ansible's magic variables and two of our own:
 *   first_in.GROUP  the variables of GROUP's first host (first_in.master.ansible_host).
 *   (loop vars and a task's own register are added on top by the task runner.)
 */
export function taskScope(
  ctx: VarsContext,
  host: HostState,
  item: Item | undefined,
  loc: SourceLocation,
  what: string,
  extra: Vars = {},
  withHostvars = true,
): Vars {
  const role = item?.role;
  const shared = playRoleVars(ctx.play, ctx.reachedRoles);
  const layers = {
    // Every role's defaults and vars are the whole play's (Ansible's DEFAULT_PRIVATE_ROLE_VARS is off), a task's own role's winning.
    'role defaults': role ? { ...shared.defaults, ...role.defaults } : shared.defaults,
    'inventory group vars': host.inventoryVars,
    facts: host.facts,
    'play vars': ctx.play.vars,
    'play vars_files': ctx.play.varsFiles,
    'role vars': role ? { ...shared.vars, ...role.vars } : shared.vars,
    'block and task vars': item?.vars,
    include_vars: host.included,
    'registered and set_fact': host.registered,
    'role params': role?.params,
    'include params': item?.includeParams,
    'extra vars': ctx.extraVars,
  };
  const vars = mergeLayers(layers);
  // As Ansible's play context gives a task: the address it reaches the host at, its name unless set.
  if (withHostvars && vars.ansible_host === undefined) vars.ansible_host = host.name;
  Object.assign(
    vars,
    magicVars(ctx, host, withHostvars, role, loc),
    role ? { role_name: role.name, ansible_role_name: role.name, role_path: role.path } : {},
    extra,
  );
  // What hosts answered (facts, registered results) and values already rendered (set_fact, loop
  // items) are data: a '{{' in them is text, as Ansible's "unsafe" values are.
  const data = keysFrom(layers, ['facts', 'registered and set_fact']);
  for (const key of Object.keys(extra)) data.add(key);
  // hostvars.NAME is templated as Ansible's HostVarsVars is: a variable that cannot be rendered there reads as written.
  return createScope(vars, { loc, what }, data, !withHostvars);
}

const roleVarsOfPlay = new WeakMap<Play, { defaults: Vars; vars: Vars; reached: number }>();

/** The defaults and vars of every role in the play (those imported among its tasks too), merged once. */
function playRoleVars(play: Play, reached: ReadonlySet<Role>): { defaults: Vars; vars: Vars } {
  let merged = roleVarsOfPlay.get(play);
  if (!merged || merged.reached !== reached.size) {
    // An include_role's public role counts once the run has reached it.
    const shared = play.roles.filter((r) => r.public && (!r.included || reached.has(r)));
    merged = {
      defaults: Object.assign({}, ...shared.map((r) => r.defaults)),
      vars: Object.assign({}, ...shared.map((r) => r.vars)),
      reached: reached.size,
    };
    roleVarsOfPlay.set(play, merged);
  }
  return merged;
}

/** Ansible's magic variables; hostvars itself (and first_in) only where Ansible gives it: not inside hostvars.NAME. */
function magicVars(ctx: VarsContext, host: HostState, withHostvars: boolean, role: Role | undefined, loc: SourceLocation): Vars {
  const views = withHostvars ? { hostvars: new Lazy(() => hostvarsView(ctx)), first_in: new Lazy(() => firstInView(ctx)) } : {};
  return {
    ...views,
    inventory_hostname: host.name,
    inventory_hostname_short: host.name.split('.')[0],
    groups: new Lazy(() => ctx.inventory.groupsVar()),
    group_names: [...(ctx.inventory.hosts.get(host.name)?.groups ?? [])].filter((g) => g !== 'all' && g !== 'ungrouped'),
    // play_hosts is the batch's, as in Ansible (the deprecated name of ansible_play_batch).
    play_hosts: new Lazy(() => ctx.playBatch()),
    ansible_play_hosts: new Lazy(() => ctx.playHosts()),
    ansible_play_hosts_all: new Lazy(() => ctx.playHostsAll()),
    ansible_play_batch: new Lazy(() => ctx.playBatch()),
    ansible_check_mode: ctx.check,
    ansible_diff_mode: ctx.diff,
    ansible_verbosity: ctx.verbosity ?? 0,
    ansible_version: ANSIBLE_VERSION,
    // Ansible's: ['all'] when no --tags was given.
    ansible_run_tags: ctx.runTags?.length ? ctx.runTags : ['all'],
    ansible_skip_tags: ctx.skipTags ?? [],
    playbook_dir: ctx.playbookDir,
    ...roleNames(ctx.play),
    // Where Ansible looks for a task's relative files: its role, then the task file's folder (Task.get_search_path).
    ansible_search_path: [...new Set([...(role ? [role.path] : []), dirname(loc.file)])],
    ansible_playbook_python: new Lazy(controllerPython),
    ansible_config_file: null,
    ansible_inventory_sources: [ctx.inventory.file],
  };
}

/** The play's roles by name: those it lists, those pulled in as dependencies, and all of them (Ansible's magic variables). */
function roleNames(play: Play): Vars {
  const dependencies = new Set(play.roles.flatMap((role) => role.dependencies));
  const all = [...new Set(play.roles.map((role) => role.name))];
  const listed = all.filter((name) => !dependencies.has(name));
  return { role_names: listed, ansible_play_role_names: listed, ansible_role_names: all, ansible_dependent_role_names: [...dependencies] };
}

/** The controller's Python, as ansible_playbook_python names it (the first python3 on PATH; this runner needs none). */
function controllerPython(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'python3');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** hostvars.NAME: another host's variables (inventory, facts, registered, play and extra vars). */
function hostvarsView(ctx: VarsContext): Vars {
  const cache = new Map<string, Vars>();
  const scopeOf = (name: string) => {
    if (!cache.has(name)) cache.set(name, taskScope(ctx, ctx.hosts.get(name)!, undefined, ctx.play.loc, `hostvars.${name}`, {}, false));
    return cache.get(name)!;
  };
  return lazyMap([...ctx.hosts.keys()], scopeOf);
}

function firstInView(ctx: VarsContext): Vars {
  const hostvars = hostvarsView(ctx);
  const groups = [...ctx.inventory.groups.keys()].filter((group) => ctx.inventory.members(group).length > 0);
  return lazyMap(groups, (group) => hostvars[ctx.inventory.members(group)[0]]);
}

/** A mapping whose values are computed when read. */
function lazyMap(keys: string[], compute: (key: string) => unknown): Vars {
  const view: Vars = {};
  for (const key of keys) Object.defineProperty(view, key, { get: () => compute(key), enumerable: true });
  return view;
}
