import { shellQuote } from '../connection/command-line.js';
import { defineModule } from './module.js';

interface UfwArgs {
  /** Open this port (e.g. 6443 or '30000:32767') for this protocol... */
  port?: string | number;
  proto?: 'tcp' | 'udp';
  /** ...or turn the firewall off (only when the user chose to). */
  state?: 'disabled';
}

/** ufw's state: whether it is installed and active, and the rules it lists ('6443/tcp'). */
export function parseUfwStatus(output: string): { active: boolean; rules: string[] } {
  const active = /^Status: active/m.test(output);
  const rules = output
    .split('\n')
    .map((line) => /^(\S+)\s+ALLOW(?: IN)?\s+Anywhere(?! \(v6\))/.exec(line.trim())?.[1])
    .filter((rule): rule is string => rule !== undefined);
  return { active, rules };
}

export default defineModule<UfwArgs>({
  name: 'ufw',
  description: 'Opens a port in ufw when ufw is active (nothing to do when it is not), or disables ufw when asked.',
  args: {
    type: 'object',
    additionalProperties: false,
    properties: { port: { type: ['string', 'integer'], pattern: '^\\d+(:\\d+)?$' }, proto: { enum: ['tcp', 'udp'] }, state: { enum: ['disabled'] } },
  },
  checkMode: 'full',
  async run(args, ctx) {
    const status = await ctx.run('if command -v ufw >/dev/null; then LC_ALL=C ufw status; else echo "Status: not installed"; fi');
    if (status.rc !== 0) return { changed: false, failed: true, msg: `ufw status failed: ${status.stderr.trim()}` };
    const { active, rules } = parseUfwStatus(status.stdout);
    if (args.state === 'disabled') {
      if (!active) return { changed: false, msg: 'ufw is not active' };
      if (!ctx.check) await ctx.run('ufw --force disable');
      return { changed: true, msg: 'ufw disabled' };
    }
    if (args.port === undefined) return { changed: false, failed: true, msg: "ufw needs 'port' (with 'proto') or state: disabled" };
    const rule = `${args.port}/${args.proto ?? 'tcp'}`;
    if (!active) return { changed: false, msg: `ufw is not active; ${rule} needs no rule` };
    if (rules.includes(rule)) return { changed: false, msg: `${rule} is open` };
    if (!ctx.check) {
      const added = await ctx.run(`ufw allow ${shellQuote(rule)} comment k3s-playbook`);
      if (added.rc !== 0) return { changed: false, failed: true, msg: `ufw allow ${rule} failed: ${added.stderr.trim()}` };
    }
    return { changed: true, msg: `opened ${rule}`, diff: ctx.diff ? [{ path: 'ufw rules', before: `${rules.join('\n')}\n`, after: `${[...rules, rule].join('\n')}\n` }] : undefined };
  },
});
