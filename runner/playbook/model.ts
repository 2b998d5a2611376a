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
  role?: Role;
}

export interface Task extends Inherited {
  kind: 'task';
  id: number;
  name: string;
  module: string;
  args: Record<string, unknown> | string;
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

export type Item = Task | Block;

export interface Role {
  name: string;
  path: string;
  /** Names of the roles it depends on (meta dependencies, and theirs). */
  dependencies: string[];
  defaults: Vars;
  vars: Vars;
  params: Vars;
  tasks: Item[];
  handlers: Task[];
  /** Its defaults and vars are the whole play's (roles:, import_role, include_role with public: true), as in Ansible. */
  public: boolean;
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
  gatherFacts: boolean | string;
  roles: Role[];
  preTasks: Item[];
  /** Roles' tasks (dependencies first) then the play's tasks, as Ansible orders them. */
  tasks: Item[];
  postTasks: Item[];
  handlers: Task[];
  serial?: Array<number | string>;
  /** Ansible's max_fail_percentage: more failed hosts than this share of a batch stops the run. */
  maxFailPercentage?: number;
  anyErrorsFatal: boolean | string;
  /** The order hosts are taken in (Ansible's order keyword). */
  order?: 'inventory' | 'reverse_inventory' | 'sorted' | 'reverse_sorted' | 'shuffle';
  /** Handlers run at the end of the play even on hosts that failed. */
  forceHandlers?: boolean | string;
  loc: SourceLocation;
}

export interface Playbook {
  file: string;
  dir: string;
  plays: Play[];
  /** What loading found that fails only if the run reaches it (an include_tasks file that does not load). */
  warnings: string[];
}

/** Every task inside a list of items, blocks opened, in order. */
export function* allTasks(items: Item[]): Generator<Task> {
  for (const item of items) {
    if (item.kind === 'task') yield item;
    else yield* allTasks([...item.block, ...item.rescue, ...item.always]);
  }
}

/** The handlers a handlers section holds: each task of a block (an included file) answers to the block's name too. */
export function handlerTasks(items: Item[], names: string[] = []): Task[] {
  return items.flatMap((item) =>
    item.kind === 'task'
      ? [names.length ? { ...item, listen: [...new Set([...item.listen, ...names])] } : item]
      : handlerTasks([...item.block, ...item.rescue, ...item.always], item.name ? [...names, item.name] : names),
  );
}

export function* playTasks(play: Play): Generator<Task> {
  yield* allTasks([...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers]);
}
