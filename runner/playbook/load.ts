import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { Vars } from '../vars/vars.js';
import { didYouMean, validateAgainstSchema } from '../schema/validate.js';
import { loadYamlFile, type PathSegment, type SourceDoc } from '../yaml/source.js';
import { allTasks, handlerTasks, type Inherited, type Play, type Playbook, type Role } from './model.js';
import { RoleLoader, type RoleRef } from './roles.js';
import { collectLoadWarnings, inherit, list, loadItems, setRoleImporter, varsOf } from './task.js';

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
  const warnings: string[] = [];
  const plays = await loadPlays(resolve(cwd, file), cwd, [], warnings);
  return { file, dir, plays, warnings };
}

/** The plays of a playbook file, import_playbook entries replaced by the plays they import (their tasks under the entry's when). */
async function loadPlays(path: string, cwd: string, chain: string[], warnings: string[]): Promise<Play[]> {
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
      for (const play of await loadPlays(imported, cwd, [...chain, path], warnings)) {
        if (when.length) for (const item of [...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers]) item.when.unshift(...when);
        plays.push(play);
      }
      continue;
    }
    if (raw.hosts === undefined) throw new UserError("this play has no 'hosts' key.", source.locate([index]), "Add 'hosts:' with a group or host pattern.");
    plays.push(await loadPlay(raw, source, [index], dir, new RoleLoader(searchPaths), warnings));
  }
  return plays;
}

/** vars_prompt without a terminal: each variable takes its default, as Ansible does when it cannot ask. */
function promptDefaults(prompts: RawPlay['vars_prompt']): Vars {
  return Object.fromEntries((prompts ?? []).map((prompt) => [prompt.name, prompt.default ?? '']));
}

async function loadPlay(raw: RawPlay, source: SourceDoc, path: PathSegment[], dir: string, roleLoader: RoleLoader, warnings: string[]): Promise<Play> {
  const varsFiles = await loadVarsFiles(list(raw.vars_files), source, [...path, 'vars_files'], dir);
  // From here on the load is synchronous: its warnings are this playbook's.
  collectLoadWarnings(warnings);
  // The play's keywords, which its tasks inherit; its vars are a precedence layer of their own.
  const { vars: _vars, ...keywords } = raw as unknown as Record<string, unknown>;
  const base: Inherited = inherit({ when: [], tags: [], environment: [], vars: {} }, keywords);
  const section = (key: keyof RawPlay) => loadItems(raw[key], { source, path: [...path, key] }, base);
  // Roles import_role and include_role bring in among the tasks: their handlers are the play's too.
  const imported: Role[] = [];
  setRoleImporter((role, parts, inherited, loc) => {
    const loaded = roleLoader.load({ role }, inherited, loc, [], { ...parts, once: false });
    imported.push(...loaded);
    return { tasks: loaded.flatMap((one) => one.tasks), handlers: loaded.flatMap((one) => one.handlers) };
  });
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
    gatherFacts: raw.gather_facts ?? true,
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
    loc: source.locate(path),
  };
  setRoleImporter(undefined);
  play.handlers = [...[...roles, ...imported].flatMap((role) => role.handlers), ...handlerTasks(section('handlers'))];
  play.roles = [...roles, ...imported];
  checkNotifyTargets(play);
  return play;
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
function checkNotifyTargets(play: Play): void {
  const names = play.handlers.flatMap((handler) => [handler.name, ...handler.listen]);
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
