import Type from 'typebox';
import type { ExecResult } from '../connection/connection.js';
import { shellQuote } from '../shell/quote.js';
import { defineModule, type ModuleResult } from './module.js';
import { attributeChanges, attributeCommands, attributesArgs, normalizeMode } from './support/file-attributes.js';
import { readFileState } from './support/file-content.js';

/** Hex digits of each algorithm Ansible's get_url takes (the host's coreutils compute them: sha256sum, ...). */
const HEX_LENGTH: Record<string, number> = { md5: 32, sha1: 40, sha224: 56, sha256: 64, sha384: 96, sha512: 128 };

/** A checksum as Ansible writes it: 'ALGORITHM:HEX', or 'ALGORITHM:URL' of a checksum file that lists the download. */
export type Checksum = { algorithm: string; hex: string } | { algorithm: string; url: string };

export function parseChecksum(checksum: string | undefined): Checksum | undefined | Error {
  if (checksum === undefined) return undefined;
  const [, algorithm, value] = /^(\w+):(.+)$/s.exec(checksum.trim()) ?? [];
  if (!algorithm || !(algorithm in HEX_LENGTH))
    return new Error(`checksum '${checksum}' must be ALGORITHM:HEX or ALGORITHM:URL, ALGORITHM one of ${Object.keys(HEX_LENGTH).join(', ')}`);
  if (value.includes('://')) return { algorithm, url: value };
  if (!new RegExp(`^[0-9a-fA-F]{${HEX_LENGTH[algorithm]}}$`).test(value))
    return new Error(`checksum '${checksum}' must be '${algorithm}:' and ${HEX_LENGTH[algorithm]} hex digits`);
  return { algorithm, hex: value.toLowerCase() };
}

/**
 * The checksum a checksum file gives the download, as Ansible reads it: a file of one word is the
 * checksum; otherwise the line 'HEX  NAME' (or 'HEX *NAME') whose name is the URL's file name.
 */
export function checksumFromFile(text: string, url: string): string | undefined {
  const filename = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 1 && lines[0].trim().split(/\s+/).length === 1) return lines[0].trim().toLowerCase();
  for (const line of lines) {
    const space = line.indexOf(' ');
    if (space === -1) continue;
    const name = line
      .slice(space + 1)
      .replace(/^[ *]/, '')
      .replace(/^[./]+/, '');
    if (name.replace(/^[./]+|[./]+$/g, '') === filename) return line.slice(0, space).toLowerCase();
  }
  return undefined;
}

/** A value in curl's configuration syntax: double-quoted, with \\ and \" escaped. */
const curlString = (value: string) => `"${value.replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n')}"`;

