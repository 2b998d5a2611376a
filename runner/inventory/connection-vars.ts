import inventorySchema from '../schema/inventory.schema.json' with { type: 'json' };
import type { Vars } from '../vars/vars.js';

/** Become is applied to each command (sudo), so these are read per task, not per connection. */
const PER_COMMAND = new Set(['ansible_become', 'ansible_become_user', 'ansible_become_password']);
/** The variables that say how a host is reached: the inventory's ansible_* host settings. */
export const CONNECTION_VARS = Object.keys(inventorySchema.$defs.hostVars.properties).filter((key) => !PER_COMMAND.has(key));

/**
 * The connection variables a task's scope sets differently from the host's inventory (play, role or
 * task vars, set_fact): Ansible honours them there, so the task's connection takes them.
 */
export function connectionOverrides(scope: Vars, inventoryVars: Vars): Vars | undefined {
  let found: Vars | undefined;
  for (const key of CONNECTION_VARS) {
    if (!(key in scope)) continue;
    const value = scope[key];
    if (value !== undefined && value !== inventoryVars[key]) (found ??= {})[key] = value;
  }
  return found;
}
