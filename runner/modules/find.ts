import Type from 'typebox';
import { pythonRegExp } from '../jinja/python-regex.js';
import { modeBits } from '../facts/stat.js';
import { shellQuote } from '../shell/quote.js';
import { defineModule, listArgument, type ModuleContext } from './module.js';
import { fnmatch } from './support/fnmatch.js';
import { expandRemotePath } from './support/remote-path.js';

/** '4w', '-2d', '10k': a number and Ansible's unit letters, in seconds or bytes. */
function amount(text: string, units: Record<string, number>, what: string): number | Error {
  const match = /^(-?\d+)([a-z])?$/.exec(text.toLowerCase());
  if (!match || (match[2] !== undefined && !(match[2] in units))) return new Error(`failed to process ${what}`);
  return Number(match[1]) * units[match[2] ?? Object.keys(units)[0]];
}

const TYPES: Record<string, string> = { f: 'isreg', d: 'isdir', l: 'islnk', c: 'ischr', b: 'isblk', p: 'isfifo', s: 'issock' };

/** One entry as Ansible's find reports it: its path and what lstat says. */
function entryOf(fields: string[]): Record<string, unknown> & { path: string; name: string; type: string; size: number; stamps: Record<string, number> } {
  const [type, mode, uid, gid, size, inode, dev, nlink, atime, mtime, ctime, owner, group, name, path] = fields;
  const bits = parseInt(mode, 8);
  const stamps = { atime: Number(atime), mtime: Number(mtime), ctime: Number(ctime) };
  return {
    path,
    name,
    type,
    stamps,
    mode: bits.toString(8).padStart(4, '0'),
    ...Object.fromEntries(Object.entries(TYPES).map(([letter, key]) => [key, type === letter])),
    uid: Number(uid),
    gid: Number(gid),
    size: Number(size),
    inode: Number(inode),
    dev: Number(dev),
    nlink: Number(nlink),
    ...stamps,
    pw_name: owner,
    gr_name: group,
    ...modeBits(bits),
  };
}

const words = (value: string | string[] | undefined) => (value === undefined ? [] : listArgument(value));

/**
 * Files that hold a match: Python's re.match at the start of each line (its newline included), or
 * re.search in the whole file. Perl reads Python's syntax ((?P<name>), '$' before a last newline)
 * and perl-base is on every Debian and Ubuntu host; the pattern travels in the environment.
 */
async function holding(ctx: ModuleContext, paths: string[], pattern: string, whole: boolean): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const search = whole
    ? 'local $/; my $text = <$h>; print "$f\\n" if defined $text && $text =~ $re;'
    : 'while (<$h>) { if (/^(?:$re)/) { print "$f\\n"; last } }';
  const program = `my $re = eval { qr/$ENV{FIND_CONTAINS}/ } or exit 2; for my $f (@ARGV) { open(my $h, "<", $f) or next; ${search} }`;
  const output = await ctx.run(`FIND_CONTAINS=${shellQuote(pattern)} perl -e ${shellQuote(program)} -- ${paths.map(shellQuote).join(' ')}`);
  return new Set(output.stdout.split('\n').filter(Boolean));
}

