import { UserError, type SourceLocation } from '../errors.js';
import inventorySchema from '../schema/inventory.schema.json' with { type: 'json' };

/** Become is applied to each command (sudo), so these may be set anywhere, as in Ansible. */
const PER_COMMAND = new Set(['ansible_become', 'ansible_become_user', 'ansible_become_password']);
/** The variables that say how a host is reached: the inventory's ansible_* host settings. */
const CONNECTION_VARS = new Set(Object.keys(inventorySchema.$defs.hostVars.properties).filter((key) => !PER_COMMAND.has(key)));

/**
 * A host's one connection is opened from the inventory (and -e), so a connection variable set in a
 * play, a vars file, a role or a task would be silently ignored (Ansible would honour it): refuse it
 * before any host is reached.
 */
export function refuseConnectionVars(vars: unknown, where: string, locate: (key: string) => SourceLocation | undefined): void {
  if (!vars || typeof vars !== 'object') return;
  for (const key of Object.keys(vars)) {
    if (!CONNECTION_VARS.has(key)) continue;
    const become = key.startsWith('ansible_become') ? ", or use the play's or task's 'become' and 'become_user'" : '';
    throw new UserError(
      `'${key}' in ${where} would be ignored: how a host is reached is read once, from the inventory (or -e).`,
      locate(key),
      `Set it in the inventory, for the host or its group${become}.`,
    );
  }
}
