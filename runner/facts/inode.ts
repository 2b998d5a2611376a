import { shellQuote } from '../shell/quote.js';

/** A path's inode as lstat (or stat, following links) sees it: what the file module decides from. */
export interface Inode {
  type: 'file' | 'directory' | 'link' | 'other';
  nlink: number;
  ino: number;
  dev: number;
  /** Permission bits with setuid, setgid and sticky. */
  mode: number;
  uid: number;
  gid: number;
  /** The owner's and group's names, or their numbers where the host has no name for them. */
  owner: string;
  group: string;
  atime: number;
  mtime: number;
  size: number;
  linkTarget?: string;
}

/** An entry below a directory (a recursive walk), with its path. */
export interface WalkEntry extends Inode {
  path: string;
}

/** What to read besides the path itself, in the same round trip. */
export interface InodeQuery {
  path: string;
  /** For a link: where it leads (realpath) and what is there. */
  follow?: boolean;
  /** Another path to read (a link's or a hard link's source); `exists` follows links as os.path.exists does. */
  src?: string;
  /** Every entry below the path, as lstat sees them. */
  walk?: boolean;
  /** Also every entry below the path as stat sees them, through links (recurse with follow). */
  walkFollowed?: boolean;
  /** Whether the path is an empty directory. */
  listEmpty?: boolean;
  /** User and group names or numbers to look up in the host's databases. */
  owner?: string;
  group?: string;
  /** Local date-times ('2020-01-31 12:00:00') to turn into epoch seconds with the host's time zone. */
  dates?: string[];
  /** chattr flags of the path (lsattr). */
  attributes?: boolean;
  /** Whether the first 8 KiB hold a NUL byte. */
  binaryPeek?: boolean;
}

export interface InodeReading {
  path?: Inode;
  /** With follow, for a link: its resolved path and the inode there (undefined when dangling). */
  real?: { path: string; inode?: Inode };
  src?: { exists: boolean; inode?: Inode };
  walk?: WalkEntry[];
  walkFollowed?: WalkEntry[];
  empty?: boolean;
  /** passwd/group entries found: name and number; undefined when the host has none. */
  user?: { name: string; id: number };
  groupEntry?: { name: string; id: number };
  umask: number;
  dates: number[];
  attributes?: string;
  binary?: boolean;
}

// GNU find's fields: type, links, inode, device, mode, uid, gid, atime, mtime, size, names; then the link target.
const FIELDS = `%y %n %i %D %m %U %G %A@ %T@ %s %u:%g\\0%l\\0`;

/**
 * One round trip reading everything the query names; records are NUL-separated. Usually one
 * program runs (find): the rest are shell builtins, and the other programs (readlink, getent, date,
 * lsattr) only for what the task asks. Programs cost a few milliseconds each on a small host.
 */
export function inodeCommand(query: InodeQuery): string {
  const p = shellQuote(query.path);
  const one = (tag: string, path: string, follow = '') =>
    `printf '${tag}\\0'; if [ -e ${path} ] || [ -L ${path} ]; then find ${follow}${path} -maxdepth 0 -printf '${FIELDS}' 2>/dev/null || printf 'absent\\0\\0'; else printf 'absent\\0\\0'; fi`;
  const lines = [one('path', p), `printf 'umask\\0'; umask; printf '\\0'`];
  if (query.follow) lines.push(`if [ -L ${p} ]; then r=$(readlink -f -- ${p}); printf 'real\\0%s\\0' "$r"; ${one('target', '"$r"')}; fi`);
  if (query.src !== undefined) {
    const s = shellQuote(query.src);
    lines.push(`if [ -e ${s} ]; then printf 'srcexists\\0%s\\0' 1; else printf 'srcexists\\0\\0'; fi`, one('src', s, '-L '));
  }
  if (query.walk) {
    const walk = (tag: string, follow: string) => `printf '${tag}\\0'; find ${follow}${p} -mindepth 1 -printf '${FIELDS}%p\\0' 2>/dev/null; printf 'end\\0'`;
    lines.push(walk('walk', ''), ...(query.walkFollowed ? [walk('walkL', '-L ')] : []));
  }
  if (query.listEmpty) lines.push(`printf 'empty\\0%s\\0' "$([ -d ${p} ] && [ -z "$(ls -A -- ${p})" ] && echo 1)"`);
  const lookup = (tag: string, db: string, name?: string) =>
    name === undefined ? [] : [`printf '${tag}\\0'; getent ${db} -- ${shellQuote(name)}; printf '\\0'`];
  lines.push(...lookup('user', 'passwd', query.owner), ...lookup('group', 'group', query.group));
  for (const date of query.dates ?? []) lines.push(`printf 'date\\0%s\\0' "$(date -d ${shellQuote(date)} +%s 2>/dev/null)"`);
  if (query.attributes) lines.push(`printf 'attributes\\0%s\\0' "$(lsattr -d -- ${p} 2>/dev/null | cut -d' ' -f1)"`);
  if (query.binaryPeek) lines.push(`printf 'binary\\0%s\\0' "$(head -c 8192 -- ${p} 2>/dev/null | tr -cd '\\000' | wc -c)"`);
  return lines.join('\n');
}

