import type { SourceLocation } from '../errors.js';
import type { Vars } from '../vars/vars.js';

export type Condition = string | boolean;

/** Keywords a task inherits from its block, role and play (when and tags add up; the rest: nearest wins). */
export interface Inherited {
  when: Condition[];
  tags: string[];
  become?: boolean | string;
  becomeUser?: string;
  /** Ansible's remote_user: the login user where the inventory sets no ansible_user. */
  remoteUser?: string;
  /** Ansible's connection keyword ('local', 'ssh') where the inventory sets no ansible_connection. */
  connection?: string;
  /** delegate_to of a block: its tasks run there. */
  delegateTo?: string;
  /** With delegate_to: the facts a task sets (set_fact) are the delegated host's, not the current one's. */
  delegateFacts?: boolean | string;
  /** The environment given at each level (play, block, task), in order: a mapping, or a template that renders to one; later ones win. */
  environment: Array<Record<string, unknown> | string>;
  vars: Vars;
  noLog?: boolean | string;
  ignoreErrors?: boolean | string;
  anyErrorsFatal?: boolean | string;
  /** module_defaults of the play, blocks and task: arguments per module, the nearest winning. */
  moduleDefaults?: Record<string, Record<string, unknown>>;
  /** Topics a handler listens to, given on it or on the block (or include) it is in. */
  listen?: string[];
  /** Handlers a block (or include_tasks' apply) notifies for each of its tasks that changes; a task's own notify wins. */
  notify?: string[];
  /** check_mode, diff, run_once and ignore_unreachable of the play, block, role or task: the nearest wins. */
  checkMode?: boolean | string;
  diff?: boolean | string;
  runOnce?: boolean | string;
  ignoreUnreachable?: boolean | string;
  /** Inside a block with a rescue: the author expects failures here. */
  rescued?: boolean;
  /** The vars written on the includes this is in (include_tasks, include_role, the old include): Ansible's include params, above set_fact. */
  includeParams?: Vars;
  role?: Role;
}

/** What a task or include loops over (loop, or a with_<lookup> keyword) and its loop_control. */
export interface Looping {
  loop?: unknown;
  /** For a with_<lookup> loop: the lookup its terms go through (items, dict, sequence, ...). */
  loopLookup?: string;
  loopVar: string;
  indexVar?: string;
  /** loop_control's pause: seconds between two items. */
  loopPause?: number | string;
  /** loop_control's extended: ansible_loop for each item (with allitems when extended_allitems is true). */
  loopExtended?: 'yes' | 'allitems';
  loopLabel?: string;
}

export interface Task extends Inherited, Looping {
  kind: 'task';
  id: number;
  name: string;
  module: string;
  args: Record<string, unknown> | string;
  register?: string;
  until: Condition[];
  retries?: number | string;
  delay?: number | string;
  changedWhen?: Condition[];
  failedWhen?: Condition[];
  notify: string[];
  listen: string[];
  /** async: run in the background for at most this many seconds (command and shell); poll: check every so many (0: leave it running). */
  async?: number | string;
  poll?: number | string;
  loc: SourceLocation;
}

export interface Block extends Inherited {
  kind: 'block';
  name?: string;
  block: Item[];
  rescue: Item[];
  always: Item[];
  loc: SourceLocation;
}

/** The parts of a role an import_role or include_role names (tasks_from, vars_from, ...). */
export interface RoleParts {
  tasksFrom?: string;
  varsFrom?: string;
  defaultsFrom?: string;
  handlersFrom?: string;
  /** false: its defaults and vars stay its own (include_role without public: true). */
  public?: boolean;
  /** false: the role runs again though the play ran it already (import_role, include_role). */
  once?: boolean;
  /** include_role's: its vars are the play's only once the run reaches it. */
  included?: boolean;
}

/**
 * include_tasks or include_role that the run reads when it reaches it, per host and loop item:
 * a file or role named by a template, or one that loops.
 */
