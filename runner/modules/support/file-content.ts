import { posix } from 'node:path';
import { commandFailure } from './command-failure.js';
import { shellQuote } from '../../shell/quote.js';
import { parseFileState, sha1, sha256 } from '../../facts/file.js';
import type { FileState } from '../../facts/path-state.js';
import type { Diff, ModuleContext, Plan } from '../module.js';
import { attributeChanges, attributeCommands, describeAttributes, normalizeMode, type Attributes } from './file-attributes.js';

/** Larger files are compared by checksum only; their text is not shown in diffs. */
const DIFF_LIMIT = 256 * 1024;

/** A path's state with its checksum (copy, template, get_url, stat). */
export async function readFileState(ctx: ModuleContext, path: string): Promise<FileState> {
  return (await ctx.readPath(path, 'checksum')).state;
}

/** A remote file's bytes, whatever they are (base64 on the wire keeps binary intact). */
export async function readRemoteBytes(ctx: ModuleContext, path: string): Promise<Buffer> {
  return Buffer.from((await ctx.read(`reading ${path}`, `base64 -w0 -- ${shellQuote(path)}`)).trim(), 'base64');
}

/** What ensuring a file's content and attributes would do: a pure comparison. */
export interface ContentPlan {
  writeContent: boolean;
  attributes: Attributes;
}

export function planContent(content: string | Buffer, wanted: Attributes, state: FileState): ContentPlan | Error {
  if (state.type === 'directory') return new Error('the destination is a directory');
  if (state.type === 'absent' || state.type === 'link' || state.type === 'other') {
    return { writeContent: true, attributes: wanted };
  }
  return { writeContent: state.sha256 !== sha256(content), attributes: attributeChanges(wanted, state) };
}

/**
 * Writes through a temporary file in the same directory, then renames it into place: readers see
 * the old file or the new one, never half of it. Every step is checked before the next: a full
 * disk, or a transfer cut short, leaves the old file whole, removes the temporary one and fails.
 * The size that arrived is compared with the size sent before the rename. Owner and mode are set
 * before the rename too, so a secret is never readable by others, not even for a moment.
 */
export function atomicWriteCommand(path: string, attributes: Attributes, exists: boolean, size: number, options: WriteOptions = {}): string {
  const p = shellQuote(path);
  const fail = (what: string) => `{ echo ${shellQuote(`${what} (${path} left as it was)`)} >&2; exit 1; }`;
  const keep = exists
    ? // Keeping the owner needs root; a user writing its own file keeps it anyway.
      [`chown --reference=${p} "$t" 2>/dev/null`, `chmod --reference=${p} "$t" || ${fail('cannot copy the mode')}`]
    : [`chmod 0644 "$t" || ${fail('cannot set the mode')}`];
  return [
    ...(options.parents ? [`mkdir -p -- ${shellQuote(posix.dirname(path))} || exit 1`] : []),
    `t=$(mktemp ${shellQuote(`${path}.tmp-`)}XXXXXX) || exit 1`,
    `trap 'rm -f "$t"' EXIT`,
    `cat > "$t" || ${fail('cannot write the new content')}`,
    `n=$(wc -c < "$t") || exit 1`,
    `[ "$n" -eq ${size} ] || { printf 'only %s of %s bytes arrived (%s left as it was)\\n' "$n" ${size} ${p} >&2; exit 1; }`,
    ...keep,
    ...attributeCommands('"$t"', attributes).map((command) => `${command} || exit 1`),
    // Ansible's validate: the command checks the new file (its %s) before it replaces the old one.
    ...(options.validate ? [`${options.validate.replaceAll('%s', '"$t"')} >&2 || ${fail('failed to validate')}`] : []),
    // A copy of the old file beside it, named as Ansible names backups, its name on stdout.
    ...(options.backup && exists
      ? [`b=${p}.$$.$(date +%Y-%m-%d@%H:%M:%S~)`, `cp -p ${p} "$b" || ${fail('cannot back up the old file')}`, 'echo "backup=$b"']
      : []),
    `mv -f "$t" ${p} || exit 1`,
    'trap - EXIT',
  ].join('\n');
}

/** With force: false (copy, template), an existing file is left as it is, whatever it holds. */
export async function keptWithoutForce(ctx: ModuleContext, path: string, force: boolean): Promise<Plan | undefined> {
  if (force || (await ctx.readPath(path, 'attributes')).state.type === 'absent') return undefined;
  return { changed: false, path, msg: `${path} exists (force: false)` };
}

/** What a write may do besides writing: check the new file first (a command with %s), keep a copy of the old one. */
export interface WriteOptions {
  validate?: string;
  backup?: boolean;
  /** The result key naming the backup: copy and template say backup_file, lineinfile backup. */
  backupKey?: string;
  /** Create missing parent directories first (lineinfile's create). */
  parents?: boolean;
}

