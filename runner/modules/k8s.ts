import { parseAllDocuments, stringify } from 'yaml';
import Type, { type Static } from 'typebox';
import type { ExecResult } from '../connection/connection.js';
import { shellQuote } from '../shell/quote.js';
import { kubectlArgs, kubectlCommand } from './support/cluster-client.js';
import { defineModule, type CommandStep, type ModuleContext, type Plan, type Step } from './module.js';
import { commandFailure, plannedBeforeInstall } from './support/command-failure.js';

const k8sArgs = Type.Object(
  {
    state: Type.Enum(['present', 'absent', 'patched'], {
      default: 'present',
      description: 'present: the objects exist as given (created or updated in place); absent: deleted; patched: updated only where they exist.',
    }),
    definition: Type.Optional(
      Type.Union([Type.String(), Type.Object({}), Type.Array(Type.Object({}))], {
        aliases: ['resource_definition'],
        description: 'The objects: YAML text (several documents allowed), an object or a list of objects.',
      }),
    ),
    src: Type.Optional(Type.String({ description: 'Or a manifest file on the host the task runs on (usually a master).' })),
    template: Type.Optional(
      Type.Union([Type.String(), Type.Object({ path: Type.String() }, { additionalProperties: true })], {
        description: "Or a Jinja2 template on this machine (a role's templates/, or beside the playbook), rendered with the task's variables.",
      }),
    ),
    kind: Type.Optional(Type.String({ description: 'With name (and namespace): the object, when no definition is given (state: absent).' })),
    name: Type.Optional(Type.String({ description: "The object's name, with kind." })),
    namespace: Type.Optional(Type.String({ description: 'The namespace of objects that name none.' })),
    api_version: Type.String({ default: 'v1', aliases: ['version'], description: "With kind and name: the object's apiVersion." }),
    wait: Type.Boolean({ default: false, description: 'Wait until Deployments, DaemonSets and StatefulSets have rolled out (kubectl rollout status).' }),
    wait_timeout: Type.Integer({ default: 120, minimum: 1, description: 'How long the wait may take (seconds).' }),
    server_side_apply: Type.Optional(
      Type.Object(
        { field_manager: Type.String(), force_conflicts: Type.Optional(Type.Boolean()) },
        { additionalProperties: false, description: 'Server-side apply with this field manager; force_conflicts takes over fields other managers own.' },
      ),
    ),
    ...kubectlArgs,
  },
  { additionalProperties: false },
);

type K8sArgs = Static<typeof k8sArgs>;
type KubeObject = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } } & Record<string, unknown>;

/** Kinds kubectl rollout status follows: a wait on them waits for their pods. */
const ROLLED_OUT = new Set(['Deployment', 'DaemonSet', 'StatefulSet']);

/** The objects a task gives, as a list (a YAML text may hold several documents); the namespace given fills in where an object names none. */
export function definitionObjects(definition: string | object | object[], namespace?: string): KubeObject[] {
  const docs =
    typeof definition === 'string'
      ? parseAllDocuments(definition).flatMap((doc) => {
          if (doc.errors.length) throw new Error(`the definition is not valid YAML: ${doc.errors[0].message}`);
          return doc.toJS() ? [doc.toJS() as KubeObject] : [];
        })
      : ((Array.isArray(definition) ? definition : [definition]) as KubeObject[]);
  return docs.map((doc) => (namespace && !doc.metadata?.namespace ? { ...doc, metadata: { ...doc.metadata, namespace } } : doc));
}

/** How kubectl names an object's type: its kind, with its API group when it has one (Deployment.apps). */
export const kubectlType = (object: KubeObject) => {
  const group = object.apiVersion?.includes('/') ? object.apiVersion.split('/')[0] : '';
  return group ? `${object.kind}.${group}` : String(object.kind);
};

