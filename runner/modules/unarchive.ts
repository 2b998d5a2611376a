import { readFile } from 'node:fs/promises';
import Type, { type Static } from 'typebox';
import {
  archivePrelude,
  extractedStatesCommand,
  parseExtractedStates,
  parseSurvey,
  surveyCommand,
  TAR_FLAGS,
  tarCommand,
  unzipCommand,
  type ArchiveOptions,
  type ArchiveSource,
  type ExtractedState,
  type Runner,
  type Survey,
} from '../facts/archive.js';
import { shellQuote } from '../shell/quote.js';
import { vaultRefusal } from './copy.js';
import { fnmatch } from './support/fnmatch.js';
import { defineModule, listArgument, type ModuleContext, type Plan, type Step } from './module.js';
import { attributesArgs } from './support/file-attributes.js';
import { pathInfo } from './support/file-content.js';
import { expandRemotePath } from './support/remote-path.js';
import { octalMode, wantedMode } from './support/symbolic-mode.js';

const listOf = (description: string) => Type.Union([Type.Array(Type.String()), Type.String()], { default: [], description });

const unarchiveArgs = Type.Object(
  {
    src: Type.String({
      description: "The archive: a controller file (the role's files/, then the playbook's), or with remote_src a path or URL on the host.",
    }),
    dest: Type.String({ description: 'An existing directory on the host to extract into.' }),
    remote_src: Type.Optional(Type.Boolean({ description: 'src is on the host (a path, or a URL the host downloads), not on this machine.' })),
    copy: Type.Optional(Type.Boolean({ description: "Ansible's older, inverted remote_src (copy: false is remote_src: true); give one of the two." })),
    creates: Type.Optional(Type.String({ description: 'A path on the host: when it exists, the task is skipped.' })),
    list_files: Type.Boolean({ default: false, description: "Return the archive's file list as 'files'." }),
    keep_newer: Type.Boolean({ default: false, description: 'Leave files on the host that are newer than their copy in the archive.' }),
    exclude: listOf('Members not to extract (fnmatch patterns).'),
    include: listOf('Only these members (fnmatch patterns); not with exclude.'),
    extra_opts: listOf("More options for tar or unzip, as their own words (['--strip-components=1'])."),
    validate_certs: Type.Boolean({ default: true, description: "false: accept a server certificate that does not verify, for a URL src (curl's --insecure)." }),
    io_buffer_size: Type.Integer({
      default: 65536,
      description: "Ansible's read buffer for checksums; accepted, not needed here (the host's gzip computes them).",
    }),
    decrypt: Type.Boolean({ default: true, description: "Ansible's vault decryption: vault-encrypted sources are refused here (there is no vault)." }),
    ...attributesArgs,
    mode: Type.Optional(
      Type.Union([Type.String(), Type.Integer()], { description: "Permissions for every extracted path: octal ('0644') or symbolic ('u+rwX,go-w')." }),
    ),
  },
  { additionalProperties: false },
);

type UnarchiveArgs = Static<typeof unarchiveArgs>;

/** Whether an extracted path's owner, group and mode are what the task (or, without one, the running user) makes them. */
interface Wants {
  owner?: string;
  group?: string;
  mode?: string | number;
}

const matchesAccount = (want: string, name: string, id: number) => (/^\d+$/.test(want) ? Number(want) === id : want === name);

/** The mode a path gets from the task's mode (octal, or symbolic applied to what it has). */
function modeFor(mode: string | number, state: ExtractedState, umask: number): number | Error {
  return wantedMode(mode, state.mode, state.type === 'directory', umask);
}

