import { isDeepStrictEqual } from 'node:util';
import { parse, stringify } from 'yaml';
import Type, { type Static } from 'typebox';
import { mergeMappings } from '../jinja/filters.js';
import { shellQuote } from '../shell/quote.js';
import { helmCommand, kubeconfigArg } from './support/cluster-client.js';
import { defineModule, type ModuleContext, type Step } from './module.js';
import { commandFailure, plannedBeforeInstall } from './support/command-failure.js';
import { goDurationSeconds, isPending, pendingRecovery, type Revision } from './support/helm-pending.js';

const releaseArgs = Type.Object(
  {
    release_name: Type.String({ aliases: ['name'], description: 'The release name.' }),
    chart_ref: Type.Optional(
      Type.String({ description: 'The chart: repo/name (after helm repo add) or a path or URL of a chart archive. Not needed with release_state: absent.' }),
    ),
    chart_version: Type.Optional(Type.String({ description: 'The chart version to install; pin it, so a re-run never upgrades by surprise.' })),
    release_namespace: Type.String({ aliases: ['namespace'], description: 'The namespace of the release.' }),
    release_state: Type.Enum(['present', 'absent'], {
      default: 'present',
      aliases: ['state'],
      description: 'present: installed as asked; absent: uninstalled.',
    }),
    release_values: Type.Record(Type.String(), Type.Unknown(), {
      default: {},
      aliases: ['values'],
      description: 'Chart values (as in a values file), over values_files; the release is upgraded when the values differ from the deployed ones.',
    }),
    values_files: Type.Array(Type.String(), { default: [], description: 'Values files on the host, merged in order (release_values over them).' }),
    create_namespace: Type.Boolean({ default: false, description: 'Create the namespace when it does not exist.' }),
    wait: Type.Boolean({ default: false, description: 'Wait until the release is ready (helm --wait).' }),
    wait_timeout: Type.String({
      default: '5m',
      pattern: '^(\\d+(\\.\\d+)?(ms|us|µs|ns|h|m|s))+$',
      description:
        'How long --wait may take, as Helm writes durations: 5m, 90s. A release left pending by an interrupted run is recovered only once it is older than this.',
    }),
    atomic: Type.Boolean({ default: false, description: 'Roll back (or, for a first install, remove) a release whose upgrade fails (helm --atomic).' }),
    update_repo_cache: Type.Boolean({
      default: false,
      description: "Refresh the chart repository's index first (helm repo update); a version missing from it is refreshed anyway.",
    }),
    binary_path: Type.String({ default: 'helm', description: 'The helm program on the host.' }),
    kubeconfig: kubeconfigArg,
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

/** Whether a release needs `helm upgrade --install`, and why: a pure comparison (no chart_version: any version of the chart will do). */
export function planRelease(
  args: { chart_ref?: string; chart_version?: string },
  values: Record<string, unknown>,
  listed: Listed | undefined,
  currentValues: Record<string, unknown>,
): string | undefined {
  if (!listed) return 'not installed';
  if (args.chart_version !== undefined && !listed.chart.endsWith(`-${args.chart_version}`)) return `chart ${listed.chart} is not version ${args.chart_version}`;
  const chartName = args.chart_ref
    ?.split('/')
    .pop()
    ?.replace(/-\d[\w.+-]*\.tgz$/, '');
  if (args.chart_version === undefined && chartName && !listed.chart.startsWith(`${chartName}-`)) return `chart ${listed.chart} is not ${chartName}`;
  if (listed.status !== 'deployed') return `status is ${listed.status}`;
  if (!isDeepStrictEqual(currentValues ?? {}, values)) return 'values differ';
  return undefined;
}

export default defineModule({
  name: 'helm',
  collectionNames: ['kubernetes.core.helm', 'community.kubernetes.helm'],
  description:
    "Installs, upgrades or uninstalls a Helm release as kubernetes.core.helm does, through the host's helm: upgraded only when its chart version, values or status differ from what is asked; a release left pending by an interrupted run is recovered first.",
  args: releaseArgs,
  returns: {
    status: { description: 'The release as helm list shows it (name, namespace, revision, status, chart) after the task.', type: 'dict' },
    msg: { description: 'Why the release is upgraded, or what it is.', type: 'string' },
  },
  examples: [
    {
      description: 'Install kube-prometheus-stack at a pinned version with a few values.',
      task: 'kubernetes.core.helm:\n  release_name: monitoring\n  chart_ref: prometheus-community/kube-prometheus-stack\n  chart_version: 67.9.0\n  release_namespace: monitoring\n  create_namespace: true\n  release_values:\n    grafana:\n      service: { type: NodePort, nodePort: 30300 }',
    },
    { description: 'Remove a release.', task: 'helm:\n  release_name: old-app\n  release_namespace: default\n  release_state: absent' },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    const helm = helmCommand(args, args.release_namespace);
    const name = shellQuote(args.release_name);
    const list = await ctx.run(`${helm} list --all -o json --filter ${shellQuote(`^${args.release_name}$`)}`);
    if (args.release_state === 'absent') {
      if (list.rc === 127) return { changed: false, msg: `${args.binary_path} is not on the host: there is no release to remove` };
      if (list.rc !== 0) return { changed: false, failed: true, msg: commandFailure('helm list', list) };
      const listed = (JSON.parse(list.stdout || '[]') as Listed[]).find((release) => release.name === args.release_name);
      if (!listed) return { changed: false, status: {}, msg: `${args.release_name} is not installed` };
      const wait = args.wait ? ` --wait --timeout ${shellQuote(args.wait_timeout)}` : '';
      return {
        changed: true,
        status: listed,
        msg: `uninstall ${listed.chart}`,
        steps: [{ what: `helm uninstall ${args.release_name}`, command: `${helm} uninstall ${name}${wait}` }],
      };
    }
    if (args.chart_ref === undefined) return { changed: false, failed: true, msg: 'chart_ref is required when release_state is present' };
    const files = await Promise.all(args.values_files.map((file) => ctx.read(`values file ${file}`, `cat ${shellQuote(file)}`)));
    const values = [...files.map((text) => (parse(text) ?? {}) as Record<string, unknown>), args.release_values].reduce(
      (all, next) => mergeMappings(all, next, true, 'replace'),
      {},
    );
    const upgrade = upgradeStep(helm, args);
    const beforeInstall = plannedBeforeInstall(list, args.binary_path, 'the release would be installed', upgrade);
    if (beforeInstall) return beforeInstall;
    if (list.rc !== 0) return { changed: false, failed: true, msg: commandFailure('helm list', list) };
    const listed = (JSON.parse(list.stdout || '[]') as Listed[]).find((release) => release.name === args.release_name);
    const current = listed
      ? ((JSON.parse(await ctx.read('helm get values', `${helm} get values ${name} -o json`)) as Record<string, unknown> | null) ?? {})
      : {};
    const reason = planRelease(args, values, listed, current);
    const recovery = listed && isPending(listed.status) ? await recoverPending(helm, args, ctx) : undefined;
    if (recovery && 'refused' in recovery) return { changed: false, failed: true, msg: recovery.refused };
    const refresh = reason ? await indexRefresh(args, ctx) : [];
    const version = args.chart_version ?? 'the latest version';
    return {
      changed: reason !== undefined,
      status: listed ?? {},
      msg: reason
        ? `upgrade: ${reason}${recovery ? ` (${recovery.msg})` : ''}${refresh.length ? ` (${version} is not in the cached chart index yet: it is refreshed first)` : ''}`
        : `${args.release_name} is ${listed?.chart}, values as asked`,
      diff:
        reason && ctx.diff
          ? [
              {
                path: `helm release ${args.release_name}`,
                before: listed ? `chart: ${listed.chart}\n${stringify(current)}` : '',
                after: `chart: ${args.chart_ref}${args.chart_version ? `-${args.chart_version}` : ''}\n${stringify(values)}`,
              },
            ]
          : undefined,
      steps: reason ? [...(recovery ? [recovery.step] : []), ...refresh, upgrade] : [],
    };
  },
});

/** A release left pending: Helm refuses to upgrade it until it is rolled back or (a first install) removed. */
async function recoverPending(helm: string, args: ReleaseArgs, ctx: ModuleContext) {
  const history = JSON.parse(await ctx.read('helm history', `${helm} history ${shellQuote(args.release_name)} -o json --max 256`)) as Revision[];
  return pendingRecovery(helm, args.release_name, history, goDurationSeconds(args.wait_timeout) ?? 0, Date.now());
}

/** A chart from a repository (repo/name, not a path or URL): its repository's name. */
export const chartRepository = (chart: string) => /^([A-Za-z0-9][\w.-]*)\/[\w.-]+$/.exec(chart)?.[1];

/**
 * Helm resolves a chart version from the repository index it cached at `helm repo add` or the last
 * `helm repo update`: a version published since is "not found" until the index is refreshed.
 */
async function indexRefresh(args: ReleaseArgs, ctx: ModuleContext): Promise<Step[]> {
  const repository = chartRepository(args.chart_ref!);
  if (!repository) return [];
  const update = { what: `helm repo update ${repository}`, command: `${args.binary_path} repo update ${shellQuote(repository)}` };
  if (args.update_repo_cache || args.chart_version === undefined) return [update];
  const search = await ctx.read(
    `helm search repo ${args.chart_ref}`,
    `${args.binary_path} search repo ${shellQuote(args.chart_ref!)} --version ${shellQuote(args.chart_version)} -o json`,
  );
  const found = (JSON.parse(search || '[]') as Array<{ name: string; version: string }>).some(
    (chart) => chart.name === args.chart_ref && chart.version === args.chart_version,
  );
  return found ? [] : [update];
}

function upgradeStep(helm: string, args: ReleaseArgs): Step {
  const flags = [
    args.chart_version !== undefined ? `--version ${shellQuote(args.chart_version)}` : '',
    args.create_namespace ? '--create-namespace' : '',
    args.wait ? `--wait --timeout ${shellQuote(args.wait_timeout)}` : '',
    args.atomic ? '--atomic' : '',
    ...args.values_files.map((file) => `-f ${shellQuote(file)}`),
  ].filter(Boolean);
  return {
    what: `helm upgrade --install ${args.release_name}`,
    command: `${helm} upgrade --install ${shellQuote(args.release_name)} ${shellQuote(args.chart_ref!)} ${flags.join(' ')} -f -`,
    stdin: stringify(args.release_values),
  };
}
