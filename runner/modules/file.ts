import { posix } from 'node:path';
import Type, { type Static } from 'typebox';
import { shellQuote } from '../shell/quote.js';
import { ansibleState, inodeCommand, parseInodes, type Inode, type InodeQuery, type InodeReading } from '../facts/inode.js';
import { commandFailure } from './support/command-failure.js';
import { lookupWarnings, planFsAttributes, type FsDiff, type FsWants, type Time } from './support/fs-attributes.js';
import { octalMode, wantedMode } from './support/symbolic-mode.js';
import { localDateTime } from './support/timestamps.js';
import type { FileState } from '../facts/path-state.js';
import { defineModule, type ModuleContext, type Plan } from './module.js';

const fileArgs = Type.Object(
  {
    path: Type.String({ description: 'The path on the host.', aliases: ['dest', 'name'] }),
    state: Type.Optional(
      Type.Enum(['file', 'directory', 'link', 'hard', 'absent', 'touch'], {
        description:
          "What the path must be. 'file' only sets attributes of an existing file; 'touch' creates an empty one or updates its times; 'directory' creates parents too; 'link'/'hard' make a symbolic/hard link to src; 'absent' removes it (a directory with its contents). Not given: what the path is now ('file' when absent, 'directory' with recurse).",
      }),
    ),
    src: Type.Optional(
      Type.String({ description: "For state link or hard: what the link points to (a relative link's src is taken from the link's directory)." }),
    ),
    recurse: Type.Boolean({ default: false, description: 'With state: directory, set the attributes on everything below too.' }),
    force: Type.Boolean({
      default: false,
      description: 'For links: replace a file, an empty directory or another hard link there; link to a src that does not exist yet.',
    }),
    follow: Type.Boolean({ default: true, description: 'When the path is a symbolic link, set attributes on what it points to.' }),
    owner: Type.Optional(Type.String({ description: 'User (name or uid) that owns the path; left as it is when not given.' })),
    group: Type.Optional(Type.String({ description: 'Group (name or gid) of the path; left as it is when not given.' })),
    mode: Type.Optional(
      Type.Union([Type.String(), Type.Integer()], {
        description: "Permissions: octal ('0644', or 0644 unquoted) or symbolic as chmod reads them ('u+rwx,g-w', 'a=rX').",
      }),
    ),
    attributes: Type.Optional(Type.String({ description: "chattr flags: 'i' sets exactly these, '+i' adds, '-i' removes.", aliases: ['attr'] })),
    modification_time: Type.Optional(
      Type.String({ description: "'now', 'preserve', or a time in modification_time_format. Default: now for touch, else preserve." }),
    ),
    modification_time_format: Type.String({ default: '%Y%m%d%H%M.%S', description: 'strptime format of modification_time.' }),
    access_time: Type.Optional(Type.String({ description: "'now', 'preserve', or a time in access_time_format. Default: now for touch, else preserve." })),
    access_time_format: Type.String({ default: '%Y%m%d%H%M.%S', description: 'strptime format of access_time.' }),
    _diff_peek: Type.Optional(Type.Boolean({ description: "Internal (Ansible's action plugins): whether the file looks binary." })),
    _original_basename: Type.Optional(Type.String({ description: 'Internal: the name a file keeps when path is a directory.' })),
  },
  { additionalProperties: false },
);

type FileArgs = Static<typeof fileArgs>;
type State = NonNullable<FileArgs['state']>;

/** What the module found and will do: Ansible's result, and the commands that make it true. */
interface FilePlan {
  result: Record<string, unknown>;
  changed: boolean;
  commands: string[];
  diff: FsDiff;
  /** The path whose attributes the result reports (Ansible's path or dest). */
  reported: string;
}

/** Python's os.path.join: an absolute second part replaces the first, and nothing is normalized. */
const joinPath = (base: string, part: string) => (part.startsWith('/') ? part : base.endsWith('/') || base === '' ? `${base}${part}` : `${base}/${part}`);

const failure = (message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { extra });
type Failure = ReturnType<typeof failure>;

function initialDiff(path: string, state: string, previous: string, reading: InodeReading): FsDiff {
  const diff: FsDiff = { before: { path }, after: { path } };
  if (previous === state) return diff;
  diff.before.state = previous;
  diff.after.state = state;
  if (state === 'absent' && previous === 'directory') {
    const entries = reading.walk ?? [];
    diff.before.path_content = {
      directories: entries.filter((e) => e.type === 'directory').map((e) => e.path),
      files: entries.filter((e) => e.type !== 'directory').map((e) => e.path),
    };
  }
  return diff;
}