export default defineModule({
  name: 'find',
  description:
    "Lists the files under directories that match names, types, ages, sizes or content (as Ansible's find), with what stat knows of each; changes nothing.",
  args: Type.Object(
    {
      paths: Type.Union([Type.Array(Type.String()), Type.String()], { description: 'Directories to look in.', aliases: ['name', 'path'] }),
      patterns: Type.Optional(
        Type.Union([Type.Array(Type.String()), Type.String()], {
          description: "Names to match: shell patterns ('*.log'), or with use_regex Python expressions.",
          aliases: ['pattern'],
        }),
      ),
      excludes: Type.Optional(
        Type.Union([Type.Array(Type.String()), Type.String()], { description: 'Names to leave out, written as patterns are.', aliases: ['exclude'] }),
      ),
      contains: Type.Optional(Type.String({ description: 'A regular expression a line of the file must start with a match of (files only).' })),
      read_whole_file: Type.Boolean({ default: false, description: 'contains searches the whole file, not line by line.' }),
      file_type: Type.Enum(['file', 'directory', 'link', 'any'], { default: 'file', description: 'What kind of entries to list.' }),
      recurse: Type.Boolean({ default: false, description: 'Look in subdirectories too.' }),
      depth: Type.Optional(Type.Integer({ minimum: 1, description: 'With recurse: how many levels down.' })),
      age: Type.Optional(Type.String({ description: "At least this old ('2d', '4w'; s m h d w), or with a minus at most." })),
      age_stamp: Type.Enum(['atime', 'ctime', 'mtime'], { default: 'mtime', description: 'Which time age reads.' }),
      size: Type.Optional(Type.String({ description: "At least this big ('10m'; b k m g t), or with a minus at most (files only)." })),
      hidden: Type.Boolean({ default: false, description: "List names starting with '.' too." }),
      follow: Type.Boolean({ default: false, description: 'Descend into directories that symbolic links point to.' }),
      use_regex: Type.Boolean({ default: false, description: 'patterns and excludes are Python regular expressions (matched at the start of the name).' }),
      get_checksum: Type.Boolean({ default: false, description: "Add each regular file's SHA-1." }),
    },
    { additionalProperties: false },
  ),
  returns: {
    files: {
      description: 'The entries found: path, mode, isdir, isreg, islnk, uid, gid, size, times, pw_name, gr_name, the mode bits (and checksum).',
      type: 'list',
    },
    matched: { description: 'How many were found.', type: 'number' },
    examined: { description: 'How many entries were looked at.', type: 'number' },
  },
  examples: [
    { description: 'Log files older than a week.', task: 'find:\n  paths: /var/log\n  patterns: "*.log"\n  age: 1w\n  recurse: true\nregister: old_logs' },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    const age = args.age === undefined ? undefined : amount(args.age, { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }, 'age');
    if (age instanceof Error) return { changed: false, failed: true, msg: age.message, age: args.age };
    const size = args.size === undefined ? undefined : amount(args.size, { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }, 'size');
    if (size instanceof Error) return { changed: false, failed: true, msg: size.message, size: args.size };
    const patterns = words(args.patterns).length ? words(args.patterns) : [args.use_regex ? '.*' : '*'];
    const excludes = words(args.excludes);
    const matches = (name: string, list: string[]) => list.some((p) => (args.use_regex ? pythonRegExp(p, 'y').test(name) : fnmatch(name, p)));
    const files: Array<Record<string, unknown>> = [];
    const skipped: Record<string, string> = {};
    let examined = 0;
    let now = Date.now() / 1000;
    for (const given of words(args.paths)) {
      const path = await expandRemotePath(ctx, given);
      // Ansible examines the entries one level below the depth too (it lists a directory before judging its entries).
      const depth = args.recurse ? (args.depth !== undefined ? `-maxdepth ${args.depth + 1} ` : '') : '-maxdepth 1 ';
      // lstat's view of each entry (as Ansible's find reads them), NUL-separated; the host's clock first.
      // With follow, the walk goes through linked directories (find -L), and each entry is still read
      // with lstat (a second find on the paths the walk found, not following their last link).
      const format = `-printf '%y\\0%m\\0%U\\0%G\\0%s\\0%i\\0%D\\0%n\\0%A@\\0%T@\\0%C@\\0%u\\0%g\\0%f\\0%p\\0'`;
      const walk = args.follow
        ? `{ find -L ${shellQuote(path)} -mindepth 1 ${depth}-print0 2>/dev/null || [ $? -eq 1 ]; } | xargs -0 -r sh -c ${shellQuote(`find "$@" -maxdepth 0 ${format} 2>/dev/null`)} find`
        : `find ${shellQuote(path)} -mindepth 1 ${depth}${format} 2>/dev/null || [ $? -eq 1 ]`;
      const command = `date +%s; if [ ! -d ${shellQuote(path)} ]; then exit 3; fi; ${walk}`;
      const output = await ctx.run(command);
      now = Number(output.stdout.slice(0, output.stdout.indexOf('\n'))) || now;
      if (output.rc === 3) {
        skipped[path] = `'${path}' is not a directory`;
        continue;
      }
      const fields = output.stdout.slice(output.stdout.indexOf('\n') + 1).split('\0');
      for (let i = 0; i + 15 <= fields.length; i += 15) {
        const entry = entryOf(fields.slice(i, i + 15));
        examined++;
        // The depth below the path (from the path: the second find of a followed walk sees each entry alone).
        const below = entry.path.slice(path.replace(/\/+$/, '').length).split('/').filter(Boolean).length;
        if (args.recurse && args.depth !== undefined && below > args.depth) continue;
        if (entry.name.startsWith('.') && !args.hidden) continue;
        const wanted = args.file_type === 'any' || { file: 'f', directory: 'd', link: 'l' }[args.file_type] === entry.type;
        if (!wanted || !matches(entry.name, patterns) || matches(entry.name, excludes)) continue;
        const elapsed = now - entry.stamps[args.age_stamp];
        if (age !== undefined && !(age >= 0 ? elapsed >= Math.abs(age) : elapsed <= Math.abs(age))) continue;
        // size judges regular files, whether file_type is file or any.
        if (entry.type === 'f' && size !== undefined && !(size >= 0 ? entry.size >= Math.abs(size) : entry.size <= Math.abs(size))) continue;
        const { name: _name, type: _type, stamps: _stamps, ...reported } = entry;
        files.push(reported);
      }
    }
    let found = files;
    if (args.contains !== undefined && args.file_type === 'file') {
      const hits = await holding(
        ctx,
        files.map((f) => f.path as string),
        args.contains,
        args.read_whole_file,
      );
      found = files.filter((f) => hits.has(f.path as string));
    }
    if (args.get_checksum) {
      const regular = found.filter((f) => f.isreg).map((f) => f.path as string);
      const sums = regular.length ? await ctx.run(`sha1sum -- ${regular.map(shellQuote).join(' ')}`) : { stdout: '' };
      const byPath = new Map(
        sums.stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => [line.slice(42), line.slice(0, 40)]),
      );
      for (const file of found) if (byPath.has(file.path as string)) file.checksum = byPath.get(file.path as string);
    }
    const notAll = Object.keys(skipped).length > 0;
    return {
      changed: false,
      files: found,
      matched: found.length,
      examined,
      skipped_paths: skipped,
      msg: notAll ? 'Not all paths examined, check warnings for details' : 'All paths examined',
      ...(notAll ? { warnings: Object.values(skipped) } : {}),
    };
  },
});
