import Type from 'typebox';
import { shellQuote } from '../shell/quote.js';
import { defineModule } from './module.js';
import { planFileContent } from './support/file-content.js';

export default defineModule({
  name: 'modprobe',
  description: 'Loads a kernel module now and at every boot (/etc/modules-load.d/), each only when needed.',
  args: Type.Object({ name: Type.String({ pattern: '^[a-z0-9_-]+$', description: 'The kernel module: br_netfilter.' }) }, { additionalProperties: false }),
  returns: { name: { description: 'The kernel module.', type: 'string' } },
  examples: [{ description: 'Load overlay, which containerd needs for its snapshots.', task: 'modprobe:\n  name: overlay' }],
  checkMode: 'full',
  async plan(args, ctx) {
    // Loaded modules appear under /sys/module; built-in ones are listed in modules.builtin.
    const name = shellQuote(args.name.replace(/-/g, '_'));
    const loaded =
      (await ctx.run(`test -d /sys/module/${name} || grep -qE "/${name}\\.ko(\\.[a-z]+)?$" "/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null`)).rc === 0;
    const persisted = await planFileContent(ctx, `/etc/modules-load.d/${args.name}.conf`, `${args.name}\n`, { mode: '0644' });
    if (persisted.failed) return persisted;
    return {
      changed: !loaded || persisted.changed,
      name: args.name,
      diff: persisted.diff,
      steps: [...(persisted.steps ?? []), ...(loaded ? [] : [{ what: `modprobe ${args.name}`, command: `modprobe -- ${shellQuote(args.name)}` }])],
    };
  },
});
