import { LOCALHOST_NAMES, type Inventory } from '../inventory/inventory.js';
import type { Vars } from '../vars/vars.js';
import type { Connection, ConnectionKeywords } from './connection.js';
import { LocalConnection } from './local.js';
import { SshConnection, type SshSettings } from './ssh.js';

/**
 * The connection for a host: local for ansible_connection: local (and an implicit localhost), SSH
 * otherwise. Connection vars come from the inventory, and -e overrides them, as in Ansible.
 */
export function connectionFactory(
  inventory: Inventory,
  extraVars: Vars,
  settings: SshSettings,
  /** -c and -u: below everything else. */
  defaults: Vars = {},
): (host: string, keywords?: ConnectionKeywords) => Connection {
  return (host, keywords = {}) => {
    // ansible_user and ansible_connection, where given, win over the remote_user and connection keywords, as in Ansible.
    const vars: Vars = {
      ...defaults,
      ...(keywords.remoteUser !== undefined ? { ansible_user: keywords.remoteUser } : {}),
      ...(keywords.connection !== undefined ? { ansible_connection: keywords.connection } : {}),
      ...(inventory.hosts.has(host) || inventory.implicit.has(host) ? inventory.hostVars(host) : {}),
      ...keywords.vars,
      ...extraVars,
    };
    const local =
      vars.ansible_connection === 'local' || (LOCALHOST_NAMES.has(host) && vars.ansible_host === undefined && vars.ansible_connection === undefined);
    return local ? new LocalConnection(host) : SshConnection.forHost(host, vars, settings);
  };
}
