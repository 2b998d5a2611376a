import { shellQuote } from '../connection/command-line.js';
import { defineModule } from './module.js';
import { attributeChanges, attributeCommands, attributesArgs, normalizeMode } from './support/file-attributes.js';
import { readFileState } from './support/file-content.js';

interface GetUrlArgs {
  url: string;
  dest: string;
  checksum?: string;
  force?: boolean;
  timeout?: number;
  owner?: string;
  group?: string;
  mode?: string | number;
}

/** 'sha256:<hex>' as Ansible writes checksums. */
export function parseChecksum(checksum: string | undefined): string | undefined | Error {
  if (checksum === undefined) return undefined;
  const match = /^sha256:([0-9a-fA-F]{64})$/.exec(checksum.trim());
  return match ? match[1].toLowerCase() : new Error(`checksum '${checksum}' must be 'sha256:' and 64 hex digits`);
}

export default defineModule<GetUrlArgs>({
  name: 'get_url',
  description: 'Downloads a URL on the host; skipped when the file is there and matches the checksum; verified before it replaces anything.',
  args: {
    type: 'object',
    additionalProperties: false,
    required: ['url', 'dest'],
    properties: { url: { type: 'string' }, dest: { type: 'string' }, checksum: { type: 'string' }, force: { type: 'boolean' }, timeout: { type: 'number', minimum: 1 }, ...attributesArgs },
  },
  checkMode: 'full',
  async run(args, ctx) {
    const expected = parseChecksum(args.checksum);
    if (expected instanceof Error) return { changed: false, failed: true, msg: expected.message };
    let dest = args.dest;
    let state = await readFileState(ctx, dest);
    if (state.type === 'directory') {
      dest = `${dest.replace(/\/$/, '')}/${new URL(args.url).pathname.split('/').pop() || 'index.html'}`;
      state = await readFileState(ctx, dest);
    }
    const wanted = { owner: args.owner, group: args.group, mode: normalizeMode(args.mode) };
    const present = state.type === 'file' && (expected ? state.sha256 === expected : !args.force);
    if (present) {
      const changes = attributeChanges(wanted, state);
      const changed = Object.keys(changes).length > 0;
      if (changed && !ctx.check) {
        const fixed = await ctx.run(attributeCommands(shellQuote(dest), changes).join(' && '));
        if (fixed.rc !== 0) return { changed: false, failed: true, msg: fixed.stderr.trim() };
      }
      return { changed, dest, checksum_dest: state.sha256, msg: changed ? 'attributes updated' : 'file already present' };
    }
    if (ctx.check) return { changed: true, dest, msg: `would download ${args.url}` };
    const verify = expected ? `echo ${shellQuote(`${expected}  `)}"$t" | sha256sum -c --status || { echo "checksum mismatch: got $(sha256sum "$t" | cut -d' ' -f1)" >&2; exit 90; }; ` : '';
    const same = state.type === 'file' ? `if [ "$(sha256sum "$t" | cut -d' ' -f1)" = ${shellQuote(state.sha256 ?? '')} ]; then echo unchanged; exit 0; fi; ` : '';
    const attributes = attributeCommands('"$t"', { mode: wanted.mode ?? '0644', owner: wanted.owner, group: wanted.group }).map((c) => `${c} && `).join('');
    const script = `t=$(mktemp ${shellQuote(`${dest}.tmp-`)}XXXXXX) || exit 1; trap 'rm -f "$t"' EXIT; curl -fsSL --retry 3 --max-time ${args.timeout ?? 120} -o "$t" -- ${shellQuote(args.url)} || exit 22; ${verify}${same}${attributes}mv -f "$t" ${shellQuote(dest)} && trap - EXIT && echo downloaded`;
    const result = await ctx.run(script);
    if (result.rc !== 0) return { changed: false, failed: true, dest, msg: result.rc === 90 ? `${args.url}: ${result.stderr.trim()} (expected ${expected})` : `download of ${args.url} failed: ${result.stderr.trim()}` };
    return { changed: result.stdout.trim() === 'downloaded', dest, url: args.url };
  },
});
