// What an archive holds and how it compares with a directory on the host, read there with the
// tools Ansible's unarchive uses (GNU tar, unzip and zipinfo): one round trip for tar archives, two
// for zip archives (the second reads the extracted files' states).
import { shellQuote } from '../shell/quote.js';

/** Ansible's names for the archive handlers, in the order it tries them. */
export type Handler = 'ZipArchive' | 'TgzArchive' | 'TarArchive' | 'TarBzipArchive' | 'TarXzArchive' | 'TarZstdArchive';

/** GNU tar's option for each compression, as Ansible passes it. */
export const TAR_FLAGS: ReadonlyArray<[Handler, string]> = [
  ['TgzArchive', '-z'],
  ['TarArchive', ''],
  ['TarBzipArchive', '-j'],
  ['TarXzArchive', '-J'],
  ['TarZstdArchive', '--use-compress-program=zstd'],
];

/** Where the archive is: a path on the host, bytes sent from this machine, or a URL the host downloads. */
export type ArchiveSource = { path: string } | { content: Buffer } | { url: string; validateCerts: boolean };

/** What tar and unzip are told besides the archive: Ansible's include/exclude/extra_opts/owner/group/keep_newer. */
export interface ArchiveOptions {
  dest: string;
  include: string[];
  exclude: string[];
  extraOpts: string[];
  owner?: string;
  group?: string;
  keepNewer: boolean;
}

const MARK = '@@unarchive';

/**
 * Shell lines that make "$a" the archive for the rest of the command: the host's path as it is,
 * or a temporary copy (sent on standard input, or downloaded) removed when the command ends.
 */
export function archivePrelude(source: ArchiveSource): string[] {
  if ('path' in source) return [`a=${shellQuote(source.path)}`];
  const temporary = [`w=$(mktemp -d) || exit 1`, `trap 'rm -rf "$w"' EXIT`, `a="$w/source"`];
  if ('content' in source) return [...temporary, `cat > "$a" || exit 1`];
  const insecure = source.validateCerts ? '' : ' --insecure';
  return [...temporary, `curl -fsSL${insecure} -o "$a" -- ${shellQuote(source.url)} 2>"$w/err" || { echo "${MARK} download $(cat "$w/err")"; exit 0; }`];
}

/** GNU tar's arguments for one operation on "$a", as Ansible builds them. */
export function tarCommand(operation: 'list' | 'diff' | 'extract', flag: string, options: ArchiveOptions): string {
  const words = [`--${operation}`, '-C', options.dest];
  if (flag) words.push(flag);
  if (options.extraOpts.length) words.push('--show-transformed-names', ...options.extraOpts);
  if (operation !== 'list') {
    if (options.owner) words.push(`--owner=${options.owner}`);
    if (options.group) words.push(`--group=${options.group}`);
    if (options.keepNewer) words.push('--keep-newer-files');
  }
  const excludes = options.exclude.map((path) => `--exclude=${path.replace(/\/+$/, '')}`);
  return `LC_ALL=C tar ${[...words, ...excludes].map(shellQuote).join(' ')} -f "$a"${options.include.map((name) => ` ${shellQuote(name)}`).join('')}`;
}

/** unzip's arguments for extracting "$a" into dest, as Ansible builds them. */
export function unzipCommand(options: ArchiveOptions, excludes: string[]): string {
  const words = (list: string[]) => list.map(shellQuote).join(' ');
  return [`unzip -o ${words(options.extraOpts)} "$a"`, excludes.length ? `-x ${words(excludes)}` : '', words(options.include), `-d ${shellQuote(options.dest)}`]
    .filter(Boolean)
    .join(' ');
}

/**
 * Reads the archive and the destination in one command: who runs it, the handler that can read the
 * archive (or why none can), its file list, and for tar the output of 'tar --diff'; for zip the
 * listing with permissions and times (zipinfo -T -s) and each member's CRC-32 (unzip -v).
 */
