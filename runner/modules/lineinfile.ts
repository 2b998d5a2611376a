import Type from 'typebox';
import { defineModule } from './module.js';
import { attributesArgs, normalizeMode } from './support/file-attributes.js';
import { planFileContent } from './support/file-content.js';

/** One line to make present (replacing what a regexp matches) or absent. */
export interface LineEdit {
  line?: string;
  regexp?: string;
  state?: 'present' | 'absent';
  insertafter?: string;
}

/**
 * The file's new text: with 'regexp', the last matching line is replaced (or all removed);
 * without, the exact line is added at the end (or removed). Pure: unit-tested without a host.
 */
export function editLines(text: string, args: LineEdit): string {
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

export default defineModule({
  name: 'lineinfile',
  description: 'Makes sure one line is in a file (replacing the line a regexp matches) or is not.',
  args: Type.Object(
    {
      path: Type.String({ description: 'The file on the host.', aliases: ['dest', 'destfile', 'name'] }),
      line: Type.Optional(Type.String({ description: 'The line the file must hold (state: present).', aliases: ['value'] })),
      regexp: Type.Optional(
        Type.String({
          description:
            'A line matching this (JavaScript) regular expression is replaced by line, the last one when several match; with state: absent, every match is removed.',
          aliases: ['regex'],
        }),
      ),
      state: Type.Enum(['present', 'absent'], { default: 'present', description: 'Whether the line must be there or not.' }),
      create: Type.Boolean({ default: false, description: 'Create the file when it does not exist (otherwise that fails).' }),
      insertafter: Type.Optional(
        Type.String({ description: "A new line goes after the last line matching this regular expression ('EOF': at the end, the default)." }),
      ),
      ...attributesArgs,
    },
    { additionalProperties: false },
  ),
  returns: {
    path: { description: 'The file.', type: 'string' },
    checksum: { description: "SHA-256 of the file's new content.", type: 'string' },
  },
  examples: [
    {
      description: 'Set a value in a configuration file, replacing the line that sets it now.',
      task: 'lineinfile:\n  path: /etc/login.defs\n  regexp: "^UMASK"\n  line: UMASK 027',
    },
    { description: 'Remove a line.', task: 'lineinfile:\n  path: /etc/hosts\n  regexp: "old-name"\n  state: absent' },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    if (args.state === 'present' && args.line === undefined) return { changed: false, failed: true, msg: "state: present needs 'line'" };
    const { state, content } = await ctx.readPath(args.path, 'content');
    const before = content?.toString('utf8') ?? '';
    if (state.type === 'absent' && !args.create) {
      if (args.state === 'absent') return { changed: false, path: args.path };
      return { changed: false, failed: true, msg: `${args.path} does not exist; set create: true to create it` };
    }
    if (state.type !== 'file' && state.type !== 'absent') return { changed: false, failed: true, msg: `${args.path} is a ${state.type}, not a file` };
    const after = editLines(before, args);
    return planFileContent(ctx, args.path, after, { owner: args.owner, group: args.group, mode: normalizeMode(args.mode) }, { state, text: before });
  },
});
