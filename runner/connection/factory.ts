import type { Inventory } from '../inventory/inventory.js';
import { UnreachableError, type Connection } from './connection.js';
import { LocalConnection } from './local.js';

export interface ConnectionSettings {
  acceptNewHostKeys: boolean;
}

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** The connection for a host: local for ansible_connection: local (and an implicit localhost), SSH otherwise. */
export function connectionFactory(inventory: Inventory, _settings: ConnectionSettings): (host: string) => Connection {
  return (host) => {
    const vars = inventory.hosts.has(host) ? inventory.hostVars(host) : {};
    const local = vars.ansible_connection === 'local' || (LOCAL_NAMES.has(host) && vars.ansible_host === undefined && vars.ansible_connection === undefined);
    if (local) return new LocalConnection(host);
    return {
      host,
      connect: async () => {
        throw new UnreachableError(host, 'SSH connections are not available in this build');
      },
      exec: async () => ({ rc: 255, stdout: '', stderr: '' }),
      close: async () => undefined,
    };
  };
}