/** A link or hard link put in place of what is there: made beside it and renamed over it, as Ansible does. */
function replaceWith(link: string, path: string, previous: string): string[] {
  const p = shellQuote(path);
  if (previous === 'absent') return [`${link} ${p}`];
  const tmp = shellQuote(posix.join(posix.dirname(path), `.${process.pid}.${Date.now()}.tmp`));
  return [...(previous === 'directory' ? [`rmdir -- ${p}`] : []), `${link} ${tmp}`, `mv -Tf -- ${tmp} ${p} || { rm -f -- ${tmp}; exit 1; }`];
}

/** The commands and result for one state, from what was read: a pure function (Ansible's ensure_* functions). */
function planFile(args: FileArgs & { state: State }, reading: InodeReading, wants: FsWants, checkMode: boolean): FilePlan {
  const { path, src, follow, force } = args;
  const previous = ansibleState(reading.path);
  const attributes = (target: string, inode: Inode | undefined, diff: FsDiff) => {
    const planned = planFsAttributes(shellQuote(target), inode, wants, reading, diff);
    if (planned instanceof Error) throw failure(planned.message, { path });
    return planned;
  };
  // Ansible's file_args: with follow, a link's attributes are its target's.
  const followed = (): [string, Inode | undefined] => (follow && reading.real ? [reading.real.path, reading.real.inode] : [path, reading.path]);

  switch (args.state) {
    case 'absent': {
      if (previous === 'absent') return { result: { path, state: 'absent' }, changed: false, commands: [], diff: { before: {}, after: {} }, reported: path };
      const diff = initialDiff(path, 'absent', previous, reading);
      const command = previous === 'directory' ? `rm -rf -- ${shellQuote(path)}` : `rm -f -- ${shellQuote(path)}`;
      return { result: { path, state: 'absent' }, changed: true, commands: [command], diff, reported: path };
    }
    case 'file': {
      let [target, inode] = [path, reading.path];
      if (previous === 'link' && follow) [target, inode] = followed();
      const state = ansibleState(inode);
      if (state !== 'file' && state !== 'hard') throw failure(`file (${target}) is ${state}, cannot continue`, { path: target, state });
      const diff = initialDiff(target, 'file', state, reading);
      const planned = attributes(target, inode, diff);
      return { result: { path: target }, ...planned, diff, reported: target };
    }
    case 'directory': {
      let [target, inode] = [path, reading.path];
      if (previous === 'link' && follow) [target, inode] = followed();
      const state = ansibleState(inode);
      const diff = initialDiff(target, 'directory', state, reading);
      if (state === 'absent') return { result: { path: target }, changed: true, commands: makeDirectories(target, wants, reading), diff, reported: target };
      if (state !== 'directory') throw failure(`${target} already exists as a ${state}`, { path: target });
      const planned = attributes(target, inode, diff);
      if (!args.recurse) return { result: { path: target }, ...planned, diff, reported: target };
      const below = recursive(reading, follow, (entry, inodeOf) => attributes(entry, inodeOf, { before: {}, after: {} }));
      return {
        result: { path: target },
        changed: planned.changed || below.changed,
        commands: [...planned.commands, ...below.commands],
        diff,
        reported: target,
      };
    }
    case 'link': {
      // With no src, an existing link keeps its target.
      const source = src ?? (follow && reading.path?.type === 'link' ? reading.path.linkTarget : undefined);
      const base = reading.path?.type === 'directory' ? path : posix.dirname(path);
      const absrc = source === undefined ? undefined : joinPath(base, source);
      const missingSource = !force && source !== undefined && !reading.src?.exists;
      // A check run cannot know whether an earlier task makes src: there it is a change with a warning (Ansible fails it).
      if (missingSource && !checkMode)
        throw failure(`src file does not exist, use "force=yes" if you really want to create the link: ${absrc}`, { path, src: source });
      if (missingSource && previous === 'absent')
        return {
          result: { dest: path, src: source, warnings: [`src file does not exist yet: ${absrc} (an earlier task may make it; check mode assumes so)`] },
          changed: true,
          commands: [],
          diff: initialDiff(path, 'link', previous, reading),
          reported: path,
        };
      if (previous === 'directory') {
        if (!force) throw failure(`refusing to convert from directory to symlink for ${path}`, { path });
        if (!reading.empty) throw failure(`the directory ${path} is not empty, refusing to convert it`, { path });
      } else if ((previous === 'file' || previous === 'hard') && !force) throw failure(`refusing to convert from ${previous} to symlink for ${path}`, { path });
      const diff = initialDiff(path, 'link', previous, reading);
      let changed = previous !== 'link';
      if (changed && source === undefined) throw failure('src is required for creating new symlinks');
      if (previous === 'link' && source !== undefined && reading.path?.linkTarget !== source) {
        diff.before.src = reading.path?.linkTarget;
        diff.after.src = source;
        changed = true;
      }
      const commands = changed ? replaceWith(`ln -s -- ${shellQuote(source!)}`, path, previous) : [];
      const result = { dest: path, src: source };
      if (checkMode && previous === 'absent') return { result, changed, commands, diff, reported: path };
      // The attributes go to what the new link points to (follow), or to the link itself.
      const [target, inode] = follow ? [absrc!, reading.src?.inode] : [path, changed ? undefined : reading.path];
      if (follow && (!inode || inode.type === 'link')) {
        return {
          result: { ...result, warnings: ['Cannot set fs attributes on a non-existent symlink target. follow should be set to False to avoid this.'] },
          changed,
          commands,
          diff,
          reported: path,
        };
      }
      const planned = inode ? attributes(target, inode, diff) : { changed: false, commands: newLinkOwnership(path, wants, reading) };
      return { result, changed: changed || planned.changed, commands: [...commands, ...planned.commands], diff, reported: path };
    }
    case 'hard': {
      if (previous !== 'hard' && src === undefined) throw failure('src is required for creating new hardlinks');
      if (src !== undefined && !reading.src?.exists) throw failure('src does not exist', { dest: path, src });
      const diff = initialDiff(path, 'hard', previous, reading);
      const sameInode = reading.path && reading.src?.inode && reading.path.ino === reading.src.inode.ino && reading.path.dev === reading.src.inode.dev;
      let changed = false;
      if (previous === 'absent') changed = true;
      else if (previous === 'link') {
        if (reading.path?.linkTarget !== src) {
          diff.before.src = reading.path?.linkTarget;
          diff.after.src = src;
          changed = true;
        }
      } else if (previous === 'hard') {
        if (src !== undefined && !sameInode) {
          if (!force) throw failure('Cannot link, different hard link exists at destination', { dest: path, src });
          changed = true;
        }
      } else if (previous === 'file') {
        if (!force) throw failure('Cannot link, file exists at destination', { dest: path, src });
        changed = true;
      } else if (previous === 'directory') {
        if (sameInode) return { result: { path }, changed: false, commands: [], diff, reported: path };
        if (!force) throw failure('Cannot link: different hard link exists at destination', { dest: path, src });
        changed = true;
      }
      const commands = changed ? replaceWith(`ln -- ${shellQuote(src!)}`, path, previous === 'directory' ? 'file' : previous) : [];
      const result = { dest: path, src };
      if (checkMode && previous === 'absent') return { result, changed, commands, diff, reported: path };
      // The new link is the source's inode: its attributes are the source's.
      const planned = attributes(path, changed ? reading.src?.inode : reading.path, diff);
      return { result, changed: changed || planned.changed, commands: [...commands, ...planned.commands], diff, reported: path };
    }
    case 'touch': {
      const result = { dest: path };
      if (previous === 'absent' && checkMode)
        return { result, changed: true, commands: [], diff: initialDiff(path, 'touch', previous, reading), reported: path };
      const diff = initialDiff(path, 'touch', previous, reading);
      const [target, inode] = previous === 'link' && follow ? followed() : [path, reading.path];
      if (previous === 'absent') {
        // A new empty file: its attributes set unconditionally (created as the connecting user, mode by umask).
        const created = newFile(reading);
        const planned = attributes(target, created, diff);
        const p = shellQuote(target);
        // A file it could not finish (a failed chown) is removed again, as Ansible removes it.
        const rest = planned.commands.map((command) => `{ ${command}; } || { rm -f -- ${p}; exit 1; }`);
        return { result, changed: true, commands: [`: >> ${p}`, ...rest], diff, reported: path };
      }
      const planned = attributes(target, inode, diff);
      return { result, ...planned, diff, reported: path };
    }
  }
}