/** Ansible's reading of 'tar --diff': differences the task would not set anyway mean the archive is not extracted there yet. */
export function tarUnarchived(diff: string, runner: Runner, wants: Wants): boolean {
  return !diff.split('\n').some((line) => {
    if (/: : Warning: Cannot stat: No such file or directory$/.test(line)) return false;
    if (runner.uid === 0 && !wants.owner && /: Uid differs$/.test(line)) return true;
    if (runner.uid === 0 && !wants.group && /: Gid differs$/.test(line)) return true;
    if (wants.mode === undefined && /: Mode differs$/.test(line)) return true;
    return /: Mod time differs$|: Warning: Cannot stat: No such file or directory$|: Invalid owner|: Invalid group/.test(line);
  });
}

/** A zipinfo -T -s line Ansible compares: type, permissions, size, time (local, yyyymmdd.hhmmss) and path. */
export interface ZipEntry {
  ztype: string;
  permstr: string;
  size: number;
  time: string;
  path: string;
}

export function zipEntries(zipinfo: string): ZipEntry[] {
  return zipinfo.split('\n').flatMap((line) => {
    const match = /^(\S+)\s+\S+\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(\S+)\s+(.*)$/.exec(line.trim());
    if (!match) return [];
    const [, perms, size, time, path] = match;
    if ((perms.length !== 7 && perms.length !== 10) || time.length !== 15) return [];
    if (!'dl-?'.includes(perms[0]) || ![...perms.slice(1)].every((c) => 'rwxstah-'.includes(c))) return [];
    return [{ ztype: perms[0], permstr: perms.slice(1), size: Number(size), time, path }];
  });
}

/** 'rw-r--r--' as bits, less the umask (Ansible leaves out s and t: unzip does not set them). */
function permstrBits(permstr: string, umask: number): number {
  let mode = 0;
  [...permstr].reverse().forEach((c, i) => {
    if ('rwxst'.includes(c)) mode |= 1 << i;
  });
  return mode & ~umask;
}

/** Ansible's comparison of a zip archive with what is extracted: which members differ, and its itemized diff. */
export function zipComparison(
  entries: ZipEntry[],
  states: Array<ExtractedState | undefined>,
  epochs: number[],
  crcs: Map<string, number>,
  context: { runner: Runner; wants: Wants; keepNewer: boolean; exclude: string[]; zipinfoRc: number },
): { unarchived: boolean; differing: string[]; newer: string[]; diff: string } | Error {
  const { runner, wants } = context;
  const differing: string[] = [];
  const newer: string[] = [];
  let diff = '';
  let unarchived = context.zipinfoRc === 0;
  for (const [index, entry] of entries.entries()) {
    if (context.exclude.includes(entry.path)) continue;
    const ftype = entry.path.endsWith('/') ? 'd' : entry.ztype === 'l' ? 'L' : 'f';
    const state = states[index];
    if (!state) {
      differing.push(entry.path);
      diff += `>${ftype}++++++.?? ${entry.path}\n`;
      continue;
    }
    const wrongType = (ftype === 'd' && state.type !== 'directory') || (ftype === 'f' && state.type !== 'file') || (ftype === 'L' && state.type !== 'link');
    if (wrongType) {
      if (ftype === 'f') unarchived = false;
      differing.push(entry.path);
      diff += `c${ftype}++++++.?? ${entry.path}\n`;
      continue;
    }
    const itemized = [...`.${ftype}.......??`];
    let change = false;
    if (state.type === 'file') {
      if (context.keepNewer && epochs[index] < state.mtime) {
        newer.push(entry.path);
        continue;
      }
      if (context.keepNewer ? epochs[index] > state.mtime : epochs[index] !== state.mtime) [change, itemized[4]] = [true, 't'];
      if (entry.size !== state.size) [change, itemized[3]] = [true, 's'];
      if (state.crc !== crcs.get(entry.path)) [change, itemized[2]] = [true, 'c'];
    }
    if (ftype !== 'L') {
      // FAT permissions (6 letters): 777 for directories and executables, 666 otherwise, less the umask.
      const fat = entry.permstr.length === 6;
      const permstr = !fat ? entry.permstr : entry.path.endsWith('/') || entry.permstr === 'rwx---' ? 'rwxrwxrwx' : 'rw-rw-rw-';
      const mode = wants.mode !== undefined ? modeFor(wants.mode, state, runner.umask) : permstrBits(permstr, fat ? runner.umask : 0);
      if (mode instanceof Error) return mode;
      if (mode !== state.mode) [change, itemized[5]] = [true, 'p'];
    }
    const owner = wants.owner ?? runner.user;
    if (runner.uid !== 0 && !matchesAccount(owner, runner.user, runner.uid))
      return new Error(`Cannot change ownership of ${entry.path} to ${owner}, as user ${runner.user}`);
    if (!matchesAccount(owner, state.owner, state.uid)) [change, itemized[6]] = [true, 'o'];
    if (!matchesAccount(wants.group ?? runner.group, state.group, state.gid)) [change, itemized[6]] = [true, 'g'];
    if (change) {
      differing.push(entry.path);
      diff += `${itemized.join('')} ${entry.path}\n`;
    }
  }
  return { unarchived: unarchived && differing.length === 0, differing, newer, diff };
}

