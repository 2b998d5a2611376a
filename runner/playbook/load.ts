import { dirname, join, resolve } from 'node:path';
import { UserError, type SourceLocation } from '../errors.js';
import type { Vars } from '../vars/vars.js';
import { didYouMean, validateAgainstSchema } from '../schema/validate.js';
import { loadYamlFile, type PathSegment, type SourceDoc } from '../yaml/source.js';
import { allTasks, handlerTasks, type Inherited, type Play, type Playbook, type Role, type Step, type Task } from './model.js';
import { RoleLoader, type RoleRef } from './roles.js';
import { inherit, list, varsOf } from './keywords.js';
import { TaskLoader } from './task-loader.js';

interface RawPlay {
  name?: string;
  hosts?: string | string[];
  import_playbook?: string;
  when?: string | boolean | Array<string | boolean>;
  vars_prompt?: Array<{ name: string; default?: unknown }>;
  order?: Play['order'];
  force_handlers?: boolean | string;
  become?: boolean | string;
  become_user?: string;
  remote_user?: string;
  connection?: string;
  vars?: Vars | Vars[];
  vars_files?: string | string[];
  gather_facts?: boolean | string;
  gather_subset?: string | string[];
  gather_timeout?: number;
  fact_path?: string;
  roles?: Array<string | RoleRef>;
  pre_tasks?: unknown[];
  tasks?: unknown[];
  post_tasks?: unknown[];
  handlers?: unknown[];
  serial?: number | string | Array<number | string>;
  any_errors_fatal?: boolean | string;
  module_defaults?: Record<string, Record<string, unknown>>;
  max_fail_percentage?: number;
  environment?: Record<string, unknown> | string;
  tags?: string | string[];
  no_log?: boolean | string;
}

/** Load and validate a whole playbook into plan data; nothing here touches a host. */
export async function loadPlaybook(file: string, cwd: string): Promise<Playbook> {
  const dir = dirname(resolve(cwd, file));
  const shared = { ids: { next: 1 }, warnings: [] };
  const plays = await loadPlays(resolve(cwd, file), cwd, [], shared);
  return { file, dir, plays, warnings: shared.warnings };
}

/** The plays of a playbook file, import_playbook entries replaced by the plays they import (their tasks under the entry's when). */
/** What every play of a playbook shares while loading: task ids, and the problems of include_tasks files found. */
interface LoadShared {
  ids: { next: number };
  warnings: string[];
}

async function loadPlays(path: string, cwd: string, chain: string[], shared: LoadShared): Promise<Play[]> {
  const source = await loadYamlFile(path, 'playbook');
  if (!Array.isArray(source.value)) {
    throw new UserError('a playbook must be a list of plays.', source.locate([]), 'Start each play with "- name: ..." and "hosts: ...".');
  }
  validateAgainstSchema('playbook', source, 'play');
  const dir = dirname(path);
  // Ansible's order: roles/ beside the playbook, the roles path it is given (ANSIBLE_ROLES_PATH), the playbook's own folder.
  const rolesPath = (process.env.ANSIBLE_ROLES_PATH ?? '')
    .split(':')
    .filter(Boolean)
    .map((entry) => resolve(cwd, entry));
  const searchPaths = [...new Set([join(dir, 'roles'), ...rolesPath, dir, join(dir, '..', 'roles'), join(cwd, 'roles')])];
  const plays: Play[] = [];
  for (const [index, raw] of (source.value as RawPlay[]).entries()) {
    if (raw.import_playbook !== undefined) {
      const imported = resolve(dir, raw.import_playbook);
      if (chain.includes(imported))
        throw new UserError(
          `${raw.import_playbook} imports itself: ${[...chain, imported].join(' -> ')}.`,
          source.locate([index]),
          'Remove the circular import_playbook.',
        );
      const when = list(raw.when);
      const tags = list(raw.tags).map(String);
      for (const play of await loadPlays(imported, cwd, [...chain, path], shared)) {
        // The entry's vars win over the imported plays' own; its when and tags reach every task (PlaybookInclude.load_data).
        Object.assign(play.vars, varsOf(raw.vars));
        for (const step of [play.factsTask, ...allTasks([...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers])]) {
          step.when = [...when, ...step.when];
          step.tags = [...new Set([...step.tags, ...tags])];
          if (step.kind === 'include') step.inner = { ...step.inner, when: [...when, ...step.inner.when], tags: [...new Set([...step.inner.tags, ...tags])] };
        }
        plays.push(play);
      }
      continue;
    }
    if (raw.hosts === undefined) throw new UserError("this play has no 'hosts' key.", source.locate([index]), "Add 'hosts:' with a group or host pattern.");
    plays.push(await loadPlay(raw, source, [index], dir, searchPaths, shared));
  }
  return plays;
}

/** vars_prompt without a terminal: each variable takes its default, as Ansible does when it cannot ask. */
function promptDefaults(prompts: RawPlay['vars_prompt']): Vars {
  return Object.fromEntries((prompts ?? []).map((prompt) => [prompt.name, prompt.default ?? '']));
}

