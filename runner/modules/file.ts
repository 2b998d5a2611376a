import { shellQuote } from '../connection/command-line.js';
import type { FileState } from '../facts/file.js';
import { defineModule } from './module.js';
import { attributeChanges, attributeCommands, attributesArgs, normalizeMode, type Attributes } from './support/file-attributes.js';

export interface FileArgs {
  path: string;
  state?: 'file' | 'directory' | 'link' | 'absent' | 'touch';
  src?: string;
  owner?: string;
  group?: string;
  mode?: string | number;
}

/** The commands that bring a path to the wanted state, or an error; none when it is already there. */
export function planFile(args: FileArgs, state: FileState): { commands: string[]; before: string; after: string } | Error {
  const p = shellQuote(args.path);
  const wanted: Attributes = { owner: args.owner, group: args.group, mode: normalizeMode(args.mode) };
  const want = args.state ?? 'file';
  const same = { commands: [] as string[], before: state.type, after: want };
  switch (want) {
    case 'absent':
      return state.type === 'absent' ? same : { commands: [`rm -rf -- ${p}`], before: state.type, after: 'absent' };
    case 'file':
      if (state.type !== 'file') return new Error(`${args.path} is ${state.type === 'absent' ? 'absent' : `a ${state.type}`}; use state: touch to create a file`);
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
      return { commands: [`ln -sfn ${shellQuote(args.src)} ${p}`], before: state.type === 'link' ? `link to ${state.linkTarget}` : state.type, after: `link to ${args.src}` };
  }
}

function withAttributes(commands: string[], p: string, wanted: Attributes, state: FileState | undefined, want: string) {
  const changes = state ? attributeChanges(wanted, state) : wanted;
  const attributes = attributeCommands(p, changes);
  const describe = (values: Partial<Record<string, unknown>>) =>
    Object.keys(changes).map((key) => `${key}: ${values[key] ?? '(none)'}`).join(', ');
  return {
    commands: [...commands, ...attributes],
    before: state ? `${state.type}${attributes.length ? ` (${describe(state as unknown as Record<string, unknown>)})` : ''}` : 'absent',
    after: `${want}${attributes.length ? ` (${describe(changes as Record<string, unknown>)})` : ''}`,
  };
}

export default defineModule<FileArgs>({
  name: 'file',
  description: 'Makes a path a file, directory or link, removes it, or touches it; sets owner, group and mode.',
  args: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: { path: { type: 'string' }, state: { enum: ['file', 'directory', 'link', 'absent', 'touch'] }, src: { type: 'string' }, ...attributesArgs },
  },
  checkMode: 'full',
  async run(args, ctx) {
    const { state } = await ctx.readPath(args.path, 'attributes');
    const plan = planFile(args, state);
    if (plan instanceof Error) return { changed: false, failed: true, msg: plan.message };
    const changed = plan.commands.length > 0;
    const result = { changed, path: args.path, state: args.state ?? 'file', diff: changed && ctx.diff ? [{ path: args.path, before: `${plan.before}\n`, after: `${plan.after}\n` }] : undefined };
    if (!changed || ctx.check) return result;
    const applied = await ctx.run(plan.commands.join(' && '));
    if (applied.rc !== 0) return { ...result, changed: false, failed: true, msg: applied.stderr.trim() };
    return result;
  },
});