/** A file touch would create: empty, with the umask's mode; owner and group unknown until made (so any wanted ones are set). */
function newFile(reading: InodeReading): Inode {
  return { type: 'file', nlink: 1, ino: 0, dev: 0, mode: 0o666 & ~reading.umask, uid: -1, gid: -1, owner: '', group: '', atime: 0, mtime: 0, size: 0 };
}

/** A new link's own owner and group (follow: false); its bits are always 0777. */
function newLinkOwnership(path: string, wants: FsWants, reading: InodeReading): string[] {
  const planned = planFsAttributes(
    shellQuote(path),
    { ...newFile(reading), type: 'link', mode: 0o777 },
    { ...wants, mode: undefined, attributes: undefined },
    reading,
  );
  return planned instanceof Error ? [] : planned.commands;
}

/** mkdir for each missing directory from the root down, each given the wanted attributes (Ansible's makedirs loop). */
function makeDirectories(path: string, wants: FsWants, reading: InodeReading): string[] {
  // A symbolic mode applies to what mkdir gives (the umask's); the result is set on each new directory, whatever the umask.
  const mode = wants.mode === undefined ? undefined : wantedMode(wants.mode, 0o777 & ~reading.umask, true, reading.umask);
  if (mode instanceof Error) throw failure(mode.message, { path });
  const planned = planFsAttributes(
    '"$d"',
    { ...newFile(reading), type: 'directory', mode: -1 },
    { ...wants, mode: mode === undefined ? undefined : mode.toString(8), mtime: 'preserve', atime: 'preserve' },
    reading,
  );
  if (planned instanceof Error) throw failure(planned.message, { path });
  const onEach = planned.commands;
  const parts = path.split('/').filter(Boolean);
  const prefixes = parts.map((_, i) => (path.startsWith('/') ? '/' : '') + parts.slice(0, i + 1).join('/'));
  return [
    `for d in ${prefixes.map(shellQuote).join(' ')}; do if [ ! -e "$d" ]; then mkdir -- "$d" || { [ -d "$d" ] || { echo "There was an issue creating $d as requested" >&2; exit 1; }; }${onEach.map((c) => `; ${c} || exit 1`).join('')}; fi; done`,
  ];
}