/** The plan that makes a file hold exactly this content with these attributes (copy, template, lineinfile). */
export async function planFileContent(
  ctx: ModuleContext,
  path: string,
  content: string | Buffer,
  wanted: Attributes,
  /** What a module already read of the path: its state (with checksum), and its text when it has it. */
  known?: { state: FileState; text?: string },
  options: WriteOptions = {},
): Promise<Plan> {
  const state = known?.state ?? (await readFileState(ctx, path));
  const plan = planContent(content, wanted, state);
  if (plan instanceof Error) return { changed: false, failed: true, msg: `${path}: ${plan.message}` };
  const changed = plan.writeContent || Object.keys(plan.attributes).length > 0;
  const size = Buffer.byteLength(content);
  // What Ansible reports of the file: as it is, or (until the write says) as it will be.
  const predicted: FileState = {
    type: 'file',
    size,
    mode: wanted.mode ?? state.mode ?? '0644',
    owner: wanted.owner ?? state.owner,
    group: wanted.group ?? state.group,
    uid: wanted.owner === undefined ? state.uid : undefined,
    gid: wanted.group === undefined ? state.gid : undefined,
  };
  const result: Plan = { changed, path, checksum: sha1(content), ...pathInfo(changed ? predicted : state) };
  if (!changed) return result;
  if (ctx.diff) result.diff = await contentDiff(ctx, path, state, content, plan, known?.text);
  const what = plan.writeContent ? `writing ${path}` : `setting the attributes of ${path}`;
  const command = plan.writeContent
    ? atomicWriteCommand(path, plan.attributes, state.type === 'file', size, options)
    : `${attributeCommands(shellQuote(path), plan.attributes).join(' && ')} || exit 1`;
  result.steps = [
    {
      what,
      command: `${command}\n${PATH_INFO_COMMAND(path)}`,
      stdin: plan.writeContent ? content : undefined,
      interpret: (output) => {
        if (output.rc !== 0) return { failed: true, msg: commandFailure(what, output) };
        const backup = /^backup=(.*)$/m.exec(output.stdout)?.[1];
        const written = /^pathinfo=(.*)$/m.exec(output.stdout)?.[1];
        return { ...(backup ? { [options.backupKey ?? 'backup_file']: backup } : {}), ...(written ? pathInfo(parseFileState(`file\n${written}`)) : {}) };
      },
    },
  ];
  return result;
}

/**
 * The plan that gives a file edited as text (lineinfile, replace, blockinfile) its new text, with
 * the task's owner, group, mode, backup and validate; the old text was read already.
 */
export function planEdit(
  ctx: ModuleContext,
  args: { path: string; owner?: string; group?: string; mode?: string | number; backup: boolean; validate?: string },
  text: string,
  known: { state: FileState; text?: string },
  options: Pick<WriteOptions, 'backupKey' | 'parents'> = {},
): Promise<Plan> {
  const wanted = { owner: args.owner, group: args.group, mode: normalizeMode(args.mode) };
  return planFileContent(ctx, args.path, text, wanted, known, { validate: args.validate, backup: args.backup, ...options });
}

/** The file's attributes after a change, read in the same command (for the result Ansible gives); without stat, the prediction stays. */
const PATH_INFO_COMMAND = (path: string) => `stat -c 'pathinfo=%a %s %u %g %h %U:%G' ${shellQuote(path)} 2>/dev/null || true`;

/** A path's attributes as Ansible's file modules report them: state, mode, owner, group, uid, gid, size. */
export function pathInfo(state: FileState): Record<string, unknown> {
  if (state.type === 'absent') return { state: 'absent' };
  const { mode, owner, group, uid, gid, size } = state;
  return { state: state.type === 'directory' || state.type === 'link' ? state.type : 'file', mode, owner, group, uid, gid, size };
}

async function contentDiff(
  ctx: ModuleContext,
  path: string,
  state: FileState,
  content: string | Buffer,
  plan: ContentPlan,
  knownText?: string,
): Promise<Diff[]> {
  const diffs: Diff[] = [];
  if (plan.writeContent) {
    const tooBig = content.length > DIFF_LIMIT || (state.size ?? 0) > DIFF_LIMIT;
    const before = state.type === 'file' && !tooBig ? (knownText ?? (await ctx.readPath(path, 'content')).content?.toString('utf8') ?? '') : '';
    const after = tooBig ? `(content of ${content.length} bytes, sha256 ${sha256(content)})\n` : content.toString();
    diffs.push({ path, before, after });
  }
  const attributes = state.type === 'absent' ? {} : attributeChanges(plan.attributes, state);
  if (Object.keys(attributes).length > 0) diffs.push({ path: `${path} (attributes)`, ...describeAttributes(state, attributes) });
  return diffs;
}
