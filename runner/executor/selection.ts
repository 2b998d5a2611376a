import type { Task } from '../playbook/model.js';

export interface SelectionOptions {
  tags: string[];
  skipTags: string[];
  /** --role NAME: only that role's tasks (and its handlers). */
  role?: string;
  startAtTask?: string;
}

/** Which tasks run: Ansible's tag rules ('always', 'never', 'tagged', 'untagged', 'all'), --role and --start-at-task. */
export class TaskSelection {
  private started: boolean;

  constructor(private readonly options: SelectionOptions) {
    this.started = options.startAtTask === undefined;
  }

  selects(task: Task): boolean {
    if (!this.started) {
      if (task.name !== this.options.startAtTask) return false;
      this.started = true;
    }
    if (this.options.role !== undefined && task.role?.name !== this.options.role) return false;
    return tagsSelect(task.tags, this.options.tags, this.options.skipTags);
  }
}

export function tagsSelect(taskTags: string[], only: string[], skip: string[]): boolean {
  const has = (list: string[]) => taskTags.some((tag) => list.includes(tag)) || (list.includes('tagged') && taskTags.length > 0) || (list.includes('untagged') && taskTags.length === 0);
  if (has(skip)) return false;
  if (taskTags.includes('always')) return true;
  const wanted = only.filter((tag) => tag !== 'all');
  if (taskTags.includes('never')) return wanted.length > 0 && (has(wanted) || wanted.includes('never'));
  return only.length === 0 || only.includes('all') || has(wanted);
}