/** Attributes on everything below a directory: links themselves, and with follow what they point to. */
function recursive(reading: InodeReading, follow: boolean, plan: (path: string, inode: Inode) => { changed: boolean; commands: string[] }) {
  let changed = false;
  const commands: string[] = [];
  const seen = new Set<string>();
  const add = (path: string, inode: Inode) => {
    const planned = plan(path, inode);
    changed ||= planned.changed;
    commands.push(...planned.commands);
  };
  for (const entry of reading.walk ?? []) {
    if (entry.type !== 'link') seen.add(`${entry.dev}:${entry.ino}`);
    add(entry.path, entry);
  }
  // Through links: what they point to, once each.
  if (follow)
    for (const entry of reading.walkFollowed ?? []) {
      const key = `${entry.dev}:${entry.ino}`;
      if (entry.type === 'link' || seen.has(key)) continue;
      seen.add(key);
      add(entry.path, entry);
    }
  return { changed, commands };
}

const timeArg = (value: string | undefined, format: string, state: State, dates: string[]): Time | Error => {
  const given = value ?? (state === 'touch' ? 'now' : 'preserve');
  if (given === 'now' || given === 'preserve') return given;
  const local = localDateTime(given, format);
  if (local instanceof Error) return local;
  dates.push(local);
  return dates.length - 1;
};

/**
 * Reads the path (and src, owner/group entries, dates) in one round trip. The usual task (a file or
 * directory, its owner and an octal mode) is answered by the connection's path reader, which starts
 * no program; anything more (a link to follow, a name to look up, a tree, times) by GNU find & co.
 */
async function read(ctx: ModuleContext, query: InodeQuery, usual: boolean): Promise<InodeReading> {
  if (usual) {
    const known = fromPathState((await ctx.readPath(query.path, 'attributes')).state, query);
    if (known) return known;
  }
  return parseInodes(await ctx.read(`reading ${query.path}`, inodeCommand(query)));
}

