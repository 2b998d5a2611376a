import { stringify } from 'yaml';
import Type, { type Static } from 'typebox';
import { shellQuote } from '../shell/quote.js';
import { defineModule, type Step } from './module.js';
import { commandFailure, plannedBeforeInstall } from './support/command-failure.js';

const applyArgs = Type.Object(
  {
    definition: Type.Optional(
      Type.Union([Type.String(), Type.Object({}), Type.Array(Type.Object({}))], {
        description: 'The manifest: YAML text (several documents allowed), an object or a list of objects.',
      }),
    ),
    src: Type.Optional(Type.String({ description: 'Or a manifest file (or URL) kubectl reads on the host.' })),
    kustomize: Type.Optional(Type.String({ description: 'Or a kustomization directory on the host (kubectl apply -k).' })),
    kubectl: Type.String({ default: 'k3s kubectl', description: 'The kubectl command on the host.' }),
    field_manager: Type.String({ default: 'k3s-playbook', description: 'The server-side apply field manager: the fields this task owns.' }),
  },
  { additionalProperties: false },
);

type ApplyArgs = Static<typeof applyArgs>;

/** Manifests as one multi-document YAML text. */
export function manifestText(definition: NonNullable<ApplyArgs['definition']>): string {
  if (typeof definition === 'string') return definition;
  return (Array.isArray(definition) ? definition : [definition]).map((doc) => stringify(doc)).join('---\n');
}

export default defineModule({
  name: 'k8s_apply',
  description:
    "Applies Kubernetes objects in place (server-side apply); changed only when 'kubectl diff' shows a difference. This project's own: it also takes what kubernetes.core.k8s does not, a manifest URL kubectl reads and a kustomization directory; for objects given in the task, use k8s.",
  args: applyArgs,
  returns: {},
  examples: [
    {
      description: 'Make a namespace with a label.',
      task: 'k8s_apply:\n  definition:\n    apiVersion: v1\n    kind: Namespace\n    metadata:\n      name: stress\n      labels: { team: demo }',
    },
    { description: 'Apply a kustomization the role copied to the host.', task: 'k8s_apply:\n  kustomize: /var/lib/k3s-playbook/app' },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    const manager = `--field-manager=${args.field_manager}`;
    const given = [args.definition, args.src, args.kustomize].filter((v) => v !== undefined).length;
    if (given !== 1) return { changed: false, failed: true, msg: "k8s_apply needs exactly one of 'definition', 'src' and 'kustomize'" };
    const input =
      args.kustomize !== undefined
        ? { file: `-k ${shellQuote(args.kustomize)}`, stdin: undefined }
        : args.src !== undefined
          ? { file: `-f ${shellQuote(args.src)}`, stdin: undefined }
          : { file: '-f -', stdin: manifestText(args.definition!) };
    const apply: Step = {
      what: 'kubectl apply',
      command: `${args.kubectl} apply --server-side --force-conflicts ${manager} ${input.file}`,
      stdin: input.stdin,
    };
    // kubectl diff: exit 0 = no difference, 1 = differences (printed), anything else = an error.
    const diff = await ctx.run(`${args.kubectl} diff --server-side ${manager} ${input.file}`, { stdin: input.stdin });
    const beforeInstall = plannedBeforeInstall(diff, args.kubectl.split(' ')[0], 'the objects would be created', apply);
    if (beforeInstall) return beforeInstall;
    if (diff.rc > 1) return { changed: false, failed: true, msg: commandFailure('kubectl diff', diff) };
    const changed = diff.rc === 1;
    return {
      changed,
      diff: changed && ctx.diff ? [{ path: 'kubernetes objects', before: '', after: '', unified: diff.stdout }] : undefined,
      steps: changed ? [apply] : [],
    };
  },
});
