import { stringify } from 'yaml';
import { shellQuote } from '../connection/command-line.js';
import { defineModule } from './module.js';

interface K8sApplyArgs {
  /** The manifest: YAML text (several documents allowed) or objects... */
  definition?: string | object | object[];
  /** ...or a file (or URL) kubectl reads on the host... */
  src?: string;
  /** ...or a kustomization directory on the host (kubectl -k). */
  kustomize?: string;
  kubectl?: string;
  field_manager?: string;
}

/** Manifests as one multi-document YAML text. */
export function manifestText(definition: K8sApplyArgs['definition']): string {
  if (typeof definition === 'string') return definition;
  return (Array.isArray(definition) ? definition : [definition]).map((doc) => stringify(doc)).join('---\n');
}

export default defineModule<K8sApplyArgs>({
  name: 'k8s_apply',
  description: "Applies Kubernetes objects in place (server-side apply); changed only when 'kubectl diff' shows a difference.",
  args: {
    type: 'object',
    additionalProperties: false,
    properties: { src: { type: 'string' }, kustomize: { type: 'string' }, definition: { anyOf: [{ type: 'string' }, { type: 'object' }, { type: 'array', items: { type: 'object' } }] }, kubectl: { type: 'string' }, field_manager: { type: 'string' } },
  },
  checkMode: 'full',
  async run(args, ctx) {
    const kubectl = args.kubectl ?? 'k3s kubectl';
    const manager = `--field-manager=${args.field_manager ?? 'k3s-playbook'}`;
    const given = [args.definition, args.src, args.kustomize].filter((v) => v !== undefined).length;
    if (given !== 1) return { changed: false, failed: true, msg: "k8s_apply needs exactly one of 'definition', 'src' and 'kustomize'" };
    const input =
      args.kustomize !== undefined
        ? { file: `-k ${shellQuote(args.kustomize)}`, stdin: undefined }
        : args.src !== undefined
          ? { file: `-f ${shellQuote(args.src)}`, stdin: undefined }
          : { file: '-f -', stdin: manifestText(args.definition!) };
    // kubectl diff: exit 0 = no difference, 1 = differences (printed), anything else = an error.
    const diff = await ctx.run(`${kubectl} diff --server-side ${manager} ${input.file}`, { stdin: input.stdin });
    // Checking a host that K3s is not on yet (an earlier role installs it): every object is still to be made.
    if (ctx.check && diff.rc === 127) return { changed: true, msg: `${kubectl.split(' ')[0]} is not on the host yet: the objects would be created once it is` };
    if (diff.rc > 1) return { changed: false, failed: true, msg: `kubectl diff failed: ${diff.stderr.trim() || diff.stdout.trim()}` };
    const changed = diff.rc === 1;
    const result = { changed, diff: changed && ctx.diff ? [{ path: 'kubernetes objects', before: '', after: '', unified: diff.stdout }] : undefined };
    if (!changed || ctx.check) return result;
    const applied = await ctx.run(`${kubectl} apply --server-side --force-conflicts ${manager} ${input.file}`, { stdin: input.stdin });
    if (applied.rc !== 0) return { ...result, changed: false, failed: true, msg: `kubectl apply failed: ${applied.stderr.trim()}` };
    return { ...result, msg: applied.stdout.trim() };
  },
});
