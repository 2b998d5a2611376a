import Type from 'typebox';
import { defineModule } from './module.js';
import { attributesArgs, writeArgs } from './support/file-attributes.js';
import { planEdit } from './support/file-content.js';
import { expandTemplate, pythonRegExp } from '../jinja/python-regex.js';

/** One line to make present (replacing what a regexp or a string matches) or absent. */
export interface LineEdit {
  line?: string;
  regexp?: string;
  search_string?: string;
  state?: 'present' | 'absent';
  insertafter?: string;
  insertbefore?: string;
  backrefs?: boolean;
  firstmatch?: boolean;
}

/**
 * The file's new text, as Ansible's lineinfile makes it: with 'regexp' (or 'search_string', taken
 * literally) the last matching line is replaced (or every one removed); with backrefs, the line is
 * made from the match and nothing is added when nothing matches; otherwise the exact line is added
 * after the last line matching insertafter, before the last one matching insertbefore, or at the
 * end (or removed). Pure: unit-tested without a host.
 */
export function editLines(text: string, args: LineEdit): { text: string; msg: string } {
  const trailingNewline = text === '' || text.endsWith('\n');
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const regexp = args.regexp !== undefined ? pythonRegExp(args.regexp) : undefined;
  const search = args.search_string;
  const matches = (line: string) => (regexp ? regexp.test(line) : search !== undefined ? line.includes(search) : line === args.line);
  const same = { text, msg: '' };
  if ((args.state ?? 'present') === 'absent') {
    const kept = lines.filter((line) => !matches(line));
    const removed = lines.length - kept.length;
    return removed === 0 ? same : { text: join(kept, trailingNewline), msg: `${removed} line(s) removed` };
  }
  const index = lines.findLastIndex(matches);
  const line = args.backrefs && regexp && index >= 0 ? expandTemplate(args.line!, regexp.exec(lines[index])!) : args.line!;
  if (index >= 0) {
    if (lines[index] === line) return same;
    lines[index] = line;
    return { text: join(lines, trailingNewline), msg: 'line replaced' };
  }
  if (args.backrefs || ((regexp || search !== undefined) && lines.includes(line))) return same;
  // The last line matching insertafter/insertbefore, or the first with firstmatch.
  const anchor = (pattern: string) => (args.firstmatch ? lines.findIndex : lines.findLastIndex).call(lines, (l: string) => pythonRegExp(pattern).test(l));
  if (args.insertbefore !== undefined) {
    const before = args.insertbefore === 'BOF' ? 0 : anchor(args.insertbefore);
    lines.splice(before >= 0 ? before : lines.length, 0, line);
  } else {
    const after = args.insertafter && args.insertafter !== 'EOF' ? anchor(args.insertafter) : -1;
    lines.splice(after >= 0 ? after + 1 : lines.length, 0, line);
  }
  return { text: join(lines, true), msg: 'line added' };
}

/** Ansible's warning for an empty regexp or search_string, which matches every line. */
function emptyPatternWarning(args: LineEdit): string[] {
  if (args.regexp !== '' && args.search_string !== '') return [];
  const what = args.regexp === '' ? 'regular expression' : 'search string';
  return [
    `The ${what} is an empty string, which will match every line in the file. This may have unintended consequences, such as replacing the last line in the file rather than appending.${
      args.regexp === '' ? " If this is desired, use '^' to match every line in the file and avoid this warning." : ''
    }`,
  ];
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
      search_string: Type.Optional(Type.String({ description: 'Like regexp, but the text is looked for as it is, anywhere in a line.' })),
      backrefs: Type.Boolean({
        default: false,
        description: 'With regexp: line may use the groups of the match (\\1, \\g<name>); when no line matches, nothing is added.',
      }),
      insertafter: Type.Optional(
        Type.String({ description: "A new line goes after the last line matching this regular expression ('EOF': at the end, the default)." }),
      ),
      insertbefore: Type.Optional(
        Type.String({ description: "A new line goes before the last line matching this regular expression ('BOF': at the beginning)." }),
      ),
      firstmatch: Type.Boolean({ default: false, description: 'With insertafter or insertbefore: the first matching line is the anchor, not the last.' }),
      ...writeArgs,
      ...attributesArgs,
    },
    { additionalProperties: false },
  ),
  returns: {
    path: { description: 'The file.', type: 'string' },
    checksum: { description: "SHA-1 of the file's new content (as Ansible reports it).", type: 'string' },
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
    // Failures in Ansible's words (and return codes), which content matches on.
    if (args.backrefs && args.regexp === undefined) return { changed: false, failed: true, msg: 'regexp is required with backrefs=true' };
    if (args.state === 'present' && args.line === undefined) return { changed: false, failed: true, msg: 'line is required with state=present' };
    if (args.state === 'absent' && args.line === undefined && args.regexp === undefined && args.search_string === undefined)
      return { changed: false, failed: true, msg: 'one of line, search_string, or regexp is required with state=absent' };
    if (args.validate !== undefined && !args.validate.includes('%s'))
      return { changed: false, failed: true, msg: `validate must contain %s: ${args.validate}` };
    const { state, content } = await ctx.readPath(args.path, 'content');
    const before = content?.toString('utf8') ?? '';
    if (state.type === 'absent' && !args.create) {
      if (args.state === 'absent') return { changed: false, path: args.path };
      return { changed: false, failed: true, rc: 257, msg: `Destination ${args.path} does not exist !` };
    }
    if (state.type === 'directory') return { changed: false, failed: true, rc: 256, msg: `Path ${args.path} is a directory !` };
    if (state.type !== 'file' && state.type !== 'absent') return { changed: false, failed: true, msg: `${args.path} is a ${state.type}, not a file` };
    const edit = editLines(before, args);
    const warnings = emptyPatternWarning(args);
    const plan = await planEdit(ctx, args, edit.text, { state, text: before }, { backupKey: 'backup', parents: args.create });
    const attributesChanged = plan.changed && edit.text === before;
    return {
      ...plan,
      msg: plan.msg ?? (attributesChanged ? 'ownership, perms or SE linux context changed' : edit.msg),
      backup: '',
      ...(warnings.length ? { warnings } : {}),
    };
  },
});
