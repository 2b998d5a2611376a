import Type from 'typebox';
import { shellQuote } from '../shell/quote.js';
import { kubectlArgs, kubectlCommand } from './support/cluster-client.js';
import { defineModule, type Step } from './module.js';
import { commandFailure } from './support/command-failure.js';

const drainArgs = Type.Object(
  {
    name: Type.String({ description: 'The node.' }),
    state: Type.Enum(['drain', 'cordon', 'uncordon'], {
      default: 'drain',
      description: 'drain: cordon it and evict its pods (PodDisruptionBudgets obeyed); cordon: no new pods; uncordon: pods welcome again.',
    }),
    delete_options: Type.Object(
      {
        force: Type.Optional(Type.Boolean({ description: 'Also delete pods no controller manages (they are lost).' })),
        ignore_daemonsets: Type.Optional(Type.Boolean({ description: 'Leave DaemonSet pods (they would come back at once).' })),
        delete_emptydir_data: Type.Optional(Type.Boolean({ description: 'Evict pods with emptyDir volumes too (their data is lost).' })),
        terminate_grace_period: Type.Optional(Type.Integer({ description: "Seconds each pod gets to stop (default: the pod's own)." })),
        wait_timeout: Type.Optional(Type.Integer({ minimum: 1, description: 'How long the drain may take (seconds); default: no limit.' })),
      },
      {
        default: {},
        additionalProperties: false,
        description: 'How pods are evicted: force, ignore_daemonsets, delete_emptydir_data, terminate_grace_period, wait_timeout.',
      },
    ),
    ...kubectlArgs,
  },
  { additionalProperties: false },
);

export default defineModule({
  name: 'k8s_drain',
  collectionNames: ['kubernetes.core.k8s_drain', 'community.kubernetes.k8s_drain'],
  description: "Drains, cordons or uncordons a node as kubernetes.core.k8s_drain does, through the host's kubectl (evictions obey PodDisruptionBudgets).",
  args: drainArgs,
  returns: { result: { description: 'What was done to the node.', type: 'string' } },
  examples: [
    {
      description: 'Drain a worker before its maintenance.',
      task: 'k8s_drain:\n  name: worker1\n  delete_options: { ignore_daemonsets: true, delete_emptydir_data: true, wait_timeout: 300 }',
    },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    const kubectl = kubectlCommand(args);
    const node = shellQuote(args.name);
    const read = await ctx.run(`${kubectl} get node ${node} -o json`);
    if (read.rc === 127 && ctx.checkMode) return { changed: true, msg: `${args.kubectl.split(' ')[0]} is not on the host yet` };
    if (read.rc !== 0) return { changed: false, failed: true, msg: commandFailure('kubectl get node', read) };
    const cordoned = Boolean((JSON.parse(read.stdout) as { spec?: { unschedulable?: boolean } }).spec?.unschedulable);
    if (args.state === 'uncordon' || args.state === 'cordon') {
      const wanted = args.state === 'cordon';
      if (cordoned === wanted) return { changed: false, result: `node ${args.name} already ${wanted ? 'cordoned' : 'uncordoned'}` };
      return {
        changed: true,
        result: `node ${args.name} ${args.state}ed`,
        steps: [{ what: `kubectl ${args.state} ${args.name}`, command: `${kubectl} ${args.state} ${node}` }],
      };
    }
    const options = args.delete_options;
    const flags = [
      options.force ? '--force' : '',
      options.ignore_daemonsets ? '--ignore-daemonsets' : '',
      options.delete_emptydir_data ? '--delete-emptydir-data' : '',
      options.terminate_grace_period !== undefined ? `--grace-period=${options.terminate_grace_period}` : '',
      options.wait_timeout !== undefined ? `--timeout=${options.wait_timeout}s` : '',
    ].filter(Boolean);
    // A cordoned node may still hold pods: kubectl drain is run again, and the run says whether it evicted any.
    const drain: Step = {
      what: `kubectl drain ${args.name}`,
      command: `${kubectl} drain ${node} ${flags.join(' ')}`,
      interpret: (output) =>
        output.rc === 0
          ? { changed: !cordoned || /\bevicted\b/.test(output.stdout), result: `node ${args.name} drained` }
          : { failed: true, msg: commandFailure(`kubectl drain ${args.name}`, output) },
    };
    return { changed: !cordoned, result: `node ${args.name} ${cordoned ? 'cordoned already; its pods evicted' : 'drained'}`, steps: [drain] };
  },
});
