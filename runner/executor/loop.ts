import { conditionsHold } from '../conditions/conditions.js';
import { ExpressionError } from '../jinja/errors.js';
import type { TemplateOrigin } from '../jinja/templar.js';
import { runLookup } from '../jinja/lookups.js';
import { UserError } from '../errors.js';
import type { Step } from '../playbook/model.js';
import { hasTemplate, renderDeep, renderValue } from '../jinja/templar.js';
import type { Vars } from '../vars/vars.js';
import { toPlain } from '../vars/scope.js';

/**
 * What a task loops over: its `loop` rendered, or, for a `with_<lookup>` keyword, that lookup run
 * on the rendered terms (a single value is one term), as Ansible runs with_dict, with_sequence, ...
 */
export function loopItems(task: Step, scope: Vars, origin: TemplateOrigin): unknown {
  const rendered = renderDeep(task.loop, scope, origin);
  if (!task.loopLookup) return rendered;
  // These lookups take the list itself, as Ansible's check their terms.
  if ((task.loopLookup === 'list' || task.loopLookup === 'indexed_items') && !Array.isArray(rendered))
    throw new UserError(`with_${task.loopLookup} expects a list`, task.loc, `Give with_${task.loopLookup} of task '${task.name}' a list.`);
  const terms = Array.isArray(rendered) ? rendered.map((term) => toPlain(term)) : [toPlain(rendered)];
  try {
    return runLookup([task.loopLookup, ...terms], {}, scope) ?? [];
  } catch (error) {
    // The lookup's own words, as Ansible fails the task with them.
    if (error instanceof ExpressionError) throw new UserError(error.message, task.loc, `Fix the with_${task.loopLookup} loop of task '${task.name}'.`);
    throw error;
  }
}

/** loop_control's loop_var, which may be a template ("{{ loop_var_name }}"), as Ansible templates loop_control. */
export const loopVarOf = (step: Step, scope: Vars): string =>
  hasTemplate(step.loopVar) ? String(renderValue(step.loopVar, scope, { loc: step.loc, what: `'loop_control.loop_var' of '${step.name}'` })) : step.loopVar;

/** What loopItemsUnlessSkipped gives for a task whose when is false. */
export const SKIPPED = Symbol('skipped');

/**
 * The task's loop items. As in Ansible, a loop that cannot be rendered (a variable of a block
 * that will not run) matters only if the task would run: its when is judged first, without the
 * loop variable, and when it is false the task is skipped instead.
 */
export function loopItemsUnlessSkipped(task: Step, scope: Vars, what: (key: string) => TemplateOrigin): unknown {
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
