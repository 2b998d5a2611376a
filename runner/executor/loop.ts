import { conditionsHold } from '../conditions/conditions.js';
import { ExpressionError } from '../jinja/errors.js';
import type { TemplateOrigin } from '../jinja/templar.js';
import { runLookup } from '../jinja/lookups.js';
import { UserError } from '../errors.js';
import type { Task } from '../playbook/model.js';
import { renderDeep } from '../jinja/templar.js';
import type { Vars } from '../vars/vars.js';
import { toPlain } from '../vars/scope.js';

/**
 * What a task loops over: its `loop` rendered, or, for a `with_<lookup>` keyword, that lookup run
 * on the rendered terms (a single value is one term), as Ansible runs with_dict, with_sequence, ...
 */
export function loopItems(task: Task, scope: Vars, origin: TemplateOrigin): unknown {
  const rendered = renderDeep(task.loop, scope, origin);
  if (!task.loopLookup) return rendered;
  if (task.loopLookup === 'list' && !Array.isArray(rendered))
    throw new UserError(`with_list of task '${task.name}': with_list expects a list.`, task.loc, 'Give a list.');
  const terms = Array.isArray(rendered) ? rendered.map((term) => toPlain(term)) : [toPlain(rendered)];
  try {
    return runLookup([task.loopLookup, ...terms], {}, scope) ?? [];
  } catch (error) {
    // The lookup's own words, as Ansible fails the task with them.
    if (error instanceof ExpressionError) throw new UserError(error.message, task.loc, `Fix the with_${task.loopLookup} loop of task '${task.name}'.`);
    throw error;
  }
}

/** What loopItemsUnlessSkipped gives for a task whose when is false. */
export const SKIPPED = Symbol('skipped');

/**
 * The task's loop items. As in Ansible, a loop that cannot be rendered (a variable of a block
 * that will not run) matters only if the task would run: its when is judged first, without the
 * loop variable, and when it is false the task is skipped instead.
 */
export function loopItemsUnlessSkipped(task: Task, scope: Vars, what: (key: string) => TemplateOrigin): unknown {
  try {
    return loopItems(task, scope, what('loop'));
  } catch (error) {
    let skip = false;
    try {
      skip = !conditionsHold(task.when, scope, what('when'));
    } catch {
      // The when needs the loop variable: the loop's own error is the one to report.
    }
    if (skip) return SKIPPED;
    throw error;
  }
}