export function surveyCommand(source: ArchiveSource, options: ArchiveOptions): string {
  const dest = shellQuote(options.dest);
  const zipSelection = [options.exclude.length ? `-x ${options.exclude.map(shellQuote).join(' ')}` : '', ...options.include.map(shellQuote)].join(' ');
  const tarTries = TAR_FLAGS.map(
    ([handler, flag]) =>
      `if ${tarCommand('list', flag, options)} > "$l" 2>/dev/null && [ -s "$l" ]; then echo "${MARK} handler ${handler}"; cat "$l"; echo "${MARK} diff"; ${tarCommand('diff', flag, options)} 2>&1; echo "${MARK} rc $?"; exit 0; fi`,
  );
  return [
    ...archivePrelude(source),
    `[ -e "$a" ] || { echo "${MARK} missing"; exit 0; }`,
    `[ -r "$a" ] || { echo "${MARK} unreadable"; exit 0; }`,
    `[ -s "$a" ] || { echo "${MARK} empty"; exit 0; }`,
    `[ -d ${dest} ] || { echo "${MARK} nodest"; exit 0; }`,
    `echo "${MARK} user $(id -u) $(id -un) $(id -g) $(id -gn) $(umask)"`,
    `cd ${dest} || exit 1`,
    'l=$(mktemp) || exit 1',
    `trap 'rm -rf "$l" \${w:+"$w"}' EXIT`,
    'if command -v unzip >/dev/null && command -v zipinfo >/dev/null; then',
    '  if unzip -l "$a" >/dev/null 2>"$l"; then',
    `    echo "${MARK} handler ZipArchive"; LC_ALL=C zipinfo -1 "$a"`,
    `    echo "${MARK} zipinfo"; LC_ALL=C zipinfo -T -s "$a" ${zipSelection}; echo "${MARK} rc $?"`,
    `    echo "${MARK} crc"; LC_ALL=C unzip -v "$a"; exit 0`,
    '  fi',
    `  echo "${MARK} reason Command \\"$(command -v unzip)\\" could not handle archive: $(cat "$l")"`,
    'else',
    `  echo "${MARK} reason Unable to find required 'unzip' or 'zipinfo' binary in the path."`,
    'fi',
    'if ! command -v tar >/dev/null; then',
    `  echo "${MARK} reason Unable to find required 'gtar' or 'tar' binary in the path"`,
    'elif ! tar --version 2>/dev/null | head -n1 | grep -q "^tar.*GNU"; then',
    `  echo "${MARK} reason Command \\"$(command -v tar)\\" detected as tar type bsd. GNU tar required."`,
    'else',
    ...tarTries.map((line) => `  ${line}`),
    `  echo "${MARK} reason Command \\"$(command -v tar)\\" found no files in archive. Empty archive files are not supported."`,
    'fi',
  ].join('\n');
}

/** The account the command ran as (the become user), for ownership comparisons. */
export interface Runner {
  uid: number;
  user: string;
  gid: number;
  group: string;
  umask: number;
}

export type Survey =
  | { problem: 'missing' | 'unreadable' | 'empty' | 'nodest' }
  | { problem: 'download'; detail: string }
  | { problem: 'nohandler'; reasons: string[] }
  | { handler: 'ZipArchive'; runner: Runner; names: string[]; zipinfo: string; zipinfoRc: number; crcs: Map<string, number> }
  | { handler: Exclude<Handler, 'ZipArchive'>; runner: Runner; names: string[]; diff: string; diffRc: number };

/** The sections of the survey's output. */
export function parseSurvey(output: string): Survey {
  const sections: Array<{ head: string; lines: string[] }> = [];
  for (const line of output.split('\n')) {
    if (line.startsWith(`${MARK} `)) sections.push({ head: line.slice(MARK.length + 1), lines: [] });
    else sections.at(-1)?.lines.push(line);
  }
  const find = (word: string) => sections.find((section) => section.head === word || section.head.startsWith(`${word} `));
  const rest = (word: string) => find(word)?.head.slice(word.length + 1) ?? '';
  for (const problem of ['missing', 'unreadable', 'empty', 'nodest'] as const) if (find(problem)) return { problem };
  if (find('download')) return { problem: 'download', detail: rest('download') };
  const [uid, user, gid, group, umask] = rest('user').split(' ');
  const runner: Runner = { uid: Number(uid), user, gid: Number(gid), group, umask: parseInt(umask ?? '022', 8) };
  const handler = find('handler');
  const text = (section?: { lines: string[] }) => (section?.lines ?? []).join('\n').replace(/\n+$/, '');
  const names = (handler?.lines ?? []).filter(Boolean);
  const rc = Number(
    sections
      .filter((section) => section.head.startsWith('rc '))
      .at(-1)
      ?.head.slice(3) ?? 0,
  );
  if (!handler)
    return {
      problem: 'nohandler',
      reasons: sections.filter((section) => section.head.startsWith('reason ')).map((section) => [section.head.slice(7), ...section.lines].join('\n').trim()),
    };
  const name = handler.head.slice('handler '.length) as Handler;
  if (name === 'ZipArchive') return { handler: name, runner, names, zipinfo: text(find('zipinfo')), zipinfoRc: rc, crcs: parseCrcs(text(find('crc'))) };
  return { handler: name, runner, names: names.map(tarName), diff: text(find('diff')), diffRc: rc };
}

