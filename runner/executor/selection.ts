import type { Playbook, Step } from '../playbook/model.js';

export interface SelectionOptions {
  tags: string[];
  skipTags: string[];
  /** --role NAME: only that role's tasks, with the roles it depends on (and their handlers). */
  role?: string;
  startAtTask?: string;
}

/** Which tasks run: Ansible's tag rules ('always', 'never', 'tagged', 'untagged', 'all'), --role and --start-at-task. */
export class TaskSelection {
  private started: boolean;
  /** With --role: that role and the roles it depends on (its installer, its shared settings). */
  private readonly roles?: Set<string>;

  constructor(
    readonly options: SelectionOptions,
    playbook?: Playbook,
  ) {
    this.started = options.startAtTask === undefined;
    if (options.role !== undefined) {
      const named = (playbook?.plays ?? []).flatMap((play) => play.roles).filter((role) => role.name === options.role);
      this.roles = new Set([options.role, ...named.flatMap((role) => role.dependencies)]);
    }
  }

  selects(task: Step): boolean {
    if (!this.started) {
      if (task.name !== this.options.startAtTask) return false;
      this.started = true;
    }
    if (this.roles && !(task.role && this.roles.has(task.role.name))) return false;
    return tagsSelect(task.tags, this.options.tags, this.options.skipTags);
  }
}

export function tagsSelect(taskTags: string[], only: string[], skip: string[]): boolean {
  const has = (list: string[]) =>
    taskTags.some((tag) => list.includes(tag)) || (list.includes('tagged') && taskTags.length > 0) || (list.includes('untagged') && taskTags.length === 0);
  if (has(skip)) return false;
  if (taskTags.includes('always')) return true;
  const wanted = only.filter((tag) => tag !== 'all');
  if (taskTags.includes('never')) return wanted.length > 0 && (has(wanted) || wanted.includes('never'));
  return only.length === 0 || only.includes('all') || has(wanted);
}
