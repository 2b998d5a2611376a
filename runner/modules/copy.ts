import { readFile } from 'node:fs/promises';
import Type from 'typebox';
import { defineModule } from './module.js';
import { attributesArgs, normalizeMode } from './support/file-attributes.js';
import { keptWithoutForce, planFileContent } from './support/file-content.js';

export default defineModule({
  name: 'copy',
  description: 'Puts a file on the host from inline content or a controller file; written atomically, changed only when content or attributes differ.',
  args: Type.Object(
    {
      dest: Type.String({ description: 'Path of the file on the host.' }),
      content: Type.Optional(
        Type.Union([Type.String(), Type.Number(), Type.Boolean()], { description: "The file's content, written as it is (give this or 'src')." }),
      ),
      src: Type.Optional(
        Type.String({ description: "A controller file: looked up in the role's files/, then the playbook's files/ and directory (give this or 'content')." }),
      ),
      force: Type.Boolean({ default: true, description: 'false: write the file only when it does not exist yet (a file the user may edit afterwards).' }),
      ...attributesArgs,
    },
    { additionalProperties: false },
  ),
  returns: {
    path: { description: 'The destination path.', type: 'string' },
    checksum: { description: 'SHA-1 of the content asked for (as Ansible reports it).', type: 'string' },
  },
  examples: [
    {
      description: 'Write a small configuration file, readable by its owner only.',
      task: 'copy:\n  dest: /etc/example/app.conf\n  content: "listen = 8080\\n"\n  mode: "0600"',
    },
    { description: "Copy a file from the role's files/ directory.", task: 'copy:\n  src: motd\n  dest: /etc/motd' },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    if ((args.content === undefined) === (args.src === undefined))
      return { changed: false, failed: true, msg: "copy needs exactly one of 'content' and 'src'" };
    const kept = await keptWithoutForce(ctx, args.dest, args.force);
    if (kept) return kept;
    const content = args.content !== undefined ? String(args.content) : await readFile(await ctx.findLocalFile('files', args.src!));
    return planFileContent(ctx, args.dest, content, { owner: args.owner, group: args.group, mode: normalizeMode(args.mode) });
  },
});