/** What the path reader saw, as an inode reading; undefined when the task needs more (a link's target, an owner to look up). */
function fromPathState(state: FileState, query: InodeQuery): InodeReading | undefined {
  const named = (wanted: string | undefined, name?: string, id?: number) => wanted === undefined || wanted === name || wanted === String(id);
  if (state.type === 'link' && query.follow) return undefined;
  if (!named(query.owner, state.owner, state.uid) || !named(query.group, state.group, state.gid)) return undefined;
  const reading: InodeReading = { umask: 0o022, dates: [] };
  if (state.type === 'absent') return query.owner === undefined && query.group === undefined ? reading : undefined;
  const { type, mode, uid, gid, owner, group, size, nlink, linkTarget } = state;
  reading.path = {
    type,
    nlink: nlink ?? 1,
    ino: 0,
    dev: 0,
    mode: parseInt(mode ?? '0', 8),
    uid: uid!,
    gid: gid!,
    owner: owner!,
    group: group!,
    atime: NaN,
    mtime: NaN,
    size: size ?? 0,
    ...(linkTarget !== undefined ? { linkTarget } : {}),
  };
  return reading;
}

/** The path's attributes as Ansible adds them to a file module's result (lstat; nothing for a dangling link). */
function inodeInfo(inode: Inode | undefined, exists: boolean): Record<string, unknown> {
  if (!inode || !exists) return {};
  return { uid: inode.uid, gid: inode.gid, owner: inode.owner, group: inode.group, mode: octalMode(inode.mode), state: ansibleState(inode), size: inode.size };
}

