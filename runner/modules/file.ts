import Type, { type Static } from 'typebox';
import { shellQuote } from '../shell/quote.js';
import type { FileState } from '../facts/path-state.js';
import { defineModule } from './module.js';
import { attributeChanges, attributeCommands, attributesArgs, normalizeMode, type Attributes } from './support/file-attributes.js';

const fileArgs = Type.Object(
  {
    path: Type.String({ description: 'The path on the host.', aliases: ['dest', 'name'] }),
    state: Type.Enum(['file', 'directory', 'link', 'absent', 'touch'], {
      default: 'file',
      description:
        "What the path must be. 'file' only sets attributes of an existing file; 'touch' creates an empty one when absent; 'directory' creates parents too; 'absent' removes it (a directory with its contents).",
    }),
    src: Type.Optional(Type.String({ description: 'For state: link, the path the link points to.' })),
    ...attributesArgs,
  },
  { additionalProperties: false },
);

export type FileArgs = Static<typeof fileArgs>;

/** The commands that bring a path to the wanted state, or an error; none when it is already there. */
export function planFile(args: FileArgs, state: FileState): { commands: string[]; before: string; after: string } | Error {
  const p = shellQuote(args.path);
  const wanted: Attributes = { owner: args.owner, group: args.group, mode: normalizeMode(args.mode) };
  const want = args.state;
  const same = { commands: [] as string[], before: state.type, after: want };
  switch (want) {
    case 'absent':
      return state.type === 'absent' ? same : { commands: [`rm -rf -- ${p}`], before: state.type, after: 'absent' };
    case 'file':
      if (state.type !== 'file')
        return new Error(`${args.path} is ${state.type === 'absent' ? 'absent' : `a ${state.type}`}; use state: touch to create a file`);
      return withAttributes([], p, wanted, state, want);
    case 'touch':
      if (state.type === 'absent') return withAttributes([`touch ${p}`], p, wanted, undefined, want);
      if (state.type !== 'file') return new Error(`${args.path} is a ${state.type}, not a file`);
      return withAttributes([], p, wanted, state, want);
    case 'directory':
      if (state.type === 'absent') return withAttributes([`mkdir -p ${p}`], p, wanted, undefined, want);
      if (state.type !== 'directory') return new Error(`${args.path} exists and is a ${state.type}, not a directory`);
      return withAttributes([], p, wanted, state, want);
    case 'link':
      if (args.src === undefined) return new Error("state: link needs 'src', the path the link points to");
      if (state.type === 'link' && state.linkTarget === args.src) return same;
      if (state.type === 'directory') return new Error(`${args.path} is a directory; remove it before making a link there`);
      return {
        commands: [`ln -sfn ${shellQuote(args.src)} ${p}`],
        before: state.type === 'link' ? `link to ${state.linkTarget}` : state.type,
        after: `link to ${args.src}`,
      };
  }
}

function withAttributes(commands: string[], p: string, wanted: Attributes, state: FileState | undefined, want: string) {
  const changes = state ? attributeChanges(wanted, state) : wanted;
  const attributes = attributeCommands(p, changes);
  const describe = (values: Partial<Record<string, unknown>>) =>
    Object.keys(changes)
      .map((key) => `${key}: ${values[key] ?? '(none)'}`)
      .join(', ');
  return {
    commands: [...commands, ...attributes],
    before: state ? `${state.type}${attributes.length ? ` (${describe(state as unknown as Record<string, unknown>)})` : ''}` : 'absent',
    after: `${want}${attributes.length ? ` (${describe(changes as Record<string, unknown>)})` : ''}`,
  };
}

export default defineModule({
  name: 'file',
  description: 'Makes a path a file, directory or link, removes it, or touches it; sets owner, group and mode.',
  args: fileArgs,
  returns: {
    path: { description: 'The path.', type: 'string' },
    state: { description: 'The state asked for.', type: 'string' },
  },
  examples: [
    { description: 'A directory only its owner can enter.', task: 'file:\n  path: /etc/example\n  state: directory\n  mode: "0700"' },
    { description: 'A link to a program.', task: 'file:\n  path: /usr/local/bin/example-kubectl\n  src: /usr/bin/true\n  state: link' },
    { description: 'Remove a file or directory.', task: 'file:\n  path: /tmp/example-leftover\n  state: absent' },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    const { state } = await ctx.readPath(args.path, 'attributes');
    const plan = planFile(args, state);
    if (plan instanceof Error) return { changed: false, failed: true, msg: plan.message };
    const changed = plan.commands.length > 0;
    return {
      changed,
      path: args.path,
      state: args.state,
      diff: changed && ctx.diff ? [{ path: args.path, before: `${plan.before}\n`, after: `${plan.after}\n` }] : undefined,
      steps: changed ? [{ what: `making ${args.path} ${plan.after}`, command: plan.commands.join(' && ') }] : [],
    };
  },
});