export interface Include extends Inherited, Looping {
  kind: 'include';
  id: number;
  name: string;
  register?: string;
  notify: string[];
  listen: string[];
  loc: SourceLocation;
  /** What the included items inherit: the keywords around the include (its own when and tags are for it alone), its vars, apply's keywords. */
  inner: Inherited;
  /** include_tasks: the file as written (maybe a template), found beside the file that names it; its items when read at load. */
  includedFile?: { file: string; beside: string; items?: Item[] };
  /** include_role: the role and the parts named; its items when read at load (a name that is no template). */
  includedRole?: { name: string; parts: RoleParts; items?: Item[]; handlers?: Step[] };
}

export type Item = Task | Block | Include;

/** What runs under a name: a task or an include. */
export type Step = Task | Include;

export interface Role {
  name: string;
  path: string;
  /** Names of the roles it depends on (meta dependencies, and theirs). */
  dependencies: string[];
  defaults: Vars;
  vars: Vars;
  params: Vars;
  tasks: Item[];
  handlers: Step[];
  /** Its defaults and vars are the whole play's (roles:, import_role, include_role with public: true), as in Ansible. */
  public: boolean;
  /** Brought in by include_role: public only from when the run reaches the include (IncludeRole.get_block_list). */
  included?: boolean;
}

export interface Play {
  name: string;
  hosts: string[];
  become?: boolean | string;
  becomeUser?: string;
  remoteUser?: string;
  connection?: string;
  vars: Vars;
  varsFiles: Vars;
  /** The play's gather_facts; undefined when it does not say (Ansible's gathering setting decides). */
  gatherFacts?: boolean | string;
  /** The implicit gather_facts task that gathering runs (gather_subset, gather_timeout and fact_path of the play as its arguments). */
  factsTask: Task;
  roles: Role[];
  preTasks: Item[];
  /** Roles' tasks (dependencies first) then the play's tasks, as Ansible orders them. */
  tasks: Item[];
  postTasks: Item[];
  handlers: Step[];
  serial?: Array<number | string>;
  /** Ansible's max_fail_percentage: more failed hosts than this share of a batch stops the run. */
  maxFailPercentage?: number;
  anyErrorsFatal: boolean | string;
  /** The order hosts are taken in (Ansible's order keyword). */
  order?: 'inventory' | 'reverse_inventory' | 'sorted' | 'reverse_sorted' | 'shuffle';
  /** Handlers run at the end of the play even on hosts that failed. */
  forceHandlers?: boolean | string;
  /** Reads what the play's includes name when the run reaches them, as its tasks were read. */
  loader: IncludeReader;
  loc: SourceLocation;
}

/** What the run asks of a play's task loader when it reaches an include. */
export interface IncludeReader {
  /** A task file's items, checked as any task file (a file that brings itself in is refused). */
  loadTaskFileItems(file: string, inherited: Inherited, loc: SourceLocation): Item[];
  /** Copies of items for one loop item: new ids, the loop variables among their vars. */
  withItemVars(items: Item[], vars: Vars): Item[];
  /** The role an include names (by a template, or one that could not be read at load), read now with these parts. */
  readRole(include: Include, name: string, parts: RoleParts): { tasks: Item[]; handlers: Step[] };
}

export interface Playbook {
  file: string;
  dir: string;
  plays: Play[];
  /** What loading found that fails only if the run reaches it (an include_tasks file that does not load). */
  warnings: string[];
}

/** Every task and include inside a list of items, blocks opened (and what includes read at load, unless told not to), in order. */
export function* allTasks(items: Item[], intoIncludes = true): Generator<Step> {
  for (const item of items) {
    if (item.kind === 'block') yield* allTasks([...item.block, ...item.rescue, ...item.always]);
    else yield item;
    if (item.kind === 'include' && intoIncludes) yield* allTasks(item.includedFile?.items ?? item.includedRole?.items ?? [], intoIncludes);
  }
}

/** The handlers a handlers section holds: each task of a block (an included file) answers to the block's name too. */
export function handlerTasks(items: Item[], names: string[] = []): Step[] {
  return items.flatMap((item) =>
    item.kind !== 'block'
      ? [names.length ? { ...item, listen: [...new Set([...item.listen, ...names])] } : item]
      : handlerTasks([...item.block, ...item.rescue, ...item.always], item.name ? [...names, item.name] : names),
  );
}

export function* playTasks(play: Play): Generator<Step> {
  yield* allTasks([...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers]);
}
