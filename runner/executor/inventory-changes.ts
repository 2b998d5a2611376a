import type { SourceLocation } from '../errors.js';
import type { Vars } from '../vars/vars.js';
import { HostState } from './host.js';
import type { VarsContext } from './variables.js';

/**
 * What add_host and group_by asked for (their results' add_host and add_group, one per loop item),
 * applied to the run's inventory as Ansible's strategy applies them; true when anything changed.
 */
export function applyInventoryChanges(result: Record<string, unknown>, host: HostState, ctx: VarsContext, loc: SourceLocation): boolean {
  const results = Array.isArray(result.results) ? (result.results as Array<Record<string, unknown>>) : [result];
  let changed = false;
  for (const one of results) {
    const added = one.add_host as { host_name: string; groups: string[]; host_vars: Vars } | undefined;
    if (added) {
      const inventory = ctx.inventory;
      const changedHere = inventory.addHost(added.host_name, added.groups, added.host_vars, loc);
      const hosts = ctx.hosts as Map<string, HostState>;
      const state = hosts.get(added.host_name);
      if (!state) hosts.set(added.host_name, new HostState(added.host_name, inventory.hostVars(added.host_name)));
      else Object.assign(state.inventoryVars, inventory.hostVars(added.host_name));
      if (changedHere) one.changed = true;
      changed ||= changedHere;
    }
    if (typeof one.add_group === 'string') {
      const changedHere = ctx.inventory.addToGroup(host.name, one.add_group, (one.parent_groups as string[] | undefined) ?? ['all']);
      // The new group's vars (group_vars/NAME too) are the host's from now on.
      Object.assign(host.inventoryVars, ctx.inventory.hostVars(host.name));
      if (changedHere) one.changed = true;
      changed ||= changedHere;
    }
  }
  return changed;
}