const TYPES: Record<string, Inode['type']> = { f: 'file', d: 'directory', l: 'link' };

function parseRecord(fields: string, linkTarget: string): Inode | undefined {
  if (fields === 'absent') return undefined;
  const [type, nlink, ino, dev, mode, uid, gid, atime, mtime, size, ...names] = fields.split(' ');
  const [owner, ...group] = names.join(' ').split(':');
  return {
    type: TYPES[type] ?? 'other',
    nlink: Number(nlink),
    ino: Number(ino),
    dev: Number(dev),
    mode: parseInt(mode, 8),
    uid: Number(uid),
    gid: Number(gid),
    owner,
    group: group.join(':'),
    atime: Number(atime),
    mtime: Number(mtime),
    size: Number(size),
    ...(type === 'l' ? { linkTarget } : {}),
  };
}

/** A passwd or group line's name and number (getent's first line). */
const entry = (text: string) => {
  const [name, , id] = text.trim().split('\n')[0].split(':');
  return name ? { name, id: Number(id) } : undefined;
};

export function parseInodes(output: string): InodeReading {
  const tokens = output.split('\0');
  const reading: InodeReading = { umask: 0o022, dates: [] };
  let i = 0;
  const walk = () => {
    const entries: WalkEntry[] = [];
    while (i < tokens.length && tokens[i] !== 'end') {
      const inode = parseRecord(tokens[i], tokens[i + 1]);
      if (inode) entries.push({ ...inode, path: tokens[i + 2] });
      i += 3;
    }
    i++;
    return entries;
  };
  while (i < tokens.length) {
    const tag = tokens[i++];
    if (tag === 'walk') reading.walk = walk();
    else if (tag === 'walkL') reading.walkFollowed = walk();
    else if (tag === 'path' || tag === 'target' || tag === 'src') {
      const inode = parseRecord(tokens[i], tokens[i + 1]);
      i += 2;
      if (tag === 'path') reading.path = inode;
      else if (tag === 'target') reading.real!.inode = inode;
      else reading.src = { exists: reading.src?.exists ?? false, inode };
    } else {
      const value = tokens[i++] ?? '';
      if (tag === 'umask') reading.umask = parseInt(value.trim(), 8);
      else if (tag === 'real') reading.real = { path: value };
      else if (tag === 'srcexists') reading.src = { exists: value === '1' };
      else if (tag === 'empty') reading.empty = value === '1';
      else if (tag === 'user') reading.user = entry(value);
      else if (tag === 'group') reading.groupEntry = entry(value);
      else if (tag === 'date') reading.dates.push(value ? Number(value) : NaN);
      else if (tag === 'attributes') reading.attributes = value.replaceAll('-', '');
      else if (tag === 'binary') reading.binary = Number(value) > 0;
    }
  }
  return reading;
}

/** A path's state as Ansible's file module names it: a regular file with more than one link is 'hard'. */
export function ansibleState(inode: Inode | undefined): 'absent' | 'link' | 'directory' | 'hard' | 'file' {
  if (!inode) return 'absent';
  if (inode.type === 'link' || inode.type === 'directory') return inode.type;
  return inode.nlink > 1 ? 'hard' : 'file';
}
