import { readFile } from 'node:fs/promises';
import { defineModule } from './module.js';
import { attributesArgs, normalizeMode } from './support/file-attributes.js';
import { ensureContent } from './support/file-content.js';

interface CopyArgs {
  dest: string;
  content?: string;
  src?: string;
  owner?: string;
  group?: string;
  mode?: string | number;
}

export default defineModule<CopyArgs>({
  name: 'copy',
  description: 'Puts a file on the host from inline content or a controller file; written atomically, changed only when content or attributes differ.',
  args: {
    type: 'object',
    additionalProperties: false,
    required: ['dest'],
    properties: { dest: { type: 'string' }, content: { type: ['string', 'number', 'boolean'] }, src: { type: 'string' }, ...attributesArgs },
  },
  checkMode: 'full',
  async run(args, ctx) {
    if ((args.content === undefined) === (args.src === undefined)) return { changed: false, failed: true, msg: "copy needs exactly one of 'content' and 'src'" };
    const content = args.content !== undefined ? String(args.content) : await readFile(await ctx.findLocalFile('files', args.src!));
    return ensureContent(ctx, args.dest, content, { owner: args.owner, group: args.group, mode: normalizeMode(args.mode) });
  },
});