export default defineModule({
  name: 'file',
  description:
    "Makes a path a file, directory, symbolic or hard link, removes it, or touches it; sets owner, group, mode (octal or symbolic), chattr flags and times, recursively if asked. Ansible's file module: its arguments, results and messages.",
  args: fileArgs,
  returns: {
    path: { description: 'The path (states file, directory, absent).', type: 'string' },
    dest: { description: 'The path (states link, hard, touch).', type: 'string' },
    state: { description: 'What the path is now: file, directory, link, hard or absent.', type: 'string' },
    mode: { description: "The path's mode, as '0644'.", type: 'string' },
    owner: { description: "The path's owner.", type: 'string' },
    diff: { description: 'What changed: before and after values of state, mode, owner, times; path_content of a removed directory.', type: 'dict' },
  },
  examples: [
    { description: 'A directory only its owner can enter.', task: 'file:\n  path: /etc/example\n  state: directory\n  mode: "0700"' },
    { description: 'A link to a program.', task: 'file:\n  path: /usr/local/bin/example-kubectl\n  src: /usr/bin/true\n  state: link' },
    { description: 'Remove a file or directory.', task: 'file:\n  path: /tmp/example-leftover\n  state: absent' },
    {
      description: 'Let the group read everything below a directory, and enter its directories.',
      task: 'file:\n  path: /tmp\n  state: directory\n  recurse: true\n  mode: g+rX',
    },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    const fail = (message: string, extra: Record<string, unknown> = {}): Plan => ({ changed: false, failed: true, msg: message, ...extra });
    const dates: string[] = [];
    // Only touch defaults to 'now' (a state left out is what the path is, never touch).
    const mtime = timeArg(args.modification_time, args.modification_time_format, args.state ?? 'file', dates);
    const atime = timeArg(args.access_time, args.access_time_format, args.state ?? 'file', dates);
    if (mtime instanceof Error) return fail(mtime.message);
    if (atime instanceof Error) return fail(atime.message);
    // One read for everything, taking the path as given (a directory that stands for a file inside it,
    // or a link's src relative to a directory, need a second one).
    const query = (path: string, src: string | undefined): InodeQuery => ({
      path,
      follow: args.follow,
      src,
      walk: args.recurse || args.state === 'absent',
      walkFollowed: args.recurse && args.follow,
      listEmpty: args.state === 'link',
      owner: args.owner,
      group: args.group,
      dates,
      attributes: args.attributes !== undefined,
      binaryPeek: args._diff_peek !== undefined,
    });
    const linking = args.state === 'link' || (args.state === undefined && args.src !== undefined);
    const srcFrom = (base: string) => (linking ? (args.src !== undefined ? joinPath(base, args.src) : undefined) : args.src);
    // The path reader answers the usual task; umask matters only to a symbolic mode.
    const octal = args.mode === undefined || /^(0o)?[0-7]+$/.test(String(args.mode));
    const preserved = [args.modification_time, args.access_time].every((time) => time === undefined || time === 'preserve');
    const usual =
      (args.state === undefined || args.state === 'file' || args.state === 'directory') &&
      args.src === undefined &&
      !args.recurse &&
      octal &&
      preserved &&
      args.attributes === undefined &&
      args._diff_peek === undefined;
    let reading = await read(ctx, query(args.path, srcFrom(posix.dirname(args.path))), usual);
    if (args._diff_peek !== undefined) return { changed: false, path: args.path, appears_binary: reading.binary ?? false };
    let path = args.path;
    // A path that is a directory stands for the file of that name inside it (not for link or absent).
    const inside = args._original_basename ?? (args.src !== undefined ? posix.basename(args.src) : undefined);
    if (args.state !== 'link' && args.state !== 'absent' && reading.path?.type === 'directory' && inside !== undefined) path = posix.join(path, inside);
    const current = ansibleState(reading.path);
    const state: State = args.state ?? (path === args.path && current !== 'absent' ? (current as State) : args.recurse ? 'directory' : 'file');
    if (args.recurse && state !== 'directory') return fail("recurse option requires state to be 'directory'", { path });
    if (args.src !== undefined && state !== 'link' && state !== 'hard') return fail("src option requires state to be 'link' or 'hard'", { path });
    // A link's src is taken from the link's directory, or from the path itself when that is a directory.
    const linkBase = reading.path?.type === 'directory' ? path : posix.dirname(path);
    const followedSrc =
      state === 'link' && args.src === undefined && args.follow && reading.path?.type === 'link' ? joinPath(linkBase, reading.path.linkTarget!) : undefined;
    if (path !== args.path || followedSrc !== undefined || (linking && linkBase !== posix.dirname(args.path)))
      reading = await read(ctx, query(path, followedSrc ?? (state === 'link' ? srcFrom(linkBase) : args.src)), false);
    const at = (time: Time | Error) => (typeof time === 'number' ? reading.dates[time] : (time as Time));
    const wants: FsWants = { owner: args.owner, group: args.group, mode: args.mode, attributes: args.attributes, mtime: at(mtime), atime: at(atime) };
    if (Number.isNaN(wants.mtime) || Number.isNaN(wants.atime)) return fail(`Error while obtaining timestamp: the host could not read ${dates.join(', ')}`);
    const warnings = ctx.checkMode && state !== 'absent' ? lookupWarnings(args, reading) : [];
    let planned: FilePlan;
    try {
      planned = planFile({ ...args, path, state }, reading, wants, ctx.checkMode);
    } catch (error) {
      const extra = (error as Failure).extra ?? {};
      const target = reading.path;
      return {
        ...fail((error as Error).message, extra),
        ...(warnings.length ? { warnings } : {}),
        ...(extra.path === path && target ? inodeInfo(target, true) : {}),
        ...('state' in extra ? { state: extra.state } : {}),
      };
    }
    const { result, changed, commands, diff, reported } = planned;
    const resultWarnings = [...warnings, ...((result.warnings as string[]) ?? [])];
    // Ansible adds the path's lstat when the path exists (a dangling link does not).
    const exists = reading.path !== undefined && (reading.path.type !== 'link' || reading.real?.inode !== undefined);
    const reportedInode = reported === path ? reading.path : reading.real?.inode;
    const plan: Plan = {
      ...result,
      changed,
      ...(resultWarnings.length ? { warnings: resultWarnings } : {}),
      ...(state === 'absent' ? { state: 'absent' } : inodeInfo(reportedInode, reported !== path || exists)),
      diff,
    };
    if (!commands.length) return plan;
    const what = `making ${path} ${state}`;
    plan.steps = [
      {
        what,
        command: [...commands.map((command) => `${command} || exit 1`), afterCommand(reported)].join('\n'),
        interpret: (output) => {
          if (output.rc !== 0) return { failed: true, msg: commandFailure(what, output) };
          const after = parseInodes(output.stdout.slice(output.stdout.indexOf('path\0')));
          return inodeInfo(after.path, after.real === undefined || after.real.inode !== undefined);
        },
      },
    ];
    return plan;
  },
});

/** The reported path read after the change, in the same command (Ansible's add_path_info). */
const afterCommand = (path: string) => inodeCommand({ path, follow: true });
