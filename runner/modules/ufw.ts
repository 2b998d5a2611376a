import { shellQuote } from '../connection/command-line.js';
import { defineModule } from './module.js';

interface UfwArgs {
  /** Open this port (e.g. 6443 or '30000:32767') for this protocol... */
  port?: string | number;
  proto?: 'tcp' | 'udp';
  /** ...tagged with this comment, so that what we opened can be told from the user's own rules. */
  comment?: string;
  /** Close every rule tagged with the comment (and only those), or the one port given. */
  delete?: boolean;
  /** ...or turn the firewall off (only when the user chose to). */
  state?: 'disabled';
}

export interface UfwRule {
  /** As ufw writes it: '6443/tcp', '30000:32767/tcp'. */
  rule: string;
  comment?: string;
}

/** ufw's state: whether it is installed and active, and its IPv4 allow rules (ufw keeps the IPv6 twin). */
export function parseUfwStatus(output: string): { active: boolean; rules: UfwRule[] } {
  const active = /^Status: active/m.test(output);
  const rules = output.split('\n').flatMap((line) => {
    const match = /^(\S+)\s+ALLOW(?: IN)?\s+Anywhere(?! \(v6\))\s*(?:#\s*(.*))?$/.exec(line.trim());
    return match ? [{ rule: match[1], ...(match[2] ? { comment: match[2].trim() } : {}) }] : [];
  });
  return { active, rules };
}

const listed = (rules: UfwRule[]) => rules.map((r) => `${r.rule}${r.comment ? ` # ${r.comment}` : ''}\n`).join('');

export default defineModule<UfwArgs>({
  name: 'ufw',
  description: 'Opens (or closes) a port in ufw when ufw is active, tagging our rules with a comment; nothing to do when ufw is not active. Or disables ufw when asked.',
  args: {
    type: 'object',
    additionalProperties: false,
    properties: {
      port: { type: ['string', 'integer'], pattern: '^\\d+(:\\d+)?$' },
      proto: { enum: ['tcp', 'udp'] },
      comment: { type: 'string', pattern: '^[A-Za-z0-9._-]+$' },
      delete: { type: 'boolean' },
      state: { enum: ['disabled'] },
    },
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
    if (!active) return { changed: false, msg: 'ufw is not active; no rule needed' };
    const comment = args.comment ?? 'k3s-playbook';
    const wanted = args.port === undefined ? undefined : `${args.port}/${args.proto ?? 'tcp'}`;
    const diff = (after: UfwRule[]) => (ctx.diff ? [{ path: 'ufw rules', before: listed(rules), after: listed(after) }] : undefined);

    if (args.delete) {
      // Only rules we tagged: a port the user opened before us stays open.
      const ours = rules.filter((r) => r.comment === comment && (wanted === undefined || r.rule === wanted));
      if (ours.length === 0) return { changed: false, msg: `no ufw rule tagged '${comment}'${wanted ? ` for ${wanted}` : ''}` };
      if (!ctx.check) {
        for (const { rule } of ours) {
          const removed = await ctx.run(`ufw delete allow ${shellQuote(rule)}`);
          if (removed.rc !== 0) return { changed: true, failed: true, msg: `ufw delete allow ${rule} failed: ${removed.stderr.trim()}` };
        }
      }
      return { changed: true, msg: `closed ${ours.map((r) => r.rule).join(', ')}`, diff: diff(rules.filter((r) => !ours.includes(r))) };
    }
    if (wanted === undefined) return { changed: false, failed: true, msg: "ufw needs 'port' (with 'proto'), delete: true, or state: disabled" };
    if (rules.some((r) => r.rule === wanted)) return { changed: false, msg: `${wanted} is open` };
    if (!ctx.check) {
      const added = await ctx.run(`ufw allow ${shellQuote(wanted)} comment ${shellQuote(comment)}`);
      if (added.rc !== 0) return { changed: false, failed: true, msg: `ufw allow ${wanted} failed: ${added.stderr.trim()}` };
    }
    return { changed: true, msg: `opened ${wanted}`, diff: diff([...rules, { rule: wanted, comment }]) };
  },
});