/** The paths Ansible sets owner, group and mode on: every member, and the top folders of nested ones. */
const attributePaths = (files: string[]) => [...new Set([...files, ...files.filter((file) => file.includes('/')).map((file) => file.split('/')[0])])];

/** chown/chmod for paths that differ from what the task asks, read before any change. */
function memberAttributeCommands(paths: string[], states: Array<ExtractedState | undefined>, wants: Wants, runner: Runner): string[] | Error {
  const owner = [wants.owner ?? '', wants.group !== undefined ? `:${wants.group}` : ''].join('');
  const chown: string[] = [];
  const chmod = new Map<string, string[]>();
  for (const [index, path] of paths.entries()) {
    const state = states[index];
    if (!state) continue;
    const ownerDiffers = wants.owner !== undefined && !matchesAccount(wants.owner, state.owner, state.uid);
    if (ownerDiffers || (wants.group !== undefined && !matchesAccount(wants.group, state.group, state.gid))) chown.push(path);
    if (wants.mode === undefined || state.type === 'link') continue;
    const mode = modeFor(wants.mode, state, runner.umask);
    if (mode instanceof Error) return mode;
    if (mode !== state.mode) chmod.set(octalMode(mode), [...(chmod.get(octalMode(mode)) ?? []), path]);
  }
  const words = (list: string[]) => list.map(shellQuote).join(' ');
  return [
    ...(chown.length ? [`chown -h ${shellQuote(owner)} -- ${words(chown)}`] : []),
    ...[...chmod].map(([mode, list]) => `chmod ${mode} -- ${words(list)}`),
  ];
}

/** After an extraction: the task's owner, group and mode on every member (links keep their mode, as chmod cannot change it). */
function memberAttributeCommandsAfterExtraction(paths: string[], wants: Wants): string[] {
  const words = paths.map(shellQuote).join(' ');
  const owner = [wants.owner ?? '', wants.group !== undefined ? `:${wants.group}` : ''].join('');
  return [
    ...(owner ? [`chown -h ${shellQuote(owner)} -- ${words}`] : []),
    ...(wants.mode !== undefined ? [`find ${words} -maxdepth 0 ! -type l -exec chmod ${shellQuote(String(wants.mode))} {} +`] : []),
  ];
}

const failure = (msg: string, extra: Record<string, unknown> = {}): Plan => ({ changed: false, failed: true, msg, ...extra });

/** The members Ansible reports and sets attributes on: tar's list, or the zip's names filtered by include/exclude. */
function membersOf(survey: Extract<Survey, { names: string[] }>, options: ArchiveOptions): string[] {
  if (survey.handler !== 'ZipArchive') return survey.names.filter((name) => !options.exclude.some((pattern) => fnmatch(name, pattern.replace(/\/+$/, ''))));
  if (options.include.length) return survey.names.flatMap((name) => options.include.filter((pattern) => fnmatch(name, pattern)).map(() => name));
  return survey.names.filter((name) => !options.exclude.some((pattern) => fnmatch(name, pattern)));
}

