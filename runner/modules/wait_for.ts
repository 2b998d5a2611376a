import Type, { type Static } from 'typebox';
import { shellQuote } from '../shell/quote.js';
import { defineModule } from './module.js';

const waitArgs = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', description: 'The address whose port to probe, from the host itself.' }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'A TCP port to wait for (give this or path).' })),
    path: Type.Optional(Type.String({ description: 'A path to wait for (give this or port).' })),
    state: Type.Optional(
      Type.Enum(['started', 'stopped', 'present', 'absent'], {
        description: "'started'/'stopped' for a port (default 'started'), 'present'/'absent' for a path (default 'present').",
      }),
    ),
    timeout: Type.Number({ minimum: 0, default: 300, description: 'Seconds to wait before failing.' }),
    delay: Type.Number({ minimum: 0, default: 0, description: 'Seconds to wait before the first probe.' }),
    sleep: Type.Number({ minimum: 0.1, default: 1, description: 'Seconds between probes.' }),
  },
  { additionalProperties: false },
);

type WaitArgs = Static<typeof waitArgs>;

/** The condition as a shell test, run on the host itself. */
export function waitCondition(args: WaitArgs): string {
  const state = args.state ?? (args.path !== undefined ? 'present' : 'started');
  if (args.path !== undefined) {
    const exists = `test -e ${shellQuote(args.path)}`;
    return state === 'absent' ? `! ${exists}` : exists;
  }
  const probe = `timeout 2 bash -c ${shellQuote(`exec 3<>/dev/tcp/${args.host}/${args.port}`)} 2>/dev/null`;
  return state === 'stopped' ? `! ${probe}` : probe;
}

export default defineModule({
  name: 'wait_for',
  description: 'Waits, on the host, until a TCP port answers (or stops answering) or a path appears (or goes away).',
  args: waitArgs,
  returns: { elapsed: { description: 'Seconds waited.', type: 'number' } },
  examples: [
    {
      description: "Wait up to two minutes for the host's SSH server to answer on its address.",
      task: 'wait_for:\n  host: "{{ ansible_host }}"\n  port: 22\n  timeout: 120',
    },
    { description: 'Wait for a file a service writes when it is ready.', task: 'wait_for:\n  path: /etc/hostname\n  timeout: 10' },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    if ((args.port === undefined) === (args.path === undefined))
      return { changed: false, failed: true, msg: "wait_for needs exactly one of 'port' and 'path'" };
    // One round trip: the host loops until the condition holds or the time is up.
    const script = `sleep ${args.delay}; end=$(( $(date +%s) + ${Math.ceil(args.timeout)} )); while :; do if ${waitCondition(args)}; then echo ok; exit 0; fi; [ $(date +%s) -ge $end ] && exit 1; sleep ${args.sleep}; done`;
    const started = Date.now();
    const result = await ctx.run(script);
    const elapsed = Math.round((Date.now() - started) / 1000);
    const what = args.path !== undefined ? `path ${args.path}` : `port ${args.host}:${args.port}`;
    if (result.rc !== 0)
      return {
        changed: false,
        failed: true,
        elapsed,
        msg: `timeout after ${args.timeout}s waiting for ${what} to be ${args.state ?? (args.path !== undefined ? 'present' : 'started')}`,
      };
    return { changed: false, elapsed };
  },
});
