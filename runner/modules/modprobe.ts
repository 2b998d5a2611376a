import { shellQuote } from '../connection/command-line.js';
import { defineModule } from './module.js';
import { ensureContent } from './support/file-content.js';

export default defineModule<{ name: string }>({
  name: 'modprobe',
  description: 'Loads a kernel module now and at every boot (/etc/modules-load.d/), each only when needed.',
  args: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string', pattern: '^[a-z0-9_-]+$' } } },
  checkMode: 'full',
  async run(args, ctx) {
    // Loaded modules appear under /sys/module; built-in ones are listed in modules.builtin.
    const name = shellQuote(args.name.replace(/-/g, '_'));
    const loaded = (await ctx.run(`test -d /sys/module/${name} || grep -qE "/${name}\.ko(\.[a-z]+)?$" "/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null`)).rc === 0;
    const persisted = await ensureContent(ctx, `/etc/modules-load.d/${args.name}.conf`, `${args.name}\n`, { mode: '0644' });
    if (persisted.failed) return persisted;
    if (!loaded && !ctx.check) {
      const load = await ctx.run(`modprobe -- ${shellQuote(args.name)}`);
      if (load.rc !== 0) return { changed: false, failed: true, msg: `modprobe ${args.name} failed: ${load.stderr.trim()}` };
    }
    return { changed: !loaded || persisted.changed, name: args.name, diff: persisted.diff };
  },
});
