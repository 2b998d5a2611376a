import { conditionHolds, type TemplateOrigin } from '../jinja/templar.js';

/** A list of conditions (when, changed_when, ...) holds when every one of them does, as Ansible judges each. */
export function conditionsHold(conditions: ReadonlyArray<string | boolean>, scope: object, origin: TemplateOrigin): boolean {
  return conditions.every((condition) => conditionHolds(condition, scope, origin));
}
