import { isDeepStrictEqual } from 'node:util';
import { stringify } from 'yaml';
import { shellQuote } from '../connection/command-line.js';
import { defineModule } from './module.js';

interface HelmReleaseArgs {
  name: string;
  chart: string;
  version: string;
  namespace: string;
  values?: Record<string, unknown>;
  create_namespace?: boolean;
  wait?: boolean;
  timeout?: string;
  helm?: string;
  kubeconfig?: string;
}

/** What `helm list -o json` says of a release. */
interface Listed {
  name: string;
  chart: string;
  status: string;
}

/** Whether a release needs `helm upgrade --install`, and why: a pure comparison. */
export function planRelease(args: HelmReleaseArgs, listed: Listed | undefined, currentValues: Record<string, unknown>): string | undefined {
  if (!listed) return 'not installed';
  if (!listed.chart.endsWith(`-${args.version}`)) return `chart ${listed.chart} is not version ${args.version}`;
  if (listed.status !== 'deployed') return `status is ${listed.status}`;
  if (!isDeepStrictEqual(currentValues ?? {}, args.values ?? {})) return 'values differ';
  return undefined;
}

export default defineModule<HelmReleaseArgs>({
  name: 'helm_release',
  description: 'Installs or upgrades a Helm release only when its chart version, values or status differ from what is asked.',
  args: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'chart', 'version', 'namespace'],
    properties: {
      name: { type: 'string' },
      chart: { type: 'string' },
      version: { type: 'string' },
      namespace: { type: 'string' },
      values: { type: 'object' },
      create_namespace: { type: 'boolean' },
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
      helm: { type: 'string' },
      kubeconfig: { type: 'string' },
    },
  },
  checkMode: 'full',
  async run(args, ctx) {
    const helm = `${args.helm ?? 'helm'} --kubeconfig ${shellQuote(args.kubeconfig ?? '/etc/rancher/k3s/k3s.yaml')} -n ${shellQuote(args.namespace)}`;
    const list = await ctx.run(`${helm} list --all -o json --filter ${shellQuote(`^${args.name}$`)}`);
    if (list.rc !== 0) return { changed: false, failed: true, msg: `helm list failed: ${list.stderr.trim()}` };
    const listed = (JSON.parse(list.stdout || '[]') as Listed[]).find((release) => release.name === args.name);
    let current: Record<string, unknown> = {};
    if (listed) {
      const values = await ctx.run(`${helm} get values ${shellQuote(args.name)} -o json`);
      if (values.rc !== 0) return { changed: false, failed: true, msg: `helm get values failed: ${values.stderr.trim()}` };
      current = (JSON.parse(values.stdout || 'null') as Record<string, unknown> | null) ?? {};
    }
    const reason = planRelease(args, listed, current);
    const result = {
      changed: reason !== undefined,
      msg: reason ? `upgrade: ${reason}` : `${args.name} is ${listed?.chart}, values as asked`,
      diff: reason && ctx.diff ? [{ path: `helm release ${args.name}`, before: listed ? `chart: ${listed.chart}\n${stringify(current)}` : '', after: `chart: ${args.chart}-${args.version}\n${stringify(args.values ?? {})}` }] : undefined,
    };
    if (!reason || ctx.check) return result;
    const flags = [args.create_namespace ? '--create-namespace' : '', args.wait ? `--wait --timeout ${shellQuote(args.timeout ?? '10m')}` : ''].filter(Boolean).join(' ');
    const upgrade = await ctx.run(`${helm} upgrade --install ${shellQuote(args.name)} ${shellQuote(args.chart)} --version ${shellQuote(args.version)} ${flags} -f -`, { stdin: stringify(args.values ?? {}) });
    if (upgrade.rc !== 0) return { ...result, changed: false, failed: true, msg: `helm upgrade --install failed: ${upgrade.stderr.trim()}` };
    return result;
  },
});
