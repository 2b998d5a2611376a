import { evaluate, type TemplateOrigin } from '../expression/expression.js';
import { isTruthy } from '../expression/python.js';
import { hasTemplate, renderString } from '../template/render.js';

/** A list of conditions (when, changed_when, ...) holds when every one of them does. */
export function conditionsHold(conditions: ReadonlyArray<string | boolean>, scope: object, origin: TemplateOrigin): boolean {
  return conditions.every((condition) => {
    if (typeof condition === 'boolean') return condition;
    // '{{ x }}' in a condition is allowed as in old Ansible: render first, then judge the value.
    const value = hasTemplate(condition) ? renderString(condition, scope, origin) : evaluate(condition, scope, origin);
    return isTruthy(value);
  });
}
