import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import Type from 'typebox';
import { defineModule, type ModuleContext } from './module.js';
import { attributesArgs, normalizeMode } from './support/file-attributes.js';
import { keptWithoutForce, planFileContent, readFileState } from './support/file-content.js';

/** The bytes to copy: a controller file (the role's files/ first), or with remote_src a file on the host. */
async function sourceBytes(src: string, remote: boolean, ctx: ModuleContext): Promise<Buffer | Error> {
  if (!remote) return readFile(await ctx.findLocalFile('files', src));
  const { state, content } = await ctx.readPath(src, 'content');
  if (state.type === 'absent') return new Error(`Source ${src} not found`);
  if (state.type !== 'file') return new Error(`Source ${src} is a ${state.type}: remote_src copies a single file here`);
  return content!;
}

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
      remote_src: Type.Boolean({ default: false, description: 'src is a file on the host, not on this machine (a single file; directories are not copied).' }),
      backup: Type.Boolean({ default: false, description: 'Keep a copy of the old file beside it, its path in backup_file.' }),
      validate: Type.Optional(
        Type.String({ description: "A command that checks the new file before it replaces the old one; %s stands for the new file's path." }),
      ),
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
    if (args.validate !== undefined && !args.validate.includes('%s'))
      return { changed: false, failed: true, msg: `validate must contain %s: ${args.validate}` };
    // Into a directory (an existing one, or a dest ending in /), the file keeps its name, as in Ansible.
    // The one read of dest serves the plan too, unless the file goes inside it.
    const destState = args.dest.endsWith('/') ? undefined : await readFileState(ctx, args.dest);
    const intoDirectory = destState === undefined || destState.type === 'directory';
    if (intoDirectory && args.src === undefined) return { changed: false, failed: true, msg: 'can not use content with a dir as dest' };
    const dest = intoDirectory ? posix.join(args.dest, posix.basename(args.src!)) : args.dest;
    const kept = await keptWithoutForce(ctx, dest, args.force);
    if (kept) return kept;
    const content = args.content !== undefined ? String(args.content) : await sourceBytes(args.src!, args.remote_src, ctx);
    if (content instanceof Error) return { changed: false, failed: true, msg: content.message };
    const known = intoDirectory ? undefined : { state: destState! };
    const plan = await planFileContent(ctx, dest, content, { owner: args.owner, group: args.group, mode: normalizeMode(args.mode) }, known, {
      validate: args.validate,
      backup: args.backup,
    });
    return { ...plan, dest, ...(args.src !== undefined ? { src: args.src } : {}) };
  },
});
