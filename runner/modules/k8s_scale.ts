import Type from 'typebox';
import { shellQuote } from '../shell/quote.js';
import { kubectlArgs, kubectlCommand } from './support/cluster-client.js';
import { defineModule } from './module.js';
import { commandFailure } from './support/command-failure.js';
import { kubectlType } from './k8s.js';

const scaleArgs = Type.Object(
  {
    kind: Type.String({ description: 'Deployment, StatefulSet or ReplicaSet.' }),
    name: Type.String({ description: 'The object to scale.' }),
    namespace: Type.String({ default: 'default', description: 'Its namespace.' }),
    api_version: Type.String({ default: 'apps/v1', aliases: ['version'], description: 'Its apiVersion.' }),
    replicas: Type.Integer({ minimum: 0, description: 'The number of replicas wanted.' }),
    current_replicas: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Scale only if it has this many now (else the task fails, as kubectl --current-replicas).' }),
    ),
    wait: Type.Boolean({ default: true, description: 'Wait until the new replicas have rolled out.' }),
    wait_timeout: Type.Integer({ default: 20, minimum: 1, description: 'How long the wait may take (seconds).' }),
    ...kubectlArgs,
  },
  { additionalProperties: false },
);

export default defineModule({
  name: 'k8s_scale',
  collectionNames: ['kubernetes.core.k8s_scale', 'community.kubernetes.k8s_scale'],
  description:
    "Sets the replicas of a Deployment or StatefulSet as kubernetes.core.k8s_scale does, through the host's kubectl; changed only when the count differs.",
  args: scaleArgs,
  returns: { result: { description: 'The object after scaling.', type: 'dict' } },
  examples: [{ description: 'Three replicas of the stress app.', task: 'k8s_scale:\n  kind: Deployment\n  name: stress\n  namespace: default\n  replicas: 3' }],
  checkMode: 'full',
  async plan(args, ctx) {
    const kubectl = kubectlCommand(args);
    const target = shellQuote(`${kubectlType({ apiVersion: args.api_version, kind: args.kind })}/${args.name}`);
    const namespace = `-n ${shellQuote(args.namespace)}`;
    const found = await ctx.run(`${kubectl} get ${target} ${namespace} -o json`);
    if (found.rc === 127 && ctx.checkMode) return { changed: true, msg: `${args.kubectl.split(' ')[0]} is not on the host yet: it would be scaled once it is` };
    if (found.rc !== 0) return { changed: false, failed: true, msg: commandFailure('kubectl get', found) };
    const object = JSON.parse(found.stdout) as { spec?: { replicas?: number } };
    const current = object.spec?.replicas ?? 1;
    if (args.current_replicas !== undefined && args.current_replicas !== current)
      return {
        changed: false,
        failed: true,
        msg: `${args.kind}/${args.name} has ${current} replicas, not current_replicas ${args.current_replicas}: left alone`,
      };
    if (current === args.replicas) return { changed: false, result: object, msg: `${args.kind}/${args.name} has ${current} replicas` };
    const wait =
      args.wait && args.kind !== 'ReplicaSet'
        ? [{ what: `kubectl rollout status ${args.name}`, command: `${kubectl} rollout status ${target} ${namespace} --timeout=${args.wait_timeout}s` }]
        : [];
    return {
      changed: true,
      msg: `${args.kind}/${args.name}: ${current} -> ${args.replicas} replicas`,
      diff: ctx.diff ? [{ path: `${args.kind}/${args.name} replicas`, before: `${current}\n`, after: `${args.replicas}\n` }] : undefined,
      steps: [{ what: `kubectl scale ${args.name}`, command: `${kubectl} scale ${target} ${namespace} --replicas=${args.replicas}` }, ...wait],
    };
  },
});
