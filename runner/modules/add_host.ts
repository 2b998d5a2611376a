import Type from 'typebox';
import { defineModule, listArgument } from './module.js';

/** Arguments add_host reads itself; every other one is a variable of the new host. */
const SPECIAL = new Set(['name', 'hostname', 'host', 'groups', 'groupname', 'group']);

export default defineModule({
  name: 'add_host',
  description:
    "Adds a host (and its groups and variables) to the run's in-memory inventory, for the plays that follow. Runs once per batch, as in Ansible; changed when the host, a group or a variable is new.",
  args: Type.Object(
    {
      name: Type.String({ aliases: ['host', 'hostname'], description: "The host's name; 'name:port' sets ansible_port." }),
      groups: Type.Optional(
        Type.Union([Type.String(), Type.Array(Type.String())], { aliases: ['groupname', 'group'], description: 'Groups to put it in (a list, or a,b).' }),
      ),
    },
    { additionalProperties: Type.Unknown({ description: 'Any other key is a variable of the host (ansible_host, ansible_user, ...).' }) },
  ),
  returns: { add_host: { description: 'host_name, groups and host_vars, which the engine adds to the inventory.', type: 'dict' } },
  examples: [
    {
      description: 'Add a node a previous task created, to a group a later play targets.',
      task: 'add_host:\n  name: node7\n  groups: [worker]\n  ansible_host: 10.0.0.7',
    },
  ],
  checkMode: 'full',
  async plan(args) {
    const raw = args as Record<string, unknown>;
    const [, bare, port] = /^(.*?)(?::(\d+))?$/.exec(String(args.name)) ?? [];
    const name = bare && port && !bare.includes(':') ? bare : String(args.name);
    const hostVars: Record<string, unknown> = Object.fromEntries(Object.entries(raw).filter(([key]) => !SPECIAL.has(key)));
    if (name !== String(args.name)) hostVars.ansible_ssh_port = Number(port);
    return {
      changed: false,
      add_host: { host_name: name, groups: [...new Set(args.groups === undefined ? [] : listArgument(args.groups))], host_vars: hostVars },
    };
  },
});