export default defineModule({
  name: 'k8s',
  collectionNames: ['kubernetes.core.k8s', 'community.kubernetes.k8s'],
  description:
    "Manages Kubernetes objects as kubernetes.core.k8s does, through the host's kubectl (no Python client needed): present applies them in place (server-side apply, changed only when kubectl diff shows a difference), absent deletes them, patched updates only those that exist.",
  args: k8sArgs,
  returns: {
    result: { description: 'The object as the API server returned it after the change (several: {results: [...]}).', type: 'dict' },
    method: { description: 'What was done: apply, patch, delete, or none.', type: 'string' },
  },
  examples: [
    {
      description: 'A namespace, made once.',
      task: 'k8s:\n  state: present\n  definition:\n    apiVersion: v1\n    kind: Namespace\n    metadata: { name: stress }',
    },
    {
      description: 'A Deployment removed by kind and name.',
      task: 'kubernetes.core.k8s:\n  state: absent\n  kind: Deployment\n  api_version: apps/v1\n  name: old-app\n  namespace: default',
    },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    const kubectl = kubectlCommand(args);
    const given = [args.definition, args.src, args.template].filter((v) => v !== undefined).length;
    if (given > 1) return { changed: false, failed: true, msg: 'parameters are mutually exclusive: definition|src|template' };
    let objects: KubeObject[] | undefined;
    try {
      if (args.template !== undefined) {
        const path = typeof args.template === 'string' ? args.template : args.template.path;
        objects = definitionObjects(await ctx.renderTemplateFile(await ctx.findLocalFile('templates', path)), args.namespace);
      } else if (args.definition !== undefined) objects = definitionObjects(args.definition, args.namespace);
      else if (args.src === undefined && args.kind && args.name)
        objects = definitionObjects({ apiVersion: args.api_version, kind: args.kind, metadata: { name: args.name } }, args.namespace);
    } catch (error) {
      return { changed: false, failed: true, msg: (error as Error).message };
    }
    if (objects === undefined && args.src === undefined)
      return { changed: false, failed: true, msg: 'one of definition, src, template, or kind with name is required' };
    const input = objects ? { file: '-f -', stdin: objects.map((o) => stringify(o)).join('---\n') } : { file: `-f ${shellQuote(args.src!)}`, stdin: undefined };
    const namespaceFlag = args.namespace && !objects ? ` -n ${shellQuote(args.namespace)}` : '';
    const request = { kubectl, objects, input, namespaceFlag };
    return args.state === 'absent' ? planAbsent(request, ctx) : planPresent(args, request, ctx);
  },
});

/** What a task names, as kubectl takes it: the objects (unless a file on the host holds them), on stdin or in that file. */
interface Request {
  kubectl: string;
  objects?: KubeObject[];
  input: { file: string; stdin?: string };
  /** -n NS for a file's objects that name no namespace. */
  namespaceFlag: string;
}

/** absent: each object that exists is deleted (kubectl waits for its finalizers, as the module does). */
async function planAbsent({ kubectl, objects, input, namespaceFlag }: Request, ctx: ModuleContext): Promise<Plan> {
  const found = await ctx.run(`${kubectl} get${namespaceFlag} ${input.file} -o name --ignore-not-found`, { stdin: input.stdin });
  if (found.rc === 127) return { changed: false, method: 'none', result: {}, msg: 'kubectl is not on the host yet: there is nothing to delete' };
  if (found.rc !== 0) return { changed: false, failed: true, msg: commandFailure('kubectl get', found) };
  const existing = found.stdout.split('\n').filter(Boolean);
  const gone = objects?.length ? ` (${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')})` : '';
  if (existing.length === 0) return { changed: false, method: 'none', result: {}, msg: `already absent${gone}` };
  return {
    changed: true,
    method: 'delete',
    result: {},
    msg: `deleted: ${existing.join(', ')}`,
    diff: ctx.diff ? [{ path: 'kubernetes objects', before: existing.join('\n'), after: '' }] : undefined,
    steps: [{ what: 'kubectl delete', command: `${kubectl} delete${namespaceFlag} ${input.file} --ignore-not-found`, stdin: input.stdin }],
  };
}

