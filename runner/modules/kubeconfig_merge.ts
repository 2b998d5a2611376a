import { isDeepStrictEqual } from 'node:util';
import { parse, stringify } from 'yaml';
import Type from 'typebox';
import { shellQuote } from '../shell/quote.js';
import { defineModule } from './module.js';
import { atomicWriteCommand } from './support/file-content.js';

interface Named {
  name: string;
  [key: string]: unknown;
}

interface Kubeconfig {
  apiVersion?: string;
  kind?: string;
  clusters?: Named[];
  users?: Named[];
  contexts?: Named[];
  'current-context'?: string;
  [key: string]: unknown;
}

/**
 * The user's kubeconfig with this cluster's entries replaced (not duplicated, not left stale: a
 * reinstalled cluster has a new CA) and everything else kept: other contexts, preferences, and the
 * current context (set to this cluster only when there was none).
 */
export function mergeKubeconfig(existingText: string, clusterText: string, name: string, server: string): Kubeconfig {
  const existing = (parse(existingText || '{}') ?? {}) as Kubeconfig;
  const cluster = parse(clusterText) as Kubeconfig;
  const first = (list: Named[] | undefined, what: string) => {
    if (!list?.length) throw new Error(`the cluster's kubeconfig has no ${what}`);
    return list[0];
  };
  const newCluster: Named = { ...first(cluster.clusters, 'cluster'), name };
  newCluster.cluster = { ...(newCluster.cluster as object), server };
  const newUser = { ...first(cluster.users, 'user'), name };
  const newContext: Named = { ...first(cluster.contexts, 'context'), name };
  newContext.context = { ...(newContext.context as object), cluster: name, user: name };
  const others = (list: Named[] | undefined) => (list ?? []).filter((entry) => entry.name !== name);
  return {
    ...existing,
    apiVersion: existing.apiVersion ?? 'v1',
    kind: existing.kind ?? 'Config',
    clusters: [...others(existing.clusters), newCluster],
    users: [...others(existing.users), newUser],
    contexts: [...others(existing.contexts), newContext],
    'current-context': existing['current-context'] || name,
  };
}

/** The user's kubeconfig without this cluster's entries; the current context moves off it. */
export function removeFromKubeconfig(existingText: string, name: string): Kubeconfig {
  const existing = (parse(existingText || '{}') ?? {}) as Kubeconfig;
  const others = (list: Named[] | undefined) => (list ?? []).filter((entry) => entry.name !== name);
  const contexts = others(existing.contexts);
  return {
    ...existing,
    clusters: others(existing.clusters),
    users: others(existing.users),
    contexts,
    'current-context': existing['current-context'] === name ? (contexts[0]?.name ?? '') : existing['current-context'],
  };
}

/** Contexts and their servers, for --diff: never the credentials. */
const summary = (config: Kubeconfig) =>
  (config.contexts ?? [])
    .map((context) => {
      const clusterName = (context.context as { cluster?: string } | undefined)?.cluster;
      const server = ((config.clusters ?? []).find((c) => c.name === clusterName)?.cluster as { server?: string } | undefined)?.server;
      return `${context.name === config['current-context'] ? '* ' : '  '}${context.name} -> ${server ?? '?'}`;
    })
    .join('\n') + '\n';

export default defineModule({
  name: 'kubeconfig_merge',
  description:
    "Merges a cluster's kubeconfig into a user's kubeconfig under a context name, keeping every other context; written atomically, mode 0600. No kubectl needed.",
  args: Type.Object(
    {
      path: Type.String({ description: 'The kubeconfig file to merge into (~/ is the home of the user running the task).' }),
      content: Type.Optional(Type.String({ description: "The cluster's own kubeconfig (K3s' k3s.yaml); needed with state: present." })),
      name: Type.String({ minLength: 1, description: 'Name of the cluster, user and context in the merged file.' }),
      server: Type.Optional(
        Type.String({ pattern: '^https://', description: "API server URL to put in place of K3s' https://127.0.0.1:6443; needed with state: present." }),
      ),
      state: Type.Enum(['present', 'absent'], { default: 'present', description: "'absent' removes this cluster's entries (reset.yaml)." }),
    },
    { additionalProperties: false },
  ),
  returns: {
    path: { description: 'The kubeconfig file.', type: 'string' },
    context: { description: 'The context name.', type: 'string' },
  },
  examples: [
    {
      description:
        "Merge the cluster's kubeconfig, read before into k3s_yaml (slurp: { src: /etc/rancher/k3s/k3s.yaml }), into the user's, pointing at the host.",
      task: 'kubeconfig_merge:\n  path: ~/.kube/config\n  name: lab\n  content: "{{ k3s_yaml.content | b64decode }}"\n  server: "https://{{ ansible_host }}:6443"',
      given: {
        k3s_yaml: {
          content: Buffer.from(
            'clusters: [{name: default, cluster: {server: "https://127.0.0.1:6443"}}]\nusers: [{name: default, user: {}}]\ncontexts: [{name: default, context: {cluster: default, user: default}}]\n',
          ).toString('base64'),
        },
      },
    },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    const path = args.path.startsWith('~/') ? `${await ctx.read('reading $HOME', 'printf %s "$HOME"')}/${args.path.slice(2)}` : args.path;
    const text = await ctx.read(`reading ${path}`, `if [ -f ${shellQuote(path)} ]; then cat ${shellQuote(path)}; fi`);
    const removing = args.state === 'absent';
    if (removing && !text) return { changed: false, path, msg: `${path} does not exist` };
    if (!removing && (args.content === undefined || args.server === undefined))
      return { changed: false, failed: true, msg: "kubeconfig_merge needs 'content' and 'server'" };
    let existing: Kubeconfig;
    let merged: Kubeconfig;
    try {
      existing = (parse(text || '{}') ?? {}) as Kubeconfig;
      merged = removing ? removeFromKubeconfig(text, args.name) : mergeKubeconfig(text, args.content!, args.name, args.server!);
    } catch (error) {
      return { changed: false, failed: true, msg: `${path}: ${(error as Error).message}` };
    }
    const changed = !isDeepStrictEqual(existing, merged);
    const result = {
      changed,
      path,
      context: args.name,
      diff: changed && ctx.diff ? [{ path, before: text ? summary(existing) : '', after: summary(merged) }] : undefined,
    };
    if (!changed) return result;
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    const newText = stringify(merged);
    return {
      ...result,
      steps: [
        {
          what: `writing ${path}`,
          command: `mkdir -p -m 0700 ${shellQuote(dir)} || exit 1\n${atomicWriteCommand(path, { mode: '0600' }, false, Buffer.byteLength(newText))}`,
          stdin: newText,
        },
      ],
    };
  },
});
