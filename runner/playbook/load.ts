import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { refuseConnectionVars } from '../inventory/connection-vars.js';
import type { Vars } from '../vars/vars.js';
import { didYouMean, validateAgainstSchema } from '../schema/validate.js';
import { loadYamlFile, type PathSegment, type SourceDoc } from '../yaml/source.js';
import { allTasks, type Inherited, type Play, type Playbook, type Role } from './model.js';
import { RoleLoader, type RoleRef } from './roles.js';
import { collectLoadWarnings, list, loadItems, mergeDefaults, setRoleImporter } from './task.js';

interface RawPlay {
  name?: string;
  hosts: string | string[];
  become?: boolean | string;
  become_user?: string;
  remote_user?: string;
  connection?: string;
  vars?: Vars;
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
  const source = await loadYamlFile(resolve(cwd, file), 'playbook');
  if (!Array.isArray(source.value)) {
    throw new UserError('a playbook must be a list of plays.', source.locate([]), 'Start each play with "- name: ..." and "hosts: ...".');
  }
  validateAgainstSchema('playbook', source, 'play');
  const dir = dirname(resolve(cwd, file));
  const searchPaths = [...new Set([join(dir, 'roles'), join(dir, '..', 'roles'), join(cwd, 'roles')])];
  const plays: Play[] = [];
  const warnings = collectLoadWarnings();
  for (const [index, raw] of (source.value as RawPlay[]).entries()) {
    plays.push(await loadPlay(raw, source, [index], dir, new RoleLoader(searchPaths)));
  }
  return { file, dir, plays, warnings };
}

async function loadPlay(raw: RawPlay, source: SourceDoc, path: PathSegment[], dir: string, roleLoader: RoleLoader): Promise<Play> {
  refuseConnectionVars(raw.vars, "the play's vars", (key) => source.locate([...path, 'vars', key]));
  const base: Inherited = {
    when: [],
    tags: list(raw.tags).map(String),
    become: raw.become,
    becomeUser: raw.become_user,
    remoteUser: raw.remote_user,
    connection: raw.connection,
    environment: raw.environment === undefined ? [] : [raw.environment],
    vars: {},
    noLog: raw.no_log,
    anyErrorsFatal: raw.any_errors_fatal,
    moduleDefaults: mergeDefaults(undefined, raw.module_defaults),
  };
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
    roles.push(...roleLoader.load(typeof ref === 'string' ? { role: ref } : ref, base, source.locate([...path, 'roles', index])));
  }
  const play: Play = {
    name: raw.name ?? list(raw.hosts).join(','),
    hosts: list(raw.hosts),
    become: raw.become,
    becomeUser: raw.become_user,
    remoteUser: raw.remote_user,
    connection: raw.connection,
    vars: raw.vars ?? {},
    varsFiles: await loadVarsFiles(list(raw.vars_files), source, [...path, 'vars_files'], dir),
    gatherFacts: raw.gather_facts ?? true,
    roles,
    preTasks: section('pre_tasks'),
    tasks: [...roles.flatMap((role) => role.tasks), ...section('tasks')],
    postTasks: section('post_tasks'),
    handlers: [],
    serial: raw.serial === undefined ? undefined : list(raw.serial),
    maxFailPercentage: raw.max_fail_percentage,
    anyErrorsFatal: raw.any_errors_fatal ?? false,
    loc: source.locate(path),
  };
  setRoleImporter(undefined);
  play.handlers = [...[...roles, ...imported].flatMap((role) => role.handlers), ...allTasks(section('handlers'))];
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
    refuseConnectionVars(file.value, file.file, (key) => file.locate([key]));
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
