import Type, { type Static } from 'typebox';
import { setTimeout as sleep } from 'node:timers/promises';
import { shellQuote } from '../shell/quote.js';
import { pythonRegExp } from '../jinja/python-regex.js';
import { defineModule } from './module.js';

const waitArgs = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', description: 'The address whose port to probe, from the host itself.' }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'A TCP port to wait for (give this or path).' })),
    path: Type.Optional(Type.String({ description: 'A path to wait for (give this or port).' })),
    state: Type.Optional(
      Type.Enum(['started', 'stopped', 'drained', 'present', 'absent'], {
        description:
          "'started'/'stopped' for a port (default 'started'), 'drained' for a port without active connections, 'present'/'absent' for a path (default 'present').",
      }),
    ),
    timeout: Type.Number({ minimum: 0, default: 300, description: 'Seconds to wait before failing.' }),
    delay: Type.Number({ minimum: 0, default: 0, description: 'Seconds to wait before the first probe.' }),
    sleep: Type.Number({ minimum: 0.1, default: 1, description: 'Seconds between probes.' }),
    search_regex: Type.Optional(
      Type.String({ description: "With path: also wait until the file's text matches this (Python-style) regular expression; its groups are returned." }),
    ),
    msg: Type.Optional(Type.String({ description: 'The failure message instead of the default one.' })),
    active_connection_states: Type.Array(Type.String(), {
      default: ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'SYN_RECV', 'SYN_SENT', 'TIME_WAIT'],
      description: 'With state: drained, the TCP states that count as active (as Ansible names them).',
    }),
    exclude_hosts: Type.Optional(Type.Array(Type.String(), { description: 'With state: drained, peers whose connections do not count.' })),
  },
  { additionalProperties: false },
);

type WaitArgs = Static<typeof waitArgs>;

/** The condition as a shell test, run on the host itself. */
export function waitCondition(args: WaitArgs): string {
  const state = args.state ?? (args.path !== undefined ? 'present' : 'started');
  if (args.path !== undefined) {
    const exists = `test -e ${shellQuote(args.path)}`;
    if (state === 'absent') return `! ${exists}`;
    // grep's Perl-compatible expressions are the closest to Python's re.
    return args.search_regex === undefined ? exists : `${exists} && LC_ALL=C grep -Pzq ${shellQuote(args.search_regex)} ${shellQuote(args.path)}`;
  }
  if (state === 'drained') {
    // ss names the states as the kernel does: FIN_WAIT1 is fin-wait-1.
    const states = args.active_connection_states
      .map(
        (s) =>
          `state ${s
            .toLowerCase()
            .replace(/_/g, '-')
            .replace(/wait(\d)/, 'wait-$1')}`,
      )
      .join(' ');
    const peers = (args.exclude_hosts ?? []).map((host) => ` and dst != ${host}`).join('');
    return `[ -z "$(ss -Htan ${states} ${shellQuote(`( sport = :${args.port}${peers} )`)} 2>/dev/null)" ]`;
  }
  const probe = `timeout 2 bash -c ${shellQuote(`exec 3<>/dev/tcp/${args.host}/${args.port}`)} 2>/dev/null`;
  return state === 'stopped' ? `! ${probe}` : probe;
}

/** Ansible's wording when the time is up. */
function timeoutMessage(args: WaitArgs): string {
  const state = args.state ?? (args.path !== undefined ? 'present' : 'started');
  if (args.path === undefined)
    return state === 'stopped'
      ? `Timeout when waiting for ${args.host}:${args.port} to stop.`
      : state === 'drained'
        ? `Timeout when waiting for ${args.host}:${args.port} to drain`
        : `Timeout when waiting for ${args.host}:${args.port}`;
  if (state === 'absent') return `Timeout when waiting for ${args.path} to be absent.`;
  return args.search_regex !== undefined
    ? `Timeout when waiting for search string ${args.search_regex} in ${args.path}`
    : `Timeout when waiting for file ${args.path}`;
}

export default defineModule({
  name: 'wait_for',
  description:
    'Waits, on the host, until a TCP port answers (or stops answering), a path appears (or goes away) or a file holds a match of search_regex; with neither port nor path, for the time itself.',
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
    if (args.port !== undefined && args.path !== undefined)
      return { changed: false, failed: true, elapsed: 0, msg: 'port and path parameter can not both be passed to wait_for' };
    if (args.port === undefined && args.path === undefined) {
      // Neither: wait for the time itself, as Ansible does.
      await sleep((args.delay + args.timeout) * 1000);
      return { changed: false, elapsed: Math.floor(args.delay + args.timeout) };
    }
    // One round trip: the host loops until the condition holds or the time is up.
    // Milliseconds: the last wait ends at the deadline, so a timeout takes the time given and no more.
    const now = 'echo $(( $(date +%s%N) / 1000000 ))';
    const script = [
      `sleep ${args.delay}`,
      `end=$(( $(${now}) + ${Math.round(args.timeout * 1000)} ))`,
      `while :; do if ${waitCondition(args)}; then echo ok; exit 0; fi; left=$(( end - $(${now}) )); [ "$left" -le 0 ] && exit 1`,
      `  s=${Math.round(args.sleep * 1000)}; [ "$left" -lt "$s" ] && s=$left; sleep "$(printf '%d.%03d' $((s / 1000)) $((s % 1000)))"; done`,
    ].join('; ');
    const started = Date.now();
    const result = await ctx.run(script);
    const elapsed = Math.floor((Date.now() - started) / 1000);
    const reported = {
      elapsed,
      ...(args.path !== undefined ? { path: args.path } : { port: args.port }),
      ...(args.search_regex !== undefined ? { search_regex: args.search_regex } : {}),
    };
    if (result.rc !== 0) return { changed: false, failed: true, ...reported, msg: args.msg ?? timeoutMessage(args) };
    if (args.search_regex === undefined || args.path === undefined)
      return { changed: false, state: args.state ?? (args.path !== undefined ? 'present' : 'started'), ...reported };
    const match = pythonRegExp(args.search_regex, 'm').exec((await ctx.readPath(args.path, 'content')).content?.toString('utf8') ?? '');
    return { changed: false, ...reported, match_groups: match ? match.slice(1) : [], match_groupdict: { ...match?.groups } };
  },
});