/** Reads the states of paths below dest: for zip members with their times converted, for attributes without. */
async function readStates(ctx: ModuleContext, dest: string, paths: string[], times: string[] = []) {
  return parseExtractedStates(await ctx.read(`reading what is extracted in ${dest}`, extractedStatesCommand(dest, paths, times)));
}

async function plan(args: UnarchiveArgs, ctx: ModuleContext): Promise<Plan> {
  if (args.copy !== undefined && args.remote_src !== undefined) return failure("parameters are mutually exclusive: ('copy', 'remote_src')");
  const include = listArgument(args.include);
  const exclude = listArgument(args.exclude);
  if (include.length && exclude.length) return failure('parameters are mutually exclusive: include|exclude');
  const remote = args.remote_src ?? (args.copy === undefined ? false : !args.copy);
  if (args.creates !== undefined) {
    const creates = await expandRemotePath(ctx, args.creates);
    if ((await ctx.readPath(creates, 'attributes')).state.type !== 'absent') return { changed: false, skipped: true, msg: `skipped, since ${creates} exists` };
  }
  const dest = await expandRemotePath(ctx, args.dest);
  let source: ArchiveSource;
  let stdin: Buffer | undefined;
  let src = args.src;
  if (!remote) {
    src = await ctx.findLocalFile('files', args.src);
    stdin = await readFile(src);
    const refused = vaultRefusal(args.decrypt, stdin, src);
    if (refused) return refused;
    source = { content: stdin };
  } else if (args.src.includes('://')) source = { url: args.src, validateCerts: args.validate_certs };
  else source = { path: (src = await expandRemotePath(ctx, args.src)) };

  const wants: Wants = { owner: args.owner, group: args.group, mode: args.mode };
  const badMode = wants.mode === undefined ? undefined : wantedMode(wants.mode, 0o644, false, 0o022);
  if (badMode instanceof Error) return failure(badMode.message);
  const options: ArchiveOptions = {
    dest,
    include,
    exclude,
    extraOpts: listArgument(args.extra_opts),
    owner: args.owner,
    group: args.group,
    keepNewer: args.keep_newer,
  };
  const survey = parseSurvey((await ctx.run(surveyCommand(source, options), { stdin })).stdout);
  if ('problem' in survey) {
    switch (survey.problem) {
      case 'nodest':
        return failure(`dest '${dest}' must be an existing dir`);
      case 'missing':
        return failure(remote ? `Source '${src}' does not exist` : `Source '${src}' failed to transfer`);
      case 'unreadable':
        return failure(`Source '${src}' not readable`);
      case 'empty':
        return failure(`Invalid archive '${src}', the file is 0 bytes`);
      case 'download':
        return failure(`Failure downloading ${src}, ${survey.detail}`);
      case 'nohandler':
        return failure(
          `Failed to find handler for "${src}". Make sure the required command to extract the file is installed.\n${[...new Set(survey.reasons)].join('\n')}`,
        );
    }
  }
  const files = membersOf(survey, options);
  const result: Plan = {
    changed: false,
    handler: survey.handler,
    dest,
    src,
    ...pathInfo((await ctx.readPath(dest, 'attributes')).state),
    ...(args.list_files ? { files } : {}),
  };

  let unarchived: boolean;
  let excludes = exclude;
  if (survey.handler === 'ZipArchive') {
    const entries = zipEntries(survey.zipinfo);
    // zipinfo's yyyymmdd.hhmmss, as date(1) reads it.
    const times = entries.map(
      ({ time }) => `${time.slice(0, 4)}-${time.slice(4, 6)}-${time.slice(6, 8)} ${time.slice(9, 11)}:${time.slice(11, 13)}:${time.slice(13)}`,
    );
    const { epochs, states } = await readStates(
      ctx,
      dest,
      entries.map((entry) => entry.path),
      times,
    );
    const compared = zipComparison(entries, states, epochs, survey.crcs, {
      runner: survey.runner,
      wants,
      keepNewer: args.keep_newer,
      exclude,
      zipinfoRc: survey.zipinfoRc,
    });
    if (compared instanceof Error) return failure(compared.message, result);
    unarchived = compared.unarchived;
    excludes = [...exclude, ...compared.newer];
    if (compared.diff) result.diff = [{ path: dest, before: '', after: compared.diff }];
  } else {
    unarchived = tarUnarchived(survey.diff, survey.runner, wants);
  }

  const givesAttributes = wants.owner !== undefined || wants.group !== undefined || wants.mode !== undefined;
  const paths = attributePaths(files);
  const steps: Step[] = [];
  if (!unarchived) {
    const flag = TAR_FLAGS.find(([handler]) => handler === survey.handler)?.[1] ?? '';
    const extract = survey.handler === 'ZipArchive' ? unzipCommand(options, excludes) : `cd ${shellQuote(dest)} && ${tarCommand('extract', flag, options)}`;
    const command = [...archivePrelude(source), extract].join('\n');
    steps.push({
      what: `unpacking ${src} to ${dest}`,
      command,
      stdin,
      interpret: (output) => {
        const extract_results = { cmd: extract, rc: output.rc, out: output.stdout, err: output.stderr };
        return output.rc === 0 ? { extract_results } : { failed: true, msg: `failed to unpack ${src} to ${dest}`, extract_results };
      },
    });
    if (givesAttributes) steps.push(attributeStep(dest, memberAttributeCommandsAfterExtraction(paths, wants)));
    return { ...result, changed: true, steps };
  }
  if (!givesAttributes || paths.length === 0) return result;
  const { states } = await readStates(ctx, dest, paths);
  const commands = memberAttributeCommands(paths, states, wants, survey.runner);
  if (commands instanceof Error) return failure(commands.message, result);
  if (commands.length === 0) return result;
  return { ...result, changed: true, steps: [attributeStep(dest, commands)] };
}

