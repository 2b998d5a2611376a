import Type from 'typebox';
import { shellQuote } from '../shell/quote.js';
import { editLines } from './lineinfile.js';
import { asDiffs, defineModule } from './module.js';
import { planFileContent } from './support/file-content.js';

export default defineModule({
  name: 'sysctl',
  collectionNames: ['ansible.posix.sysctl'],
  description: 'Sets a kernel parameter now (sysctl -w) and across reboots (a line in /etc/sysctl.d/), each only when it differs.',
  args: Type.Object(
    {
      name: Type.String({ pattern: '^[a-z0-9_.-]+$', description: 'The parameter, as sysctl names it: net.ipv4.ip_forward.', aliases: ['key'] }),
      value: Type.Union([Type.String(), Type.Integer()], { description: 'Its value.', aliases: ['val'] }),
      sysctl_file: Type.String({ default: '/etc/sysctl.d/99-k3s-playbook.conf', description: 'The file that sets it at every boot.' }),
    },
    { additionalProperties: false },
  ),
  returns: {
    name: { description: 'The parameter.', type: 'string' },
    value: { description: 'Its value, as text.', type: 'string' },
  },
  examples: [{ description: 'Let the host forward IPv4 packets (Kubernetes networking needs it).', task: 'sysctl:\n  name: net.ipv4.ip_forward\n  value: 1' }],
  checkMode: 'full',
  async plan(args, ctx) {
    const file = args.sysctl_file;
    const value = String(args.value);
    const [live, saved] = await Promise.all([ctx.run(`sysctl -n ${shellQuote(args.name)}`), ctx.readPath(file, 'content')]);
    if (live.rc !== 0) return { changed: false, failed: true, msg: `the kernel has no parameter ${args.name}: ${live.stderr.trim()}` };
    const text = saved.content?.toString('utf8') ?? '';
    const line = `${args.name} = ${value}`;
    const persisted = await planFileContent(
      ctx,
      file,
      editLines(text, { regexp: `^\\s*${args.name.replace(/\./g, '\\.')}\\s*=`, line }).text,
      { mode: '0644' },
      { state: saved.state, text },
    );
    if (persisted.failed) return persisted;
    const liveChanged = live.stdout.trim().replace(/\s+/g, ' ') !== value;
    const liveDiff = liveChanged && ctx.diff ? [{ path: `${args.name} (running kernel)`, before: `${live.stdout.trim()}\n`, after: `${value}\n` }] : [];
    return {
      changed: liveChanged || persisted.changed,
      name: args.name,
      value,
      diff: [...(asDiffs(persisted.diff) ?? []), ...liveDiff],
      steps: [
        ...(persisted.steps ?? []),
        ...(liveChanged ? [{ what: `sysctl -w ${args.name}`, command: `sysctl -w ${shellQuote(`${args.name}=${value}`)}` }] : []),
      ],
    };
  },
});
