import { isDeepStrictEqual } from 'node:util';
import { stringify } from 'yaml';
import Type, { type Static } from 'typebox';
import { shellQuote } from '../shell/quote.js';
import { defineModule, type ModuleContext, type Step } from './module.js';
import { commandFailure, plannedBeforeInstall } from './support/command-failure.js';
import { goDurationSeconds, isPending, pendingRecovery, type Revision } from './support/helm-pending.js';

const releaseArgs = Type.Object(
  {
    name: Type.String({ description: 'The release name.' }),
    chart: Type.String({ description: 'The chart: repo/name (after helm repo add) or a path or URL of a chart archive.' }),
    version: Type.String({ description: 'The chart version to install; pinned, so a re-run never upgrades by surprise.' }),
    namespace: Type.String({ description: 'The namespace of the release.' }),
    values: Type.Record(Type.String(), Type.Unknown(), {
      default: {},
      description: 'Chart values (as in a values file); the release is upgraded when they differ from the deployed ones.',
    }),
    create_namespace: Type.Boolean({ default: false, description: 'Create the namespace when it does not exist.' }),
    wait: Type.Boolean({ default: false, description: 'Wait until the release is ready (helm --wait).' }),
    timeout: Type.String({
      default: '10m',
      pattern: '^(\\d+(\\.\\d+)?(ms|us|µs|ns|h|m|s))+$',
      description:
        'How long --wait may take, as Helm writes durations: 5m, 90s. A release left pending by an interrupted run is recovered only once it is older than this.',
    }),
    helm: Type.String({ default: 'helm', description: 'The helm program on the host.' }),
    kubeconfig: Type.String({ default: '/etc/rancher/k3s/k3s.yaml', description: "The cluster's kubeconfig on the host." }),
  },
  { additionalProperties: false },
);

type ReleaseArgs = Static<typeof releaseArgs>;

/** What `helm list -o json` says of a release. */
interface Listed {
  name: string;
  chart: string;
  status: string;
}

/** Whether a release needs `helm upgrade --install`, and why: a pure comparison. */
export function planRelease(
  args: Pick<ReleaseArgs, 'version' | 'values'>,
  listed: Listed | undefined,
  currentValues: Record<string, unknown>,
): string | undefined {
  if (!listed) return 'not installed';
  if (!listed.chart.endsWith(`-${args.version}`)) return `chart ${listed.chart} is not version ${args.version}`;
  if (listed.status !== 'deployed') return `status is ${listed.status}`;
  if (!isDeepStrictEqual(currentValues ?? {}, args.values)) return 'values differ';
  return undefined;
}

export default defineModule({
  name: 'helm_release',
  description: 'Installs or upgrades a Helm release only when its chart version, values or status differ from what is asked.',
  args: releaseArgs,
  returns: { msg: { description: 'Why the release is upgraded, or what it is.', type: 'string' } },
  examples: [
    {
      description: 'Install kube-prometheus-stack at a pinned version with a few values.',
      task: 'helm_release:\n  name: monitoring\n  chart: prometheus-community/kube-prometheus-stack\n  version: 67.9.0\n  namespace: monitoring\n  create_namespace: true\n  values:\n    grafana:\n      service: { type: NodePort, nodePort: 30300 }',
    },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    const helm = `${args.helm} --kubeconfig ${shellQuote(args.kubeconfig)} -n ${shellQuote(args.namespace)}`;
    const list = await ctx.run(`${helm} list --all -o json --filter ${shellQuote(`^${args.name}$`)}`);
    const beforeInstall = plannedBeforeInstall(list, args.helm, 'the release would be installed', upgradeStep(helm, args));
    if (beforeInstall) return beforeInstall;
    if (list.rc !== 0) return { changed: false, failed: true, msg: commandFailure('helm list', list) };
    const listed = (JSON.parse(list.stdout || '[]') as Listed[]).find((release) => release.name === args.name);
    const current = listed
      ? ((JSON.parse(await ctx.read('helm get values', `${helm} get values ${shellQuote(args.name)} -o json`)) as Record<string, unknown> | null) ?? {})
      : {};
    const reason = planRelease(args, listed, current);
    const recovery = listed && isPending(listed.status) ? await recoverPending(helm, args, ctx) : undefined;
    if (recovery && 'refused' in recovery) return { changed: false, failed: true, msg: recovery.refused };
    const refresh = reason ? await indexRefresh(args, ctx) : [];
    return {
      changed: reason !== undefined,
      msg: reason
        ? `upgrade: ${reason}${recovery ? ` (${recovery.msg})` : ''}${refresh.length ? ` (${args.version} is not in the cached chart index yet: it is refreshed first)` : ''}`
        : `${args.name} is ${listed?.chart}, values as asked`,
      diff:
        reason && ctx.diff
          ? [
              {
                path: `helm release ${args.name}`,
                before: listed ? `chart: ${listed.chart}\n${stringify(current)}` : '',
                after: `chart: ${args.chart}-${args.version}\n${stringify(args.values)}`,
              },
            ]
          : undefined,
      steps: reason ? [...(recovery ? [recovery.step] : []), ...refresh, upgradeStep(helm, args)] : [],
    };
  },
});

/** A release left pending: Helm refuses to upgrade it until it is rolled back or (a first install) removed. */
async function recoverPending(helm: string, args: ReleaseArgs, ctx: ModuleContext) {
  const history = JSON.parse(await ctx.read('helm history', `${helm} history ${shellQuote(args.name)} -o json --max 256`)) as Revision[];
  return pendingRecovery(helm, args.name, history, goDurationSeconds(args.timeout) ?? 0, Date.now());
}

/** A chart from a repository (repo/name, not a path or URL): its repository's name. */
export const chartRepository = (chart: string) => /^([A-Za-z0-9][\w.-]*)\/[\w.-]+$/.exec(chart)?.[1];

/**
 * Helm resolves a chart version from the repository index it cached at `helm repo add` or the last
 * `helm repo update`: a version published since is "not found" until the index is refreshed.
 */
async function indexRefresh(args: ReleaseArgs, ctx: ModuleContext): Promise<Step[]> {
  const repository = chartRepository(args.chart);
  if (!repository) return [];
  const search = await ctx.read(
    `helm search repo ${args.chart}`,
    `${args.helm} search repo ${shellQuote(args.chart)} --version ${shellQuote(args.version)} -o json`,
  );
  const found = (JSON.parse(search || '[]') as Array<{ name: string; version: string }>).some(
    (chart) => chart.name === args.chart && chart.version === args.version,
  );
  return found ? [] : [{ what: `helm repo update ${repository}`, command: `${args.helm} repo update ${shellQuote(repository)}` }];
}

function upgradeStep(helm: string, args: ReleaseArgs): Step {
  const flags = [args.create_namespace ? '--create-namespace' : '', args.wait ? `--wait --timeout ${shellQuote(args.timeout)}` : ''].filter(Boolean).join(' ');
  return {
    what: `helm upgrade --install ${args.name}`,
    command: `${helm} upgrade --install ${shellQuote(args.name)} ${shellQuote(args.chart)} --version ${shellQuote(args.version)} ${flags} -f -`,
    stdin: stringify(args.values),
  };
}