async function loadPlay(raw: RawPlay, source: SourceDoc, path: PathSegment[], dir: string, searchPaths: string[], shared: LoadShared): Promise<Play> {
  const varsFiles = await loadVarsFiles(list(raw.vars_files), source, [...path, 'vars_files'], dir);
  // The play's keywords, which its tasks inherit; its vars are a precedence layer of their own.
  const { vars: _vars, ...keywords } = raw as unknown as Record<string, unknown>;
  const base: Inherited = inherit({ when: [], tags: [], environment: [], vars: {} }, keywords);
  // Roles import_role and include_role bring in among the tasks: their handlers are the play's too.
  const imported: Role[] = [];
  // include_role's roles: their handlers join the play when the run reaches the include.
  const included: Role[] = [];
  const loader: TaskLoader = new TaskLoader(shared.ids, shared.warnings, (role, parts, inherited, loc) => {
    const loaded: Role[] = roleLoader.load({ role }, inherited, loc, [], { ...parts, once: false });
    (parts.included ? included : imported).push(...loaded);
    return { tasks: loaded.flatMap((one) => one.tasks), handlers: loaded.flatMap((one) => one.handlers) };
  });
  const roleLoader: RoleLoader = new RoleLoader(searchPaths, loader);
  const section = (key: keyof RawPlay) => loader.loadItems(raw[key], { source, path: [...path, key] }, base);
  const roles: Role[] = [];
  for (const [index, ref] of (raw.roles ?? []).entries()) {
    roles.push(...roleLoader.load(ref, base, source.locate([...path, 'roles', index])));
  }
  const play: Play = {
    name: raw.name ?? list(raw.hosts).join(','),
    hosts: list(raw.hosts),
    become: raw.become,
    becomeUser: raw.become_user,
    remoteUser: raw.remote_user,
    connection: raw.connection,
    vars: { ...varsOf(raw.vars), ...promptDefaults(raw.vars_prompt) },
    varsFiles,
    gatherFacts: raw.gather_facts,
    factsTask: factsTask(raw, base, shared.ids, source.locate(path)),
    roles,
    preTasks: section('pre_tasks'),
    tasks: [...roles.flatMap((role) => role.tasks), ...section('tasks')],
    postTasks: section('post_tasks'),
    handlers: [],
    serial: raw.serial === undefined ? undefined : list(raw.serial),
    maxFailPercentage: raw.max_fail_percentage,
    order: raw.order,
    forceHandlers: raw.force_handlers,
    anyErrorsFatal: raw.any_errors_fatal ?? false,
    loader,
    loc: source.locate(path),
  };
  play.handlers = [...[...roles, ...imported].flatMap((role) => role.handlers), ...handlerTasks(section('handlers'))];
  play.roles = [...roles, ...imported, ...included];
  checkHandlers([...play.handlers, ...included.flatMap((role) => role.handlers)]);
  checkNotifyTargets(
    play,
    included.flatMap((role) => role.handlers),
  );
  return play;
}

/**
 * The task a play gathers facts with, as Ansible's play iterator makes it: gather_facts with the
 * play's gather_subset, gather_timeout and fact_path, its keywords, and tagged 'always' unless the
 * play has tags of its own.
 */
function factsTask(raw: RawPlay, base: Inherited, ids: LoadShared['ids'], loc: SourceLocation): Task {
  const given = { gather_subset: raw.gather_subset, gather_timeout: raw.gather_timeout, fact_path: raw.fact_path };
  const args = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  // gather_subset may be written as one comma-separated string.
  if (typeof args.gather_subset === 'string') args.gather_subset = args.gather_subset.split(',').map((subset) => subset.trim());
  return {
    ...base,
    kind: 'task',
    id: ids.next++,
    name: 'Gathering Facts',
    module: 'gather_facts',
    args,
    tags: base.tags.length ? base.tags : ['always'],
    runOnce: false,
    loopVar: 'item',
    until: [],
    notify: [],
    listen: [],
    loc,
  };
}

async function loadVarsFiles(files: string[], source: SourceDoc, path: PathSegment[], dir: string): Promise<Vars> {
  const vars: Vars = {};
  for (const [index, name] of files.entries()) {
    if (name.includes('{{'))
      throw new UserError('vars_files paths cannot hold templates.', source.locate([...path, index]), 'Write a plain path, relative to the playbook.');
    const file = await loadYamlFile(resolve(dir, name), 'vars_files');
    if (file.value !== null && (typeof file.value !== 'object' || Array.isArray(file.value))) {
      throw new UserError('a vars file must hold a mapping of variables.', file.locate([]), 'Write "name: value" lines.');
    }
    Object.assign(vars, file.value ?? {});
  }
  return vars;
}

/** A notify that names no handler is a typo that would silently do nothing: refuse it up front. */
/** What Ansible refuses as a handler: meta flush_handlers (it would flush from inside a flush). */
function checkHandlers(handlers: Step[]): void {
  for (const handler of handlers) {
    if (handler.kind === 'task' && handler.module === 'meta' && (handler.args as { action?: string }).action === 'flush_handlers')
      throw new UserError('flush_handlers cannot be used as a handler', handler.loc, 'Flush from a task instead.');
  }
}

function checkNotifyTargets(play: Play, later: Step[]): void {
  // A handler's name may be a template (rendered when handlers run): such a name may be what a task notifies.
  if ([...play.handlers, ...later].some((handler) => handler.name.includes('{{'))) return;
  const names = [...play.handlers, ...later].flatMap((handler) => [handler.name, ...handler.listen]);
  for (const task of allTasks([...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers])) {
    for (const target of task.notify) {
      if (!target.includes('{{') && !names.includes(target)) {
        throw new UserError(
          `task '${task.name}' notifies '${target}', and no handler has that name or listens to it.`,
          task.loc,
          `Fix the name.${didYouMean(target, names)}`,
        );
      }
    }
  }
}