/** present and patched: server-side apply where kubectl diff shows a difference, then the rollout waited for. */
async function planPresent(args: K8sArgs, { kubectl, objects, input, namespaceFlag }: Request, ctx: ModuleContext): Promise<Plan> {
  const manager = `--field-manager=${shellQuote(args.server_side_apply?.field_manager ?? 'ansible-kubernetes')}`;
  // Without server_side_apply the module patches: what the task gives wins, as --force-conflicts makes it.
  const force = !args.server_side_apply || args.server_side_apply.force_conflicts ? ' --force-conflicts' : '';
  let target = input;
  if (args.state === 'patched') {
    // Only objects that exist are patched; the others are left alone, as the module does.
    const found = await ctx.run(`${kubectl} get${namespaceFlag} ${input.file} -o json --ignore-not-found`, { stdin: input.stdin });
    if (found.rc !== 0 && found.rc !== 127) return { changed: false, failed: true, msg: commandFailure('kubectl get', found) };
    const names = new Set(listed(found).map((o) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`));
    const present = (objects ?? []).filter((o) => names.has(`${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`));
    if (objects && present.length === 0) return { changed: false, method: 'none', result: {}, msg: 'none of the objects exists: nothing to patch' };
    if (objects) target = { file: '-f -', stdin: present.map((o) => stringify(o)).join('---\n') };
  }
  const apply: Step = {
    what: 'kubectl apply',
    command: `${kubectl} apply${namespaceFlag} --server-side${force} ${manager} ${target.file} -o json`,
    stdin: target.stdin,
    interpret: (output) => (output.rc === 0 ? { result: resultOf(listed(output)) } : { failed: true, msg: commandFailure('kubectl apply', output) }),
  };
  const waits = args.wait ? rolloutWaits(kubectl, objects ?? [], args.wait_timeout) : [];
  const diff = await ctx.run(`${kubectl} diff${namespaceFlag} --server-side${force} ${manager} ${target.file}`, { stdin: target.stdin });
  const beforeInstall = plannedBeforeInstall(diff, 'kubectl', 'the objects would be applied', apply);
  if (beforeInstall) return beforeInstall;
  // kubectl diff: exit 0 = no difference, 1 = differences (printed), anything else = an error.
  if (diff.rc > 1) return { changed: false, failed: true, msg: commandFailure('kubectl diff', diff) };
  if (diff.rc === 0) {
    for (const wait of ctx.checkMode ? [] : waits) {
      const waited = await ctx.run(wait.command);
      if (waited.rc !== 0) return { changed: false, failed: true, msg: commandFailure(wait.what, waited) };
    }
    return { changed: false, method: 'none', result: {} };
  }
  return {
    changed: true,
    method: args.state === 'patched' ? 'patch' : 'apply',
    diff: ctx.diff ? [{ path: 'kubernetes objects', before: '', after: '', unified: diff.stdout }] : undefined,
    steps: [apply, ...waits],
  };
}

/** kubectl rollout status for each object that rolls out pods, up to the timeout. */
function rolloutWaits(kubectl: string, objects: KubeObject[], timeout: number): CommandStep[] {
  return objects
    .filter((o) => ROLLED_OUT.has(String(o.kind)))
    .map((o) => ({
      what: `kubectl rollout status ${o.kind}/${o.metadata?.name}`,
      command: `${kubectl} rollout status ${shellQuote(`${kubectlType(o)}/${o.metadata?.name}`)}${o.metadata?.namespace ? ` -n ${shellQuote(o.metadata.namespace)}` : ''} --timeout=${timeout}s`,
    }));
}

/** The objects kubectl printed with -o json: one object, or a List of them. */
function listed(output: ExecResult): KubeObject[] {
  if (!output.stdout.trim()) return [];
  const parsed = JSON.parse(output.stdout) as KubeObject & { items?: KubeObject[] };
  return parsed.kind === 'List' || Array.isArray(parsed.items) ? (parsed.items ?? []) : [parsed];
}

/** The module's result: the object, or {results} for several, as kubernetes.core.k8s returns them. */
const resultOf = (objects: KubeObject[]) =>
  objects.length === 1 ? objects[0] : { results: objects.map((result) => ({ result, changed: true, method: 'apply' })) };
