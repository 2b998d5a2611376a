import Type from 'typebox';
import { accountsCommand, parseAccounts } from '../facts/accounts.js';
import { shellQuote } from '../shell/quote.js';
import type { ExecResult } from '../connection/connection.js';
import { defineModule } from './module.js';
import { commandFailure } from './support/command-failure.js';

export default defineModule({
  name: 'group',
  description: 'Makes a local group exist with the gid given (groupadd/groupmod), or removes it (groupdel).',
  args: Type.Object(
    {
      name: Type.String({ description: 'The group name.' }),
      state: Type.Enum(['present', 'absent'], { default: 'present', description: 'Whether the group exists.' }),
      gid: Type.Optional(Type.Integer({ description: "The group's gid." })),
      system: Type.Boolean({ default: false, description: 'A system group (gid from the system range), when created.' }),
      non_unique: Type.Boolean({ default: false, description: 'Allow a gid another group has (needs gid).' }),
      local: Type.Boolean({
        default: false,
        description: "Manage the group in the local /etc/group with libuser's lgroupadd/lgroupmod/lgroupdel, where the host also has network groups.",
      }),
    },
    { additionalProperties: false },
  ),
  returns: {
    name: { description: 'The group name.', type: 'string' },
    gid: { description: "The group's gid.", type: 'number' },
    state: { description: 'present or absent.', type: 'string' },
  },
  examples: [{ description: 'A group for the people who may read the logs.', task: 'group:\n  name: example-logs\n  system: true' }],
  checkMode: 'full',
  async plan(args, ctx) {
    if (args.non_unique && args.gid === undefined) return { changed: false, failed: true, msg: 'non_unique is True but all of the following are missing: gid' };
    const lookups = [args.name, ...(args.local && args.gid !== undefined ? [String(args.gid)] : [])];
    const [current, byGid] = parseAccounts(await ctx.read(`reading group ${args.name}`, accountsCommand(undefined, lookups))).groups;
    const g = shellQuote(args.name);
    const base = { name: args.name, state: args.state };
    const [add, modify, remove] = args.local ? ['lgroupadd', 'lgroupmod', 'lgroupdel'] : ['groupadd', 'groupmod', 'groupdel'];
    if (args.state === 'absent')
      return current ? { changed: true, ...base, steps: [{ what: `removing group ${args.name}`, command: `${remove} -- ${g}` }] } : { changed: false, ...base };
    // libuser does not refuse a gid another group has: checked here, in Ansible's words.
    if (args.local && byGid && byGid.name !== args.name && byGid.gid === args.gid)
      return { changed: false, failed: true, msg: `GID '${args.gid}' already exists with group '${byGid.name}'` };
    const gid = args.gid !== undefined ? ['-g', String(args.gid), ...(args.non_unique ? ['-o'] : [])] : [];
    if (!current) {
      const what = `creating group ${args.name}`;
      // The gid groupadd chose is read in the same command: content uses it (chown to group.gid).
      const command = `${[add, ...gid, ...(args.system ? ['-r'] : []), '--', g].join(' ')} && getent group ${g} | cut -d: -f3`;
      const interpret = (output: ExecResult) =>
        output.rc === 0 ? { gid: Number(output.stdout.trim()) || args.gid } : { failed: true, msg: commandFailure(what, output) };
      return { changed: true, ...base, gid: args.gid, system: args.system, steps: [{ what, command, interpret }] };
    }
    if (args.gid === undefined || args.gid === current.gid) return { changed: false, ...base, gid: current.gid, system: args.system };
    return {
      changed: true,
      ...base,
      gid: args.gid,
      system: args.system,
      steps: [{ what: `changing the gid of group ${args.name}`, command: [modify, ...gid, '--', g].join(' ') }],
    };
  },
});
