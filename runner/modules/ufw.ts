import Type from 'typebox';
import { shellQuote } from '../shell/quote.js';
import { defineModule } from './module.js';

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

export default defineModule({
  name: 'ufw',
  collectionNames: ['community.general.ufw'],
  description:
    'Opens (or closes) a port, or all traffic from a network, in ufw when ufw is active, tagging our rules with a comment; nothing to do when ufw is not active. Or disables ufw when asked.',
  args: Type.Object(
    {
      rule: Type.Enum(['allow'], { default: 'allow', description: 'What the rule does to the traffic it matches: this module opens ports, so only allow.' }),
      port: Type.Optional(
        Type.Union([Type.String({ pattern: '^\\d+(:\\d+)?$' }), Type.Integer()], {
          description: "A port or range to open: 6443 or '30000:32767'.",
          aliases: ['to_port'],
        }),
      ),
      proto: Type.Enum(['tcp', 'udp'], { default: 'tcp', description: "The port's protocol.", aliases: ['protocol'] }),
      from: Type.Optional(
        Type.String({
          pattern: '^[0-9a-fA-F.:]+(/\\d{1,3})?$',
          description: 'Only for traffic from this network; without a port, all traffic from it (pods and services reaching the node).',
          aliases: ['from_ip', 'src'],
        }),
      ),
      comment: Type.String({
        pattern: '^[A-Za-z0-9._-]+$',
        default: 'k3s-playbook',
        description: "Tag of the rule, so that what we opened can be told from the user's own rules.",
      }),
      delete: Type.Boolean({ default: false, description: 'Close every rule tagged with the comment (and only those), or the one port given.' }),
      state: Type.Optional(Type.Enum(['disabled'], { description: "'disabled' turns the firewall off (only when the user chose to)." })),
    },
    { additionalProperties: false },
  ),
  returns: { msg: { description: 'What was opened or closed, or why nothing was.', type: 'string' } },
  examples: [
    { description: 'Open the Kubernetes API port when ufw is active.', task: 'ufw:\n  port: 6443\n  proto: tcp' },
    { description: "Let the pods' network reach the node.", task: 'ufw:\n  from: 10.42.0.0/16' },
    { description: 'Close every rule this project opened (reset).', task: 'ufw:\n  delete: true' },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    const status = await ctx.read('ufw status', 'if command -v ufw >/dev/null; then LC_ALL=C ufw status; else echo "Status: not installed"; fi');
    const { active, rules } = parseUfwStatus(status);
    if (args.state === 'disabled') {
      if (!active) return { changed: false, msg: 'ufw is not active' };
      return { changed: true, msg: 'ufw disabled', steps: [{ what: 'ufw disable', command: 'ufw --force disable' }] };
    }
    if (!active) return { changed: false, msg: 'ufw is not active; no rule needed' };
    const to = args.port === undefined ? (args.from === undefined ? undefined : 'Anywhere') : `${args.port}/${args.proto}`;
    const wanted: UfwRule | undefined = to === undefined ? undefined : { rule: to, ...(args.from ? { from: args.from } : {}) };
    const diff = (after: UfwRule[]) => (ctx.diff ? [{ path: 'ufw rules', before: listed(rules), after: listed(after) }] : undefined);

    if (args.delete) {
      // Only rules we tagged: a port the user opened before us stays open.
      const ours = rules.filter((r) => r.comment === args.comment && (wanted === undefined || same(r, wanted)));
      if (ours.length === 0) return { changed: false, msg: `no ufw rule tagged '${args.comment}'${wanted ? ` for ${describe(wanted)}` : ''}` };
      const steps = ours.map((rule) => ({ what: `ufw delete ${describe(rule)}`, command: `ufw delete ${ruleWords(rule)}` }));
      return { changed: true, msg: `closed ${ours.map(describe).join(', ')}`, diff: diff(rules.filter((r) => !ours.includes(r))), steps };
    }
    if (wanted === undefined) return { changed: false, failed: true, msg: "ufw needs 'port' (with 'proto') or 'from', delete: true, or state: disabled" };
    if (rules.some((r) => same(r, wanted))) return { changed: false, msg: `${describe(wanted)} is open` };
    const steps = [{ what: `ufw allow ${describe(wanted)}`, command: `ufw ${ruleWords(wanted)} comment ${shellQuote(args.comment)}` }];
    return { changed: true, msg: `opened ${describe(wanted)}`, diff: diff([...rules, { ...wanted, comment: args.comment }]), steps };
  },
});
