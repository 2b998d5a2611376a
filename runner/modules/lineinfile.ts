import { defineModule } from './module.js';
import { attributesArgs, normalizeMode } from './support/file-attributes.js';
import { ensureContent } from './support/file-content.js';

export interface LineArgs {
  path: string;
  line?: string;
  regexp?: string;
  state?: 'present' | 'absent';
  create?: boolean;
  insertafter?: string;
  owner?: string;
  group?: string;
  mode?: string | number;
}

/**
 * The file's new text: with 'regexp', the last matching line is replaced (or all removed);
 * without, the exact line is added at the end (or removed). Pure: unit-tested without a host.
 */
export function editLines(text: string, args: LineArgs): string {
  const trailingNewline = text === '' || text.endsWith('\n');
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const regexp = args.regexp !== undefined ? new RegExp(args.regexp) : undefined;
  const matches = (line: string) => (regexp ? regexp.test(line) : line === args.line);
  if ((args.state ?? 'present') === 'absent') {
    const kept = lines.filter((line) => !matches(line));
    return kept.length === lines.length ? text : join(kept, trailingNewline);
  }
  const line = args.line!;
  const index = lines.findLastIndex(matches);
  if (index >= 0) {
    if (lines[index] === line) return text;
    lines[index] = line;
    return join(lines, trailingNewline);
  }
  if (regexp && lines.includes(line)) return text;
  const after = args.insertafter && args.insertafter !== 'EOF' ? lines.findLastIndex((l) => new RegExp(args.insertafter!).test(l)) : -1;
  if (after >= 0) lines.splice(after + 1, 0, line);
  else lines.push(line);
  return join(lines, true);
}

const join = (lines: string[], trailingNewline: boolean) => (lines.length ? lines.join('\n') + (trailingNewline ? '\n' : '') : '');

export default defineModule<LineArgs>({
  name: 'lineinfile',
  description: 'Makes sure one line is in a file (replacing the line a regexp matches) or is not.',
  args: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string' },
      line: { type: 'string' },
      regexp: { type: 'string' },
      state: { enum: ['present', 'absent'] },
      create: { type: 'boolean' },
      insertafter: { type: 'string' },
      ...attributesArgs,
    },
  },
  checkMode: 'full',
  async run(args, ctx) {
    if ((args.state ?? 'present') === 'present' && args.line === undefined) return { changed: false, failed: true, msg: "state: present needs 'line'" };
    const { state, content } = await ctx.readPath(args.path, 'content');
    const before = content?.toString('utf8') ?? '';
    if (state.type === 'absent' && !args.create) {
      if (args.state === 'absent') return { changed: false, path: args.path };
      return { changed: false, failed: true, msg: `${args.path} does not exist; set create: true to create it` };
    }
    if (state.type !== 'file' && state.type !== 'absent') return { changed: false, failed: true, msg: `${args.path} is a ${state.type}, not a file` };
    const after = editLines(before, args);
    return ensureContent(ctx, args.path, after, { owner: args.owner, group: args.group, mode: normalizeMode(args.mode) }, { state, text: before });
  },
});