const attributeStep = (dest: string, commands: string[]): Step => ({
  what: `setting owner, group and mode in ${dest}`,
  command: [`cd ${shellQuote(dest)} || exit 1`, ...commands.map((command) => `${command} || exit 1`)].join('\n'),
});

export default defineModule({
  name: 'unarchive',
  description:
    'Extracts a tar (gz, bz2, xz, zst) or zip archive into an existing directory on the host, from this machine or from the host (a path or URL); extracts only when the files there differ, as tar --diff and a zip listing tell.',
  args: unarchiveArgs,
  returns: {
    handler: { description: "Which kind of archive it was, in Ansible's names ('TgzArchive', 'ZipArchive', ...).", type: 'string' },
    dest: { description: 'The directory extracted into (with its uid, gid, owner, group, mode, size and state).', type: 'string' },
    src: { description: 'The archive.', type: 'string' },
    files: { description: 'What the archive holds, when list_files is true.', type: 'list' },
    extract_results: { description: 'The extracting command, its exit code and output, when it ran.', type: 'dict' },
  },
  examples: [
    {
      description: 'Unpack a release tarball shipped with the role (its files/) into /opt; extracted again only when what is there differs.',
      task: 'unarchive:\n  src: tool.tar.gz\n  dest: /opt',
    },
    {
      description: 'Only one member, once: skipped when the file it makes is there (a download on the host: src a URL, remote_src: true).',
      task: 'unarchive:\n  src: tool.tar.gz\n  dest: /opt\n  include: [tool/bin/tool]\n  creates: /opt/tool/bin/tool',
    },
  ],
  checkMode: 'full',
  plan,
});
