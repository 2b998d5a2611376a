import type { Inventory } from '../inventory/inventory.js';
import { matchHosts } from '../inventory/patterns.js';
import type { Shard } from '../inventory/shard.js';
import { hostFilter } from '../executor/run.js';
import { allTasks, type Playbook } from '../playbook/model.js';
import { TaskSelection, type SelectionOptions } from '../executor/selection.js';
import { taskTitle } from '../reporters/format.js';

/** --list-hosts: the hosts each play would run on, as ansible-playbook prints them. */
export function listHosts(playbook: Playbook, inventory: Inventory, limit: string | undefined, shard?: Shard): string[] {
  const selected = hostFilter(inventory, limit, shard);
  const lines = [`playbook: ${playbook.file}`];
  playbook.plays.forEach((play, index) => {
    const hosts = matchHosts(inventory, play.hosts).hosts.filter(selected);
    lines.push(
      '',
      `  play #${index + 1} (${play.hosts.join(',')}): ${play.name}`,
      `    pattern: ${JSON.stringify(play.hosts)}`,
      `    hosts (${hosts.length}):`,
    );
    hosts.forEach((host) => lines.push(`      ${host}`));
  });
  return lines;
}

/** --list-tasks: the tasks each play would run, after tag, --role and --start-at-task selection. */
export function listTasks(playbook: Playbook, selectionOptions: SelectionOptions): string[] {
  const selection = new TaskSelection(selectionOptions, playbook);
  const lines = [`playbook: ${playbook.file}`];
  playbook.plays.forEach((play, index) => {
    if (selectionOptions.role !== undefined && !play.roles.some((role) => role.name === selectionOptions.role)) return;
    lines.push('', `  play #${index + 1} (${play.hosts.join(',')}): ${play.name}`, '    tasks:');
    for (const task of allTasks([...play.preTasks, ...play.tasks, ...play.postTasks], false)) {
      if (selection.selects(task)) lines.push(`      ${taskTitle(task.name, task.role?.name)}\tTAGS: [${task.tags.join(', ')}]`);
    }
  });
  return lines;
}
