import { shellQuote } from '../connection/command-line.js';
import { editLines } from './lineinfile.js';
import { defineModule } from './module.js';
import { ensureContent } from './support/file-content.js';

interface SysctlArgs {
  name: string;
  value: string | number;
  /** Where the setting persists across reboots. */
  sysctl_file?: string;
}

export default defineModule<SysctlArgs>({
  name: 'sysctl',
  description: 'Sets a kernel parameter now (sysctl -w) and across reboots (a line in /etc/sysctl.d/), each only when it differs.',
  args: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'value'],
    properties: { name: { type: 'string', pattern: '^[a-z0-9_.-]+$' }, value: { type: ['string', 'integer'] }, sysctl_file: { type: 'string' } },
  },
  checkMode: 'full',
  async run(args, ctx) {
    const file = args.sysctl_file ?? '/etc/sysctl.d/99-k3s-playbook.conf';
    const value = String(args.value);
    const [live, saved] = await Promise.all([ctx.run(`sysctl -n ${shellQuote(args.name)}`), ctx.readPath(file, 'content')]);
    if (live.rc !== 0) return { changed: false, failed: true, msg: `the kernel has no parameter ${args.name}: ${live.stderr.trim()}` };
    const { state } = saved;
    const content = saved.content?.toString('utf8') ?? '';
    const line = `${args.name} = ${value}`;
    const persisted = await ensureContent(ctx, file, editLines(content, { path: file, regexp: `^\\s*${args.name.replace(/\./g, '\\.')}\\s*=`, line }), { mode: '0644' }, { state, text: content });
    if (persisted.failed) return persisted;
    const liveChanged = live.stdout.trim().replace(/\s+/g, ' ') !== value;
    if (liveChanged && !ctx.check) {
      const set = await ctx.run(`sysctl -w ${shellQuote(`${args.name}=${value}`)}`);
      if (set.rc !== 0) return { changed: false, failed: true, msg: `sysctl -w ${args.name} failed: ${set.stderr.trim()}` };
    }
    const diff = liveChanged && ctx.diff ? [{ path: `${args.name} (running kernel)`, before: `${live.stdout.trim()}\n`, after: `${value}\n` }] : [];
    return { changed: liveChanged || persisted.changed, name: args.name, value, diff: [...(persisted.diff ?? []), ...diff] };
  },
});
