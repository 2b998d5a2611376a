import Type from 'typebox';
import { defineModule } from './module.js';
import { attributesArgs, writeArgs } from './support/file-attributes.js';
import { planEdit } from './support/file-content.js';
import { pythonRegExp, pythonSub } from '../jinja/python-regex.js';

/**
 * Ansible's replace: every match of regexp (Python syntax, MULTILINE) replaced, within the part of
 * the text after 'after' and before 'before' when given. Pure: the new text and the message.
 */
export function replaceIn(text: string, args: { regexp: string; replace: string; after?: string; before?: string }): { text: string; msg: string } | Error {
  const section =
    args.after !== undefined && args.before !== undefined
      ? `${args.after}(?<subsection>.*?)${args.before}`
      : args.after !== undefined
        ? `${args.after}(?<subsection>.*)`
        : args.before !== undefined
          ? `(?<subsection>.*)${args.before}`
          : undefined;
  let start = 0;
  let end = text.length;
  if (section !== undefined) {
    const match = pythonRegExp(section, 'sd').exec(text);
    if (!match) return new Error(`Pattern for before/after params did not match the given file: ${section}`);
    [start, end] = (match as RegExpExecArray & { indices: { groups: Record<string, [number, number]> } }).indices.groups.subsection;
  }
  const { text: part, count } = pythonSub(text.slice(start, end), pythonRegExp(args.regexp, 'gm'), args.replace);
  const result = text.slice(0, start) + part + text.slice(end);
  return count > 0 && result !== text ? { text: result, msg: `${count} replacements made` } : { text, msg: '' };
}

export default defineModule({
  name: 'replace',
  description: "Replaces every match of a regular expression in a file (Python's syntax, as Ansible's replace), optionally only between 'after' and 'before'.",
  args: Type.Object(
    {
      path: Type.String({ description: 'The file on the host.', aliases: ['dest', 'destfile', 'name'] }),
      regexp: Type.String({ description: "What to replace: a Python regular expression, '^' and '$' at each line." }),
      replace: Type.String({ default: '', description: 'What replaces each match; \\1 and \\g<name> insert its groups.' }),
      after: Type.Optional(Type.String({ description: 'Replace only after the first match of this expression.' })),
      before: Type.Optional(Type.String({ description: 'Replace only before this expression.' })),
      ...writeArgs,
      ...attributesArgs,
    },
    { additionalProperties: false },
  ),
  returns: { msg: { description: "'N replacements made', or empty.", type: 'string' } },
  examples: [
    { description: 'Comment out a setting wherever it is.', task: 'replace:\n  path: /etc/hostname\n  regexp: "^(old-setting.*)$"\n  replace: "# \\\\1"' },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    const { state, content } = await ctx.readPath(args.path, 'content');
    if (state.type === 'absent') return { changed: false, failed: true, rc: 257, msg: `Path ${args.path} does not exist !` };
    if (state.type === 'directory') return { changed: false, failed: true, rc: 256, msg: `Path ${args.path} is a directory !` };
    if (state.type !== 'file') return { changed: false, failed: true, msg: `${args.path} is a ${state.type}, not a file` };
    const before = content?.toString('utf8') ?? '';
    const edit = replaceIn(before, args);
    if (edit instanceof Error) return { changed: false, msg: edit.message };
    const plan = await planEdit(ctx, args, edit.text, { state, text: before });
    return { ...plan, msg: edit.msg };
  },
});