/** A name as GNU tar lists it: C escapes decoded (tar writes non-ASCII bytes as octal in the C locale), no leading '/'. */
function tarName(listed: string): string {
  const bytes: number[] = [];
  const escapes: Record<string, number> = { n: 10, t: 9, r: 13, '\\': 92, '"': 34, "'": 39, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < listed.length; i++) {
    const octal = listed[i] === '\\' ? /^[0-7]{1,3}/.exec(listed.slice(i + 1))?.[0] : undefined;
    if (octal) {
      bytes.push(parseInt(octal, 8));
      i += octal.length;
    } else if (listed[i] === '\\' && listed[i + 1] in escapes) {
      bytes.push(escapes[listed[++i]]);
    } else bytes.push(...Buffer.from(listed[i]));
  }
  return Buffer.from(bytes).toString('utf8').replace(/^\/+/, '');
}

/** Member name to CRC-32, from the lines of 'unzip -v' (length, method, size, ratio, date, time, CRC, name). */
function parseCrcs(listing: string): Map<string, number> {
  const crcs = new Map<string, number>();
  for (const line of listing.split('\n')) {
    const match = /^\s*\d+\s+\S+\s+\d+\s+\S+\s+\S+\s+\S+\s+([0-9a-f]{8}) {2}(.*)$/.exec(line);
    if (match) crcs.set(match[2], parseInt(match[1], 16));
  }
  return crcs;
}

/** One extracted path as lstat sees it, with its CRC-32 when it is a regular file. */
export interface ExtractedState {
  type: 'file' | 'directory' | 'link' | 'other';
  mode: number;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  size: number;
  mtime: number;
  crc?: number;
}

/**
 * Reads the paths a zip archive would extract, below dest, and turns zipinfo's local times into
 * seconds since the epoch with the host's time zone (as Python's time.mktime does there).
 */
export function extractedStatesCommand(dest: string, paths: string[], times: string[]): string {
  return [
    `cd ${shellQuote(dest)} || exit 1`,
    ...(times.length ? [`printf '%s\\n' ${times.map(shellQuote).join(' ')} | date -f - +%s || exit 1`] : []),
    `echo ${MARK}`,
    `for p in ${paths.map(shellQuote).join(' ')}; do`,
    `  s=$(stat -c '%f|%u|%g|%U|%G|%s|%.9Y' -- "$p" 2>/dev/null) || { echo "-"; continue; }`,
    '  c=""; [ -f "$p" ] && [ ! -L "$p" ] && c=$(gzip -1 -c -- "$p" | tail -c 8 | od -An -tx1 -N4 | tr -d " \\n")',
    '  echo "$s|$c"',
    'done',
  ].join('\n');
}

export function parseExtractedStates(output: string): { epochs: number[]; states: Array<ExtractedState | undefined> } {
  const [head, body = ''] = output.split(`${MARK}\n`);
  const epochs = head.split('\n').filter(Boolean).map(Number);
  const states = body
    .split('\n')
    .filter(Boolean)
    .map((line): ExtractedState | undefined => {
      if (line === '-') return undefined;
      const [raw, uid, gid, owner, group, size, mtime, crc] = line.split('|');
      const bits = parseInt(raw, 16);
      const kind = bits & 0o170000;
      return {
        type: kind === 0o100000 ? 'file' : kind === 0o040000 ? 'directory' : kind === 0o120000 ? 'link' : 'other',
        mode: bits & 0o7777,
        uid: Number(uid),
        gid: Number(gid),
        owner,
        group,
        size: Number(size),
        mtime: Number(mtime),
        // gzip's trailer holds the CRC-32 of what it compressed, least significant byte first.
        ...(crc ? { crc: Buffer.from(crc, 'hex').readUInt32LE(0) } : {}),
      };
    });
  return { epochs, states };
}
