import Type from 'typebox';
import { shellQuote } from '../shell/quote.js';
import { helmCommand, kubeconfigArg } from './support/cluster-client.js';
import { defineModule } from './module.js';
import { commandFailure } from './support/command-failure.js';

const infoArgs = Type.Object(
  {
    release_name: Type.String({ aliases: ['name'], description: 'The release name.' }),
    release_namespace: Type.String({ aliases: ['namespace'], description: 'The namespace of the release.' }),
    release_state: Type.Array(Type.String(), {
      default: [],
      description: 'Only a release in one of these states (deployed, failed, pending-install, ...); empty: any.',
    }),
    binary_path: Type.String({ default: 'helm', description: 'The helm program on the host.' }),
    kubeconfig: kubeconfigArg,
  },
  { additionalProperties: false },
);

export default defineModule({
  name: 'helm_info',
  collectionNames: ['kubernetes.core.helm_info', 'community.kubernetes.helm_info'],
  description: "Reads a Helm release as kubernetes.core.helm_info does, through the host's helm: its chart, revision, status and values. Changes nothing.",
  args: infoArgs,
  returns: {
    status: {
      description: 'The release (name, namespace, revision, status, chart, app_version, updated, values); absent when there is no such release.',
      type: 'dict',
    },
  },
  examples: [{ description: 'The monitoring release.', task: 'helm_info:\n  release_name: prometheus\n  release_namespace: monitoring' }],
  checkMode: 'full',
  async plan(args, ctx) {
    const helm = helmCommand(args, args.release_namespace);
    const list = await ctx.run(`${helm} list --all -o json --filter ${shellQuote(`^${args.release_name}$`)}`);
    if (list.rc === 127 && ctx.checkMode) return { changed: false, msg: `${args.binary_path} is not on the host yet: nothing to read` };
    if (list.rc !== 0) return { changed: false, failed: true, msg: commandFailure('helm list', list) };
    const release = (JSON.parse(list.stdout || '[]') as Array<{ name: string; status: string }>).find((r) => r.name === args.release_name);
    if (!release || (args.release_state.length && !args.release_state.includes(release.status))) return { changed: false };
    const values = JSON.parse(await ctx.read('helm get values', `${helm} get values ${shellQuote(args.release_name)} -o json`)) as Record<
      string,
      unknown
    > | null;
    return { changed: false, status: { ...release, values: values ?? {} } };
  },
});
