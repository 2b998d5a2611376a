import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { defineModule } from './module.js';
import { readRemoteBytes } from './support/file-content.js';
import { writeLocalFileAtomic } from './support/local-file.js';
import { sha256 } from '../facts/file.js';

interface FetchArgs {
  src: string;
  dest: string;
  flat?: boolean;
  mode?: string;
}

/** Where a fetched file lands, as in Ansible: dest/HOST/SRC; with flat, dest itself, or dest/BASENAME when dest ends with '/'. */
export function fetchDestination(args: FetchArgs, host: string): string {
  if (!args.flat) return join(args.dest, host, args.src);
  return args.dest.endsWith('/') ? join(args.dest, basename(args.src)) : args.dest;
}

export default defineModule<FetchArgs>({
  name: 'fetch',
  description: 'Copies a remote file to the controller (written atomically, private to the user by default: fetched files are often secrets).',
  args: { type: 'object', additionalProperties: false, required: ['src', 'dest'], properties: { src: { type: 'string' }, dest: { type: 'string' }, flat: { type: 'boolean' }, mode: { type: 'string', pattern: '^0?[0-7]{3}$' } } },
  checkMode: 'full',
  async run(args, ctx) {
    const content = await readRemoteBytes(ctx, args.src);
    const dest = ctx.localPath(fetchDestination(args, ctx.host));
    const current = await readFile(dest).catch(() => undefined);
    const changed = current === undefined || sha256(current) !== sha256(content);
    if (!changed || ctx.check) return { changed, dest, checksum: sha256(content) };
    await mkdir(dirname(dest), { recursive: true, mode: 0o700 });
    await writeLocalFileAtomic(dest, content, parseInt(args.mode ?? '600', 8));
    return { changed, dest, checksum: sha256(content) };
  },
});
