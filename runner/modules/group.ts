import Type from 'typebox';
import { accountsCommand, parseAccounts } from '../facts/accounts.js';
import { shellQuote } from '../shell/quote.js';
import { defineModule } from './module.js';

export default defineModule({
  name: 'group',
  description: 'Makes a local group exist with the gid given (groupadd/groupmod), or removes it (groupdel).',
  args: Type.Object(
    {
      name: Type.String({ description: 'The group name.' }),
      state: Type.Enum(['present', 'absent'], { default: 'present', description: 'Whether the group exists.' }),
      gid: Type.Optional(Type.Integer({ description: "The group's gid." })),
      system: Type.Boolean({ default: false, description: 'A system group (gid from the system range), when created.' }),
      non_unique: Type.Boolean({ default: false, description: 'Allow a gid another group has.' }),
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
    const [current] = parseAccounts(await ctx.read(`reading group ${args.name}`, accountsCommand(undefined, [args.name]))).groups;
    const g = shellQuote(args.name);
    const base = { name: args.name, state: args.state };
    if (args.state === 'absent')
      return current ? { changed: true, ...base, steps: [{ what: `removing group ${args.name}`, command: `groupdel -- ${g}` }] } : { changed: false, ...base };
    const gid = args.gid !== undefined ? ['-g', String(args.gid), ...(args.non_unique ? ['-o'] : [])] : [];
    if (!current) {
      const command = ['groupadd', ...gid, ...(args.system ? ['-r'] : []), '--', g].join(' ');
      return { changed: true, ...base, gid: args.gid, system: args.system, steps: [{ what: `creating group ${args.name}`, command }] };
    }
    if (args.gid === undefined || args.gid === current.gid) return { changed: false, ...base, gid: current.gid, system: args.system };
    return {
      changed: true,
      ...base,
      gid: args.gid,
      system: args.system,
      steps: [{ what: `changing the gid of group ${args.name}`, command: ['groupmod', ...gid, '--', g].join(' ') }],
    };
  },
});
