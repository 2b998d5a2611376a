import Type from 'typebox';
import { defineModule } from './module.js';
import { attributesArgs, writeArgs } from './support/file-attributes.js';
import { planEdit } from './support/file-content.js';
import { pythonRegExp } from '../jinja/python-regex.js';

export interface BlockEdit {
  block: string;
  state: 'present' | 'absent';
  marker: string;
  marker_begin: string;
  marker_end: string;
  insertafter?: string;
  insertbefore?: string;
}

/**
 * Ansible's blockinfile: the lines between the two marker lines replaced by the block (or removed
 * with its markers); a block not there yet goes after the last line matching insertafter, before the
 * last one matching insertbefore, or at the end. Pure: the new text and the message.
 */
export function editBlock(original: string | undefined, args: BlockEdit): { text: string; msg: string } {
  const lines = (original ?? '').split(/(?<=\n)/).filter((line) => line !== '');
  const begin = `${args.marker.replaceAll('{mark}', args.marker_begin)}\n`;
  const end = `${args.marker.replaceAll('{mark}', args.marker_end)}\n`;
  const body = args.block === '' || args.block.endsWith('\n') ? args.block : `${args.block}\n`;
  const blockLines = args.state === 'present' && args.block !== '' ? [begin, ...body.split(/(?<=\n)/).filter((line) => line !== ''), end] : [];
  let n0 = lines.findLastIndex((line) => line === begin);
  const n1 = lines.findLastIndex((line) => line === end);
  if (n0 < 0 || n1 < 0) {
    const anchor =
      args.insertafter !== undefined && args.insertafter !== 'EOF'
        ? args.insertafter
        : args.insertbefore !== undefined && args.insertbefore !== 'BOF'
          ? args.insertbefore
          : undefined;
    if (anchor !== undefined) {
      const re = pythonRegExp(anchor);
      // A multiline pattern ('(?m)') is searched in the whole text, as Ansible does: its line is where the match ends (or starts).
      const match = re.multiline ? re.exec(original ?? '') : undefined;
      const whole = match ? (original ?? '').slice(0, args.insertafter !== undefined ? match.index + match[0].length : match.index) : undefined;
      n0 = whole !== undefined ? whole.split('\n').length - 1 : re.multiline ? -1 : lines.findLastIndex((line) => re.test(line));
      if (n0 < 0) n0 = lines.length;
      else if (args.insertafter !== undefined) n0 += 1;
    } else n0 = args.insertbefore !== undefined ? 0 : lines.length;
  } else if (n0 < n1) lines.splice(n0, n1 - n0 + 1);
  else {
    lines.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }
  // The line before the block ends with a newline, so the block starts on its own line.
  if (n0 > 0 && !lines[n0 - 1].endsWith('\n')) lines[n0 - 1] += '\n';
  lines.splice(n0, 0, ...blockLines);
  const text = lines.join('');
  if (text === original) return { text, msg: '' };
  if (original === undefined) return { text, msg: 'File created' };
  return { text, msg: blockLines.length ? 'Block inserted' : 'Block removed' };
}

export default defineModule({
  name: 'blockinfile',
  description: "Keeps a block of lines in a file between two marker lines (added, replaced or removed as one), as Ansible's blockinfile.",
  args: Type.Object(
    {
      path: Type.String({ description: 'The file on the host.', aliases: ['dest', 'destfile', 'name'] }),
      block: Type.String({ default: '', description: 'The lines; empty removes the block.', aliases: ['content'] }),
      state: Type.Enum(['present', 'absent'], { default: 'present', description: 'Whether the block is there.' }),
      marker: Type.String({ default: '# {mark} ANSIBLE MANAGED BLOCK', description: 'The marker lines; {mark} is marker_begin or marker_end.' }),
      marker_begin: Type.String({ default: 'BEGIN', description: 'What {mark} is in the first marker line.' }),
      marker_end: Type.String({ default: 'END', description: 'What {mark} is in the last marker line.' }),
      insertafter: Type.Optional(Type.String({ description: "A new block goes after the last line matching this expression ('EOF': at the end)." })),
      insertbefore: Type.Optional(Type.String({ description: "A new block goes before the last line matching this expression ('BOF': at the start)." })),
      create: Type.Boolean({ default: false, description: 'Create the file when it does not exist.' }),
      ...writeArgs,
      ...attributesArgs,
    },
    { additionalProperties: false },
  ),
  returns: { msg: { description: "'Block inserted', 'Block removed', 'File created', or empty.", type: 'string' } },
  examples: [
    {
      description: 'Keep a few lines of settings in a file together.',
      task: 'blockinfile:\n  path: /etc/example.conf\n  create: true\n  block: |\n    port = 8080\n    workers = 4',
    },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    if (args.insertafter !== undefined && args.insertbefore !== undefined)
      return { changed: false, failed: true, msg: 'parameters are mutually exclusive: insertafter|insertbefore' };
    const { state, content } = await ctx.readPath(args.path, 'content');
    if (state.type === 'absent' && !args.create) return { changed: false, failed: true, rc: 257, msg: `Path ${args.path} does not exist !` };
    if (state.type !== 'file' && state.type !== 'absent') return { changed: false, failed: true, msg: `${args.path} is a ${state.type}, not a file` };
    const before = state.type === 'absent' ? undefined : (content?.toString('utf8') ?? '');
    const edit = editBlock(before, args);
    // Nothing to add to a file that is not there: it stays absent.
    if (before === undefined && edit.text === '') return { changed: false, msg: '' };
    const plan = await planEdit(ctx, args, edit.text, { state, text: before }, { parents: args.create });
    return { ...plan, msg: edit.msg };
  },
});
