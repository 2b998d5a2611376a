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
      value: Type.Optional(Type.Union([Type.String(), Type.Integer()], { description: 'Its value (needed unless state is absent).', aliases: ['val'] })),
      state: Type.Enum(['present', 'absent'], { default: 'present', description: 'absent: its line is taken out of sysctl_file (the running value stays).' }),
      sysctl_file: Type.String({ default: '/etc/sysctl.d/99-k3s-playbook.conf', description: 'The file that sets it at every boot.' }),
      reload: Type.Boolean({ default: true, description: 'Also set the running kernel to the value now (false: only the file, for the next boot).' }),
      sysctl_set: Type.Boolean({ default: false, description: "Set the running value even when reload is false (Ansible's sysctl -w)." }),
      ignoreerrors: Type.Boolean({ default: false, description: 'A parameter this kernel does not have is written to the file anyway instead of failing.' }),
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
    if (args.state === 'present' && args.value === undefined)
      return { changed: false, failed: true, msg: 'state is present but all of the following are missing: value' };
    const value = args.value === undefined ? undefined : String(args.value);
    const [live, saved] = await Promise.all([ctx.run(`sysctl -n ${shellQuote(args.name)}`), ctx.readPath(file, 'content')]);
    if (live.rc !== 0 && args.state === 'present' && !args.ignoreerrors)
      return { changed: false, failed: true, msg: `the kernel has no parameter ${args.name}: ${live.stderr.trim()}` };
    const text = saved.content?.toString('utf8') ?? '';
    const regexp = `^\\s*${args.name.replace(/\./g, '\\.')}\\s*=`;
    const edited = value === undefined ? editLines(text, { regexp, state: 'absent' }).text : editLines(text, { regexp, line: `${args.name} = ${value}` }).text;
    // Nothing to take out of a file that is not there.
    const persisted =
      value === undefined && saved.state.type === 'absent'
        ? { changed: false }
        : await planFileContent(ctx, file, edited, { mode: '0644' }, { state: saved.state, text });
    if (persisted.failed) return persisted;
    const setLive = value !== undefined && live.rc === 0 && (args.reload || args.sysctl_set);
    const liveChanged = setLive && live.stdout.trim().replace(/\s+/g, ' ') !== value;
    const liveDiff = liveChanged && ctx.diff ? [{ path: `${args.name} (running kernel)`, before: `${live.stdout.trim()}\n`, after: `${value}\n` }] : [];
    return {
      changed: liveChanged || persisted.changed,
      name: args.name,
      ...(value !== undefined ? { value } : {}),
      diff: [...(asDiffs('diff' in persisted ? persisted.diff : undefined) ?? []), ...liveDiff],
      steps: [
        ...(('steps' in persisted ? persisted.steps : undefined) ?? []),
        ...(liveChanged ? [{ what: `sysctl -w ${args.name}`, command: `sysctl -w ${shellQuote(`${args.name}=${value}`)}` }] : []),
      ],
    };
  },
});
