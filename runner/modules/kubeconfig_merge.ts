import { isDeepStrictEqual } from 'node:util';
import { parse, stringify } from 'yaml';
import { shellQuote } from '../connection/command-line.js';
import { defineModule } from './module.js';
import { atomicWriteCommand } from './support/file-content.js';

interface MergeArgs {
  /** The kubeconfig file to merge into (~ is the home of the user running it). */
  path: string;
  /** The cluster's own kubeconfig (K3s' k3s.yaml). */
  content: string;
  /** Name of the cluster, user and context in the merged file. */
  name: string;
  /** API server URL to put in place of K3s' https://127.0.0.1:6443. */
  server: string;
  /** absent: remove this cluster's entries (reset.yaml). */
  state?: 'present' | 'absent';
}

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

export default defineModule<MergeArgs>({
  name: 'kubeconfig_merge',
  description: "Merges a cluster's kubeconfig into a user's kubeconfig under a context name, keeping every other context; written atomically, mode 0600. No kubectl needed.",
  args: {
    type: 'object',
    additionalProperties: false,
    required: ['path', 'name'],
    properties: { path: { type: 'string' }, content: { type: 'string' }, name: { type: 'string', minLength: 1 }, server: { type: 'string', pattern: '^https://' }, state: { enum: ['present', 'absent'] } },
  },
  checkMode: 'full',
  async run(args, ctx) {
    let path = args.path;
    if (path.startsWith('~/')) path = `${(await ctx.run('printf %s "$HOME"')).stdout}/${path.slice(2)}`;
    const read = await ctx.run(`if [ -f ${shellQuote(path)} ]; then cat ${shellQuote(path)}; fi`);
    if (read.rc !== 0) return { changed: false, failed: true, msg: `cannot read ${path}: ${read.stderr.trim()}` };
    const removing = args.state === 'absent';
    if (removing && !read.stdout) return { changed: false, path, msg: `${path} does not exist` };
    if (!removing && (args.content === undefined || args.server === undefined)) return { changed: false, failed: true, msg: "kubeconfig_merge needs 'content' and 'server'" };
    let existing: Kubeconfig;
    let merged: Kubeconfig;
    try {
      existing = (parse(read.stdout || '{}') ?? {}) as Kubeconfig;
      merged = removing ? removeFromKubeconfig(read.stdout, args.name) : mergeKubeconfig(read.stdout, args.content!, args.name, args.server!);
    } catch (error) {
      return { changed: false, failed: true, msg: `${path}: ${(error as Error).message}` };
    }
    const changed = !isDeepStrictEqual(existing, merged);
    const result = { changed, path, context: args.name, diff: changed && ctx.diff ? [{ path, before: read.stdout ? summary(existing) : '', after: summary(merged) }] : undefined };
    if (!changed || ctx.check) return result;
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    const text = stringify(merged);
    const written = await ctx.run(`mkdir -p -m 0700 ${shellQuote(dir)} || exit 1\n${atomicWriteCommand(path, { mode: '0600' }, false, Buffer.byteLength(text))}`, { stdin: text });
    if (written.rc !== 0) return { ...result, changed: false, failed: true, msg: `cannot write ${path}: ${written.stderr.trim()}` };
    return result;
  },
});
