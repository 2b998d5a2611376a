import { shellQuote } from '../shell/quote.js';

/** What the stat module reads besides a path's inode: each costs a program on the host. */
export interface StatWants {
  follow: boolean;
  /** The checksum's algorithm (md5, sha1, ...), or none. */
  checksum?: string;
  mime: boolean;
  attributes: boolean;
}

/**
 * One round trip reading everything Ansible's stat reports: the inode's fields (GNU stat),
 * access for the login user after become, the link's target, a checksum, the MIME type (`file`)
 * and the ext attributes (`lsattr`). Lines are key=value; a missing path prints only exists=0.
 */
export function statCommand(path: string, wants: StatWants): string {
  const p = shellQuote(path);
  const l = wants.follow ? '-L ' : '';
  return [
    `if [ ! -e ${p} ] && [ ! -L ${p} ]; then echo exists=0; exit 0; fi`,
    // %x carries the fractions of a second that %X lacks (and not every stat knows %.9X).
    `stat ${l}--printf 'raw=%f %u %g %s %i %d %h %b %o %t %T\\natime=%X %x\\nmtime=%Y %y\\nctime=%Z %z\\npw_name=%U\\ngr_name=%G\\n' ${p} || exit`,
    `printf 'access=%s%s%s\\n' "$([ -r ${p} ] && echo r)" "$([ -w ${p} ] && echo w)" "$([ -x ${p} ] && echo x)"`,
    ...(wants.follow ? [] : [`if [ -L ${p} ]; then echo "lnk_target=$(readlink ${p})"; echo "lnk_source=$(readlink -f ${p})"; fi`]),
    ...(wants.checksum ? [`if [ -f ${p} ] && [ -r ${p} ]; then echo "checksum=$(${wants.checksum}sum < ${p} | cut -d' ' -f1)"; fi`] : []),
    ...(wants.mime ? [`if command -v file >/dev/null; then echo "mime=$(file -b${wants.follow ? 'L' : ''} --mime-type --mime-encoding ${p})"; fi`] : []),
    ...(wants.attributes ? [`if command -v lsattr >/dev/null; then echo "attr=$(lsattr -vd ${p} 2>/dev/null)"; fi`] : []),
  ].join('; ');
}

// chattr's letters as Ansible names them (module_utils/basic.py's FILE_ATTRIBUTES).
const ATTRIBUTE_NAMES: Record<string, string> = {
  A: 'noatime',
  a: 'append',
  c: 'compressed',
  C: 'nocow',
  d: 'nodump',
  D: 'dirsync',
  e: 'extents',
  E: 'encrypted',
  h: 'blocksize',
  i: 'immutable',
  I: 'indexed',
  j: 'journalled',
  N: 'inline',
  s: 'zero',
  S: 'synchronous',
  t: 'notail',
  T: 'blockroot',
  u: 'undelete',
  X: 'compressedraw',
  Z: 'compresseddirty',
};

const S_IFMT = 0o170000;
const TYPES = { isdir: 0o040000, ischr: 0o020000, isblk: 0o060000, isreg: 0o100000, isfifo: 0o010000, islnk: 0o120000, issock: 0o140000 };
const BITS = { rusr: 0o400, wusr: 0o200, xusr: 0o100, rgrp: 0o40, wgrp: 0o20, xgrp: 0o10, roth: 0o4, woth: 0o2, xoth: 0o1, isuid: 0o4000, isgid: 0o2000 };

/** A mode's permission bits as Ansible's stat and find name them (rusr, wgrp, isuid, ...). */
export const modeBits = (mode: number): Record<string, boolean> => Object.fromEntries(Object.entries(BITS).map(([key, bit]) => [key, (mode & bit) !== 0]));

/** Seconds with their fraction: %X's whole seconds and the fraction %x prints. */
const seconds = (field: string) => {
  const [whole, ...human] = field.split(' ');
  return Number(`${whole}${/:\d\d(\.\d+)/.exec(human.join(' '))?.[1] ?? ''}`);
};

/** Linux's makedev, as Python's st_rdev holds a device's major and minor numbers. */
const makedev = (major: number, minor: number) =>
  (major & 0xfff) * 256 + (minor & 0xff) + (minor - (minor & 0xff)) * 4096 + (major - (major & 0xfff)) * 2 ** 32;

/** The stat dict Ansible's stat module returns, from statCommand's output. */
export function parseStat(output: string, path: string, wants: Pick<StatWants, 'mime'>): Record<string, unknown> {
  const fields = new Map(
    output
      .split('\n')
      .map((line) => /^([a-z_]+)=(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map(([, key, value]) => [key, value]),
  );
  if (fields.get('exists') === '0') return { exists: false };
  const [rawMode, uid, gid, size, inode, dev, nlink, blocks, blockSize, major, minor] = (fields.get('raw') ?? '').split(' ');
  const mode = parseInt(rawMode, 16);
  const access = fields.get('access') ?? '';
  const stat: Record<string, unknown> = {
    exists: true,
    path,
    mode: (mode & 0o7777).toString(8).padStart(4, '0'),
    ...Object.fromEntries(Object.entries(TYPES).map(([key, type]) => [key, (mode & S_IFMT) === type])),
    uid: Number(uid),
    gid: Number(gid),
    size: Number(size),
    inode: Number(inode),
    dev: Number(dev),
    nlink: Number(nlink),
    atime: seconds(fields.get('atime') ?? ''),
    mtime: seconds(fields.get('mtime') ?? ''),
    ctime: seconds(fields.get('ctime') ?? ''),
    ...modeBits(mode),
    blocks: Number(blocks),
    block_size: Number(blockSize),
    device_type: makedev(parseInt(major, 16), parseInt(minor, 16)),
    readable: access.includes('r'),
    writeable: access.includes('w'),
    executable: access.includes('x'),
    pw_name: fields.get('pw_name'),
    gr_name: fields.get('gr_name'),
  };
  if (fields.has('lnk_target')) Object.assign(stat, { lnk_target: fields.get('lnk_target'), lnk_source: fields.get('lnk_source') });
  if (fields.get('checksum')) stat.checksum = fields.get('checksum');
  if (wants.mime) {
    // Without `file` on the host, Ansible says 'unknown' too.
    const mime = /^([^;]+); charset=(.+)$/.exec(fields.get('mime') ?? '');
    Object.assign(stat, { mimetype: mime?.[1] ?? 'unknown', charset: mime?.[2] ?? 'unknown' });
  }
  const attr = /^\s*(\d+)\s+(\S+)\s/.exec(fields.get('attr') ?? '');
  if (attr) {
    const flags = attr[2].replaceAll('-', '');
    Object.assign(stat, { version: attr[1], attr_flags: flags, attributes: [...flags].map((flag) => ATTRIBUTE_NAMES[flag] ?? flag) });
  }
  return stat;
}
