import { shellQuote } from '../connection/command-line.js';
import { defineModule } from './module.js';

interface UfwArgs {
  /** Open this port (e.g. 6443 or '30000:32767') for this protocol... */
  port?: string | number;
  proto?: 'tcp' | 'udp';
  /** ...for traffic from this network only; without a port, all traffic from it (pods and services reaching the node). */
  from?: string;
  /** ...tagged with this comment, so that what we opened can be told from the user's own rules. */
  comment?: string;
  /** Close every rule tagged with the comment (and only those), or the one port given. */
  delete?: boolean;
  /** ...or turn the firewall off (only when the user chose to). */
  state?: 'disabled';
}

export interface UfwRule {
  /** As ufw writes it: '6443/tcp', '30000:32767/tcp', or 'Anywhere' for a rule by source alone. */
  rule: string;
  /** The source network, when the rule is not from anywhere. */
  from?: string;
  comment?: string;
}

/** ufw's state: whether it is installed and active, and its IPv4 allow rules (ufw keeps the IPv6 twin). */
export function parseUfwStatus(output: string): { active: boolean; rules: UfwRule[] } {
  const active = /^Status: active/m.test(output);
  const rules = output.split('\n').flatMap((line) => {
    const match = /^(\S+)\s+ALLOW(?: IN)?\s+(\S+)\s*(?:#\s*(.*))?$/.exec(line.trim());
    if (!match || line.includes('(v6)')) return [];
    return [{ rule: match[1], ...(match[2] !== 'Anywhere' ? { from: match[2] } : {}), ...(match[3] ? { comment: match[3].trim() } : {}) }];
  });
  return { active, rules };
}

const same = (a: UfwRule, b: UfwRule) => a.rule === b.rule && a.from === b.from;
const describe = (r: UfwRule) => `${r.rule}${r.from ? ` from ${r.from}` : ''}`;
const listed = (rules: UfwRule[]) => rules.map((r) => `${describe(r)}${r.comment ? ` # ${r.comment}` : ''}\n`).join('');

/** The ufw arguments that name a rule: 'allow 6443/tcp', or 'allow from 10.42.0.0/16 [to any port 8472 proto udp]'. */
function ruleWords(rule: UfwRule): string {
  if (!rule.from) return `allow ${shellQuote(rule.rule)}`;
  const [port, proto] = rule.rule.split('/');
  return `allow from ${shellQuote(rule.from)} to any${rule.rule === 'Anywhere' ? '' : ` port ${shellQuote(port)} proto ${shellQuote(proto)}`}`;
}

export default defineModule<UfwArgs>({
  name: 'ufw',
  description: 'Opens (or closes) a port, or all traffic from a network, in ufw when ufw is active, tagging our rules with a comment; nothing to do when ufw is not active. Or disables ufw when asked.',
  args: {
    type: 'object',
    additionalProperties: false,
    properties: {
      port: { type: ['string', 'integer'], pattern: '^\\d+(:\\d+)?$' },
      proto: { enum: ['tcp', 'udp'] },
      from: { type: 'string', pattern: '^[0-9a-fA-F.:]+(/\\d{1,3})?$' },
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
    const to = args.port === undefined ? (args.from === undefined ? undefined : 'Anywhere') : `${args.port}/${args.proto ?? 'tcp'}`;
    const wanted: UfwRule | undefined = to === undefined ? undefined : { rule: to, ...(args.from ? { from: args.from } : {}) };
    const diff = (after: UfwRule[]) => (ctx.diff ? [{ path: 'ufw rules', before: listed(rules), after: listed(after) }] : undefined);

    if (args.delete) {
      // Only rules we tagged: a port the user opened before us stays open.
      const ours = rules.filter((r) => r.comment === comment && (wanted === undefined || same(r, wanted)));
      if (ours.length === 0) return { changed: false, msg: `no ufw rule tagged '${comment}'${wanted ? ` for ${describe(wanted)}` : ''}` };
      if (!ctx.check) {
        for (const rule of ours) {
          const removed = await ctx.run(`ufw delete ${ruleWords(rule)}`);
          if (removed.rc !== 0) return { changed: true, failed: true, msg: `ufw delete ${describe(rule)} failed: ${removed.stderr.trim()}` };
        }
      }
      return { changed: true, msg: `closed ${ours.map(describe).join(', ')}`, diff: diff(rules.filter((r) => !ours.includes(r))) };
    }
    if (wanted === undefined) return { changed: false, failed: true, msg: "ufw needs 'port' (with 'proto') or 'from', delete: true, or state: disabled" };
    if (rules.some((r) => same(r, wanted))) return { changed: false, msg: `${describe(wanted)} is open` };
    if (!ctx.check) {
      const added = await ctx.run(`ufw ${ruleWords(wanted)} comment ${shellQuote(comment)}`);
      if (added.rc !== 0) return { changed: false, failed: true, msg: `ufw ${describe(wanted)} failed: ${added.stderr.trim()}` };
    }
    return { changed: true, msg: `opened ${describe(wanted)}`, diff: diff([...rules, { ...wanted, comment }]) };
  },
});
