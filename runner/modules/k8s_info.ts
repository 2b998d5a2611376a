import Type from 'typebox';
import { shellQuote } from '../shell/quote.js';
import { kubectlArgs, kubectlCommand } from './support/cluster-client.js';
import { defineModule } from './module.js';
import { commandFailure } from './support/command-failure.js';

const infoArgs = Type.Object(
  {
    kind: Type.String({ description: 'The kind of the objects (Deployment, Pod, Node, ...).' }),
    api_version: Type.String({
      default: 'v1',
      aliases: ['version'],
      description: 'Its apiVersion (apps/v1 for a Deployment): the group picks among kinds of one name.',
    }),
    name: Type.Optional(Type.String({ description: 'One object by name; else every object of the kind.' })),
    namespace: Type.Optional(Type.String({ description: 'The namespace; else every namespace.' })),
    label_selectors: Type.Array(Type.String(), { default: [], description: "Label selectors ('app=stress', 'tier!=web'), all of which must match." }),
    field_selectors: Type.Array(Type.String(), { default: [], description: "Field selectors ('status.phase=Running')." }),
    ...kubectlArgs,
  },
  { additionalProperties: false },
);

export default defineModule({
  name: 'k8s_info',
  collectionNames: ['kubernetes.core.k8s_info', 'community.kubernetes.k8s_info'],
  description:
    "Reads Kubernetes objects as kubernetes.core.k8s_info does, through the host's kubectl: by kind, name, namespace and selectors. Changes nothing.",
  args: infoArgs,
  returns: {
    resources: { description: 'The objects found, as the API server returns them (empty when none match).', type: 'list' },
    api_found: { description: 'Whether the cluster knows the kind at all.', type: 'boolean' },
  },
  examples: [{ description: "The stress app's pods.", task: 'k8s_info:\n  kind: Pod\n  namespace: default\n  label_selectors: [app=stress]' }],
  checkMode: 'full',
  async plan(args, ctx) {
    const group = args.api_version.includes('/') ? `.${args.api_version.split('/')[0]}` : '';
    const what = `${args.kind}${group}${args.name ? `/${args.name}` : ''}`;
    const flags = [
      args.namespace ? `-n ${shellQuote(args.namespace)}` : args.name ? '' : '--all-namespaces',
      args.label_selectors.length ? `-l ${shellQuote(args.label_selectors.join(','))}` : '',
      args.field_selectors.length ? `--field-selector ${shellQuote(args.field_selectors.join(','))}` : '',
    ].filter(Boolean);
    const found = await ctx.run(`${kubectlCommand(args)} get ${shellQuote(what)} ${flags.join(' ')} -o json --ignore-not-found`);
    // On a bare host in check mode an earlier role would have installed K3s: nothing to read yet.
    if (found.rc === 127 && ctx.checkMode)
      return { changed: false, api_found: false, resources: [], msg: `${args.kubectl.split(' ')[0]} is not on the host yet: nothing to read` };
    if (found.rc === 127)
      return { changed: false, failed: true, msg: `${args.kubectl.split(' ')[0]} is not on the host: k8s_info reads the cluster through it` };
    // An unknown kind: the module reports it, as the Python client's "resource not found" does.
    if (/doesn't have a resource type/.test(found.stderr)) return { changed: false, api_found: false, resources: [] };
    if (found.rc !== 0) return { changed: false, failed: true, msg: commandFailure('kubectl get', found) };
    const parsed = found.stdout.trim() ? (JSON.parse(found.stdout) as { items?: unknown[] }) : { items: [] };
    return { changed: false, api_found: true, resources: Array.isArray(parsed.items) ? parsed.items : [parsed] };
  },
});
