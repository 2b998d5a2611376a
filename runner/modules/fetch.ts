import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import Type, { type Static } from 'typebox';
import { defineModule } from './module.js';
import { readRemoteBytes } from './support/file-content.js';
import { sha1, sha256 } from '../facts/file.js';

const fetchArgs = Type.Object(
  {
    src: Type.String({ description: 'The file on the host.' }),
    dest: Type.String({ description: "A directory on the controller (relative: the playbook's directory); the file lands in dest/HOST/SRC." }),
    flat: Type.Boolean({ default: false, description: 'Put the file at dest itself (or dest/NAME when dest ends with /), without the host and path.' }),
    mode: Type.String({
      pattern: '^0?[0-7]{3}$',
      default: '0600',
      description: 'Mode of the controller copy; private by default, since fetched files are often secrets.',
    }),
  },
  { additionalProperties: false },
);

type FetchArgs = Static<typeof fetchArgs>;

/** Where a fetched file lands, as in Ansible: dest/HOST/SRC; with flat, dest itself, or dest/BASENAME when dest ends with '/'. */
export function fetchDestination(args: Pick<FetchArgs, 'src' | 'dest'> & { flat?: boolean }, host: string): string {
  if (!args.flat) return join(args.dest, host, args.src);
  return args.dest.endsWith('/') ? join(args.dest, basename(args.src)) : args.dest;
}

export default defineModule({
  name: 'fetch',
  description: 'Copies a remote file to the controller (written atomically, private to the user by default: fetched files are often secrets).',
  args: fetchArgs,
  returns: {
    dest: { description: 'Where the file is on the controller.', type: 'string' },
    checksum: { description: "SHA-1 of the file's content (as Ansible reports it).", type: 'string' },
  },
  examples: [
    {
      description: "Bring each host's os-release to the controller, under fetched/HOST/etc/os-release.",
      task: 'fetch:\n  src: /etc/os-release\n  dest: fetched',
    },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    const content = await readRemoteBytes(ctx, args.src);
    const dest = ctx.localPath(fetchDestination(args, ctx.host));
    const current = await readFile(dest).catch(() => undefined);
    const changed = current === undefined || sha256(current) !== sha256(content);
    const steps = changed ? [{ what: `writing ${dest}`, writeLocal: { path: dest, content, mode: parseInt(args.mode, 8) } }] : [];
    return { changed, dest, checksum: sha1(content), steps };
  },
});