export default defineModule({
  name: 'get_url',
  description: 'Downloads a URL on the host; skipped when the file is there and matches the checksum; verified before it replaces anything.',
  args: Type.Object(
    {
      url: Type.String({ description: 'What to download (http, https).' }),
      dest: Type.String({ description: 'The file on the host; a directory: the file keeps the name in the URL.' }),
      checksum: Type.Optional(
        Type.String({
          description:
            "'ALGORITHM:HEX' (md5, sha1, sha224, sha256, sha384, sha512), or 'ALGORITHM:URL' of a checksum file listing the download: the download must match, and a file that matches is not downloaded again.",
        }),
      ),
      force: Type.Boolean({ default: false, description: 'Without checksum: download again even when the file exists (replaced only when it differs).' }),
      timeout: Type.Number({ minimum: 1, default: 120, description: 'Seconds the download may take.' }),
      validate_certs: Type.Boolean({ default: true, description: "false: accept a server certificate that does not verify (curl's --insecure)." }),
      headers: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Request headers, by name.' })),
      url_username: Type.Optional(Type.String({ description: 'User for HTTP authentication.', aliases: ['username'] })),
      url_password: Type.Optional(
        Type.String({ description: 'Password for HTTP authentication (given to curl on its standard input, never on a command line).', aliases: ['password'] }),
      ),
      force_basic_auth: Type.Boolean({
        default: false,
        description: 'Send Basic credentials with the first request instead of waiting for the server to ask.',
      }),
      client_cert: Type.Optional(Type.String({ description: 'A PEM client certificate on the host, for TLS client authentication.' })),
      client_key: Type.Optional(Type.String({ description: "The client certificate's private key on the host." })),
      http_agent: Type.String({ default: 'ansible-httpget', description: 'The User-Agent header.' }),
      use_proxy: Type.Boolean({ default: true, description: "false: ignore the host's proxy variables." }),
      decompress: Type.Boolean({ default: true, description: 'Ask for a compressed response and decompress it.' }),
      use_gssapi: Type.Boolean({ default: false, description: "Authenticate with GSS-API/Kerberos (curl's --negotiate)." }),
      use_netrc: Type.Boolean({ default: true, description: "Take credentials from the host user's ~/.netrc when none are given." }),
      ciphers: Type.Optional(Type.Array(Type.String(), { description: 'TLS cipher suites to offer, in OpenSSL names.' })),
      unredirected_headers: Type.Optional(
        Type.Array(Type.String(), { description: 'Headers not sent again after a redirect (curl sends given headers only to the first host).' }),
      ),
      ...attributesArgs,
    },
    { additionalProperties: false },
  ),
  returns: {
    dest: { description: 'The file on the host.', type: 'string' },
    checksum_dest: { description: 'SHA-256 of the file that was already there.', type: 'string' },
  },
  examples: [
    {
      description: 'Download a release file, verified by its checksum.',
      task: 'get_url:\n  url: https://github.com/k3s-io/k3s/releases/download/v1.31.4%2Bk3s1/sha256sum-amd64.txt\n  dest: /tmp/k3s-sha256sum-amd64.txt\n  mode: "0644"',
    },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    const checksum = parseChecksum(args.checksum);
    if (checksum instanceof Error) return { changed: false, failed: true, msg: checksum.message };
    let expected = checksum && 'hex' in checksum ? checksum.hex : undefined;
    if (checksum && 'url' in checksum) {
      // The checksum file is read from the host, as the download will be.
      const listed = await ctx.run(`curl -fsSL --retry 3 --max-time ${args.timeout}${args.validate_certs ? '' : ' --insecure'} -- ${shellQuote(checksum.url)}`);
      if (listed.rc !== 0) return { changed: false, failed: true, msg: `Failed to fetch ${checksum.url}: ${listed.stderr.trim()}` };
      expected = checksumFromFile(listed.stdout, args.url);
      if (expected === undefined)
        return {
          changed: false,
          failed: true,
          msg: `Unable to find a checksum for file '${new URL(args.url).pathname.split('/').pop()}' in '${checksum.url}'`,
        };
    }
    const sum = `${checksum?.algorithm ?? 'sha256'}sum`;
    let dest = args.dest;
    let state = await readFileState(ctx, dest);
    if (state.type === 'directory') {
      dest = `${dest.replace(/\/$/, '')}/${new URL(args.url).pathname.split('/').pop() || 'index.html'}`;
      state = await readFileState(ctx, dest);
    }
    const wanted = { owner: args.owner, group: args.group, mode: normalizeMode(args.mode) };
    // The path reader knows SHA-256; another algorithm's sum of the file there is computed on the host.
    const destSum =
      state.type !== 'file' || sum === 'sha256sum' ? state.sha256 : (await ctx.run(`${sum} -- ${shellQuote(dest)}`)).stdout.split(' ')[0] || undefined;
    const present = state.type === 'file' && (expected ? destSum === expected : !args.force);
    if (present) {
      const changes = attributeChanges(wanted, state);
      const changed = Object.keys(changes).length > 0;
      const steps = changed ? [{ what: `setting the attributes of ${dest}`, command: attributeCommands(shellQuote(dest), changes).join(' && ') }] : [];
      return { changed, dest, checksum_dest: state.sha256, msg: changed ? 'attributes updated' : 'file already present', steps };
    }
    const verify = expected
      ? `echo ${shellQuote(`${expected}  `)}"$t" | ${sum} -c --status || { echo "checksum mismatch: got $(${sum} "$t" | cut -d' ' -f1)" >&2; exit 90; }; `
      : '';
    const same =
      state.type === 'file' ? `if [ "$(sha256sum "$t" | cut -d' ' -f1)" = ${shellQuote(state.sha256 ?? '')} ]; then echo unchanged; exit 0; fi; ` : '';
    const attributes = attributeCommands('"$t"', { mode: wanted.mode ?? '0644', owner: wanted.owner, group: wanted.group })
      .map((c) => `${c} && `)
      .join('');
    const options = [
      ...(args.validate_certs ? [] : ['--insecure']),
      ...(args.client_cert !== undefined ? ['--cert', shellQuote(args.client_cert)] : []),
      ...(args.client_key !== undefined ? ['--key', shellQuote(args.client_key)] : []),
      ...(args.use_proxy ? [] : ['--noproxy', "'*'"]),
      ...(args.decompress ? ['--compressed'] : []),
      ...(args.url_username !== undefined && !args.use_gssapi ? [args.force_basic_auth ? '--basic' : '--anyauth'] : []),
      ...(args.use_gssapi ? ['--negotiate'] : []),
      ...(args.use_netrc && args.url_username === undefined ? ['--netrc-optional'] : []),
      ...(args.ciphers?.length ? ['--ciphers', shellQuote(args.ciphers.join(':'))] : []),
    ].join(' ');
    const script = `t=$(mktemp ${shellQuote(`${dest}.tmp-`)}XXXXXX) || exit 1; trap 'rm -f "$t"' EXIT; curl -fsSL --retry 3 --max-time ${args.timeout} ${options} -K - -o "$t" -- ${shellQuote(args.url)} || exit 22; ${verify}${same}${attributes}mv -f "$t" ${shellQuote(dest)} && trap - EXIT && echo "downloaded $(wc -c < ${shellQuote(dest)})"`;
    // Headers and credentials reach curl as its configuration on standard input: no secret on a command line.
    const config = [
      `user-agent = ${curlString(args.http_agent)}`,
      ...Object.entries(args.headers ?? {}).map(([name, value]) => `header = ${curlString(`${name}: ${value}`)}`),
      ...(args.url_username !== undefined ? [`user = ${curlString(`${args.url_username}:${args.url_password ?? ''}`)}`] : []),
    ].join('\n');
    // Without a checksum, whether a forced download differs is known only once it is there.
    const interpret = (output: ExecResult): Partial<ModuleResult> =>
      output.rc === 0
        ? output.stdout.startsWith('downloaded')
          ? { changed: true, msg: `OK (${output.stdout.split(' ')[1]?.trim()} bytes)` }
          : { changed: false, msg: 'OK (the file there has the same content)' }
        : {
            failed: true,
            msg: output.rc === 90 ? `${args.url}: ${output.stderr.trim()} (expected ${expected})` : `download of ${args.url} failed: ${output.stderr.trim()}`,
          };
    return {
      changed: true,
      dest,
      url: args.url,
      msg: `OK (would download ${args.url})`,
      steps: [{ what: `downloading ${args.url}`, command: script, stdin: `${config}\n`, interpret }],
    };
  },
});
