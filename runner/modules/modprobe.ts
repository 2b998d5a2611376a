import Type from 'typebox';
import { shellQuote } from '../shell/quote.js';
import { defineModule, type ModuleContext, type Plan } from './module.js';
import { planFileContent } from './support/file-content.js';

/** Where Ansible's modprobe (and systemd-modules-load) keeps a module loaded at boot. */
const bootFile = (name: string) => `/etc/modules-load.d/${name}.conf`;

export default defineModule({
  name: 'modprobe',
  collectionNames: ['community.general.modprobe'],
  description: 'Loads or unloads a kernel module, each only when needed; with persistent, also at every boot (/etc/modules-load.d/NAME.conf).',
  args: Type.Object(
    {
      name: Type.String({ pattern: '^[a-z0-9_-]+$', description: 'The kernel module: br_netfilter.' }),
      state: Type.Enum(['present', 'absent'], { default: 'present', description: "'present': loaded now; 'absent': unloaded now." }),
      persistent: Type.Enum(['present', 'absent', 'disabled'], {
        default: 'disabled',
        description:
          "'present': loaded at every boot too; 'absent': not loaded at boot by /etc/modules-load.d/NAME.conf (the file is removed); 'disabled': boot files left alone.",
      }),
    },
    { additionalProperties: false },
  ),
  returns: { name: { description: 'The kernel module.', type: 'string' } },
  examples: [
    {
      description: 'Load overlay, which containerd needs for its snapshots, now and at every boot.',
      task: 'modprobe:\n  name: overlay\n  persistent: present',
    },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    // Loaded modules appear under /sys/module; built-in ones are listed in modules.builtin.
    const name = shellQuote(args.name.replace(/-/g, '_'));
    const loaded =
      (await ctx.run(`test -d /sys/module/${name} || grep -qE "/${name}\\.ko(\\.[a-z]+)?$" "/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null`)).rc === 0;
    const boot = await planBootFile(args.name, args.persistent, ctx);
    if (boot.failed) return boot;
    const load = args.state === 'present' ? !loaded : loaded;
    const verb = args.state === 'present' ? 'modprobe' : 'modprobe -r';
    return {
      changed: load || boot.changed,
      name: args.name,
      diff: boot.diff,
      steps: [...(load ? [{ what: `${verb} ${args.name}`, command: `${verb} -- ${shellQuote(args.name)}` }] : []), ...(boot.steps ?? [])],
    };
  },
});

async function planBootFile(name: string, persistent: 'present' | 'absent' | 'disabled', ctx: ModuleContext): Promise<Plan> {
  if (persistent === 'present') return planFileContent(ctx, bootFile(name), `${name}\n`, { mode: '0644' });
  if (persistent === 'disabled') return { changed: false };
  const { state } = await ctx.readPath(bootFile(name), 'attributes');
  if (state.type === 'absent') return { changed: false };
  return { changed: true, steps: [{ what: `removing ${bootFile(name)}`, command: `rm -f -- ${shellQuote(bootFile(name))}` }] };
}
