import { shellQuote } from '../connection/command-line.js';
import { defineModule } from './module.js';

interface WaitArgs {
  host?: string;
  port?: number;
  path?: string;
  state?: 'started' | 'stopped' | 'present' | 'absent';
  timeout?: number;
  delay?: number;
  sleep?: number;
}

/** The condition as a shell test, run on the host itself. */
export function waitCondition(args: WaitArgs): string {
  const state = args.state ?? (args.path ? 'present' : 'started');
  if (args.path !== undefined) {
    const exists = `test -e ${shellQuote(args.path)}`;
    return state === 'absent' ? `! ${exists}` : exists;
  }
  const probe = `timeout 2 bash -c ${shellQuote(`exec 3<>/dev/tcp/${args.host ?? '127.0.0.1'}/${args.port}`)} 2>/dev/null`;
  return state === 'stopped' ? `! ${probe}` : probe;
}

export default defineModule<WaitArgs>({
  name: 'wait_for',
  description: 'Waits, on the host, until a TCP port answers (or stops answering) or a path appears (or goes away).',
  args: {
    type: 'object',
    additionalProperties: false,
    properties: {
      host: { type: 'string' },
      port: { type: 'integer', minimum: 1, maximum: 65535 },
      path: { type: 'string' },
      state: { enum: ['started', 'stopped', 'present', 'absent'] },
      timeout: { type: 'number', minimum: 0 },
      delay: { type: 'number', minimum: 0 },
      sleep: { type: 'number', minimum: 0.1 },
    },
  },
  checkMode: 'full',
  async run(args, ctx) {
    if ((args.port === undefined) === (args.path === undefined)) return { changed: false, failed: true, msg: "wait_for needs exactly one of 'port' and 'path'" };
    const timeout = args.timeout ?? 300;
    // One round trip: the host loops until the condition holds or the time is up.
    const script = `sleep ${args.delay ?? 0}; end=$(( $(date +%s) + ${Math.ceil(timeout)} )); while :; do if ${waitCondition(args)}; then echo ok; exit 0; fi; [ $(date +%s) -ge $end ] && exit 1; sleep ${args.sleep ?? 1}; done`;
    const started = Date.now();
    const result = await ctx.run(script);
    const elapsed = Math.round((Date.now() - started) / 1000);
    const what = args.path !== undefined ? `path ${args.path}` : `port ${args.host ?? '127.0.0.1'}:${args.port}`;
    if (result.rc !== 0) return { changed: false, failed: true, elapsed, msg: `timeout after ${timeout}s waiting for ${what} to be ${args.state ?? (args.path ? 'present' : 'started')}` };
    return { changed: false, elapsed };
  },
});
