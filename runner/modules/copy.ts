import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import Type, { type Static } from 'typebox';
import { shellQuote } from '../shell/quote.js';
import fileModule from './file.js';
import { argumentDefaults, defineModule, type ModuleContext, type Plan, type Step } from './module.js';
import { attributesArgs, writeArgs } from './support/file-attributes.js';
import { keptWithoutForce, planFileContent, readFileState } from './support/file-content.js';
import { expandRemotePath } from './support/remote-path.js';
import { walkLocalTree, type SourceTree } from './support/source-tree.js';
import { octalMode, wantedMode } from './support/symbolic-mode.js';

const copyArgs = Type.Object(
  {
    dest: Type.String({ description: 'Path on the host: the file, or a directory to copy into (ending in / makes missing directories).' }),
    content: Type.Optional(
      Type.Union([Type.String(), Type.Number(), Type.Boolean()], { description: "The file's content, written as it is (give this or 'src')." }),
    ),
    src: Type.Optional(
      Type.String({
        description:
          "A controller file or directory: looked up in the role's files/, then the playbook's files/ and directory (give this or 'content'). A directory is copied whole; 'dir/' copies what is inside it.",
      }),
    ),
    force: Type.Boolean({ default: true, description: 'false: write the file only when it does not exist yet (a file the user may edit afterwards).' }),
    remote_src: Type.Boolean({ default: false, description: 'src is a path on the host, not on this machine.' }),
    ...writeArgs,
    directory_mode: Type.Optional(Type.Union([Type.String(), Type.Integer()], { description: 'Mode of the directories a directory copy makes or holds.' })),
    local_follow: Type.Boolean({ default: true, description: 'Follow symbolic links in a controller directory (false: make them as links on the host).' }),
    follow: Type.Boolean({ default: false, description: 'When dest is a symbolic link, write to what it points to (false: replace the link).' }),
    checksum: Type.Optional(Type.String({ description: 'SHA-1 the content must have; the copy fails when it differs.' })),
    decrypt: Type.Boolean({ default: true, description: "Ansible's vault decryption: vault-encrypted sources are refused here (there is no vault)." }),
    ...attributesArgs,
    mode: Type.Optional(
      Type.Union([Type.String(), Type.Integer()], {
        description:
          "Permissions: octal ('0644', or 0644 unquoted), symbolic ('u+rw,g-w'), or 'preserve' (the source's). Left as it is when not given (a new file: 0644).",
      }),
    ),
  },
  { additionalProperties: false },
);

export type CopyArgs = Static<typeof copyArgs>;

const VAULT_HEADER = '$ANSIBLE_VAULT;';
/** Ansible's words when it has no vault secret; this runner never has one (decrypt: false copies the file as it is). */
export const vaultRefusal = (decrypt: boolean, content: Buffer | string, path?: string) =>
  decrypt && Buffer.from(content).subarray(0, VAULT_HEADER.length).toString() === VAULT_HEADER
    ? { changed: false, failed: true, msg: `A vault password or secret must be specified to decrypt ${path}` }
    : undefined;

const md5 = (content: string | Buffer) => createHash('md5').update(content).digest('hex');

/** The octal mode a file gets: 'preserve' is the source's, a symbolic mode applies to what dest has (or a new file's 0644). */
function fileMode(mode: CopyArgs['mode'], sourceMode: number | undefined, destMode: string | undefined): string | Error | undefined {
  if (mode === undefined) return undefined;
  if (mode === 'preserve') return sourceMode === undefined ? undefined : octalMode(sourceMode & 0o7777);
  const bits = wantedMode(mode, destMode ? parseInt(destMode, 8) : 0o644, false, 0o022);
  return bits instanceof Error ? bits : octalMode(bits);
}

/** Only a failure of a step of a directory copy changes its result (which reports dest, src and changed). */
const failureOnly = (step: Step): Step =>
  'command' in step && step.interpret
    ? { ...step, interpret: (output, ms) => (({ failed, msg }) => (failed ? { failed, msg } : {}))(step.interpret!(output, ms)) }
    : step;

/** Plans that run one after another as one task: changed when any changes; the first failure is the task's. */
function combine(plans: Plan[], result: Record<string, unknown>): Plan {
  const failed = plans.find((plan) => plan.failed);
  if (failed) return { ...failed, changed: false };
  return { ...result, changed: plans.some((plan) => plan.changed), steps: plans.flatMap((plan) => (plan.steps ?? []).map(failureOnly)) };
}

/** The file module's defaults, for the directories and links a directory copy makes through it. */
const fileArgs = (args: Record<string, unknown>) => ({ ...argumentDefaults(fileModule), ...args }) as Parameters<typeof fileModule.plan>[0];

/** A directory tree under dest: directories first (with directory_mode), then files, then links. */
async function planTree(args: CopyArgs, ctx: ModuleContext, dest: string, tree: SourceTree, source: string): Promise<Plan> {
  const owner = { ...(args.owner !== undefined ? { owner: args.owner } : {}), ...(args.group !== undefined ? { group: args.group } : {}) };
  const plans: Plan[] = [];
  for (const { rel } of tree.directories)
    plans.push(
      await fileModule.plan(
        fileArgs({ path: posix.join(dest, rel), state: 'directory', ...owner, ...(args.directory_mode !== undefined ? { mode: args.directory_mode } : {}) }),
        ctx,
      ),
    );
  for (const file of tree.files) {
    const content = await readFile(file.source);
    const path = posix.join(dest, file.rel);
    const plan = await planOneFile(args, ctx, path, { content, mode: (await stat(file.source)).mode, path: file.source }, await readFileState(ctx, path));
    plans.push(plan);
    if (plan.failed) break;
  }
  for (const link of tree.symlinks)
    plans.push(
      await fileModule.plan(fileArgs({ path: posix.join(dest, link.rel), src: link.target, state: 'link', force: true, follow: false, ...owner }), ctx),
    );
  return combine(plans, { dest, src: source });
}

/** One file's content and attributes at path, whose state was read. */
async function planOneFile(
  args: CopyArgs,
  ctx: ModuleContext,
  path: string,
  source: { content: Buffer | string; mode?: number; path?: string },
  state: Awaited<ReturnType<typeof readFileState>>,
  parents = true,
) {
  const { content } = source;
  const refused = vaultRefusal(args.decrypt, content, source.path);
  if (refused) return refused;
  const mode = fileMode(args.mode, source.mode, state.mode);
  if (mode instanceof Error) return { changed: false, failed: true, msg: mode.message };
  const plan = await planFileContent(
    ctx,
    path,
    content,
    { owner: args.owner, group: args.group, mode },
    { state },
    { validate: args.validate, backup: args.backup, parents },
  );
  return { ...plan, md5sum: md5(content) };
}

/** A directory on the host copied to another place on the host: missing and differing files copied with cp, links kept or followed. */
async function planRemoteTree(args: CopyArgs, ctx: ModuleContext, src: string, dest: string): Promise<Plan> {
  const from = src.replace(/\/+$/, '');
  const to = src.endsWith('/') ? dest.replace(/\/+$/, '') : posix.join(dest, posix.basename(from));
  // find reports a link loop (or what it cannot read) with rc 1 and lists the rest: those are left out, not copied forever.
  const list = (dir: string) =>
    `if [ -d ${shellQuote(dir)} ]; then cd ${shellQuote(dir)} && { find ${args.local_follow ? '-L ' : ''}. -mindepth 1 \\( -type f -exec sha1sum {} + \\) -o -printf '%y  %p\\n' || [ $? -eq 1 ]; }; fi`;
  const [source, target] = await Promise.all([ctx.read(`listing ${from}`, list(from)), ctx.read(`listing ${to}`, list(to))]);
  const entries = (text: string) =>
    new Map(
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.slice(line.indexOf('  ') + 2), line.slice(0, line.indexOf('  '))]),
    );
  const have = entries(target);
  const missing = [...entries(source)].filter(([path, sum]) => have.get(path) !== sum).map(([path]) => path);
  const owner = args.owner !== undefined || args.group !== undefined ? `${args.owner ?? ''}${args.group !== undefined ? `:${args.group}` : ''}` : undefined;
  if (missing.length === 0) {
    // Nothing to copy: the ownership of what is there, compared as the file module compares it.
    if (owner === undefined) return { changed: false, dest: to, src };
    const plan = await fileModule.plan(
      fileArgs({
        path: to,
        state: 'directory',
        recurse: true,
        follow: false,
        ...(args.owner !== undefined ? { owner: args.owner } : {}),
        ...(args.group !== undefined ? { group: args.group } : {}),
      }),
      ctx,
    );
    return combine([plan], { dest: to, src });
  }
  // Directories are made, files (and with local_follow: false, links) copied one by one: a link back into the tree is never walked.
  const kind = entries(source);
  const directories = missing.filter((path) => kind.get(path) === 'd');
  const files = missing.filter((path) => kind.get(path) !== 'd');
  const copy = [
    `mkdir -p -- ${[to, ...directories.map((dir) => posix.join(to, dir))].map(shellQuote).join(' ')}`,
    `cd ${shellQuote(from)}`,
    ...(files.length
      ? [`cp -${args.local_follow ? 'L' : 'P'} --preserve=mode,timestamps --parents -- ${files.map(shellQuote).join(' ')} ${shellQuote(to)}`]
      : []),
  ].join(' && ');
  const chown = owner === undefined ? '' : ` && chown -hR ${shellQuote(owner)} -- ${shellQuote(to)}`;
  return { changed: true, dest: to, src, steps: [{ what: `copying ${from} to ${to}`, command: copy + chown }] };
}

/**
 * One file put at dest as Ansible's copy module puts it (copy, template): into dest when it is a
 * directory (keeping the source's name), through a link with follow, into missing directories
 * only when dest ends in /; not when it exists and force is false. The content of a remote
 * source is read only once it is needed.
 */
export async function placeFile(
  args: CopyArgs & { dest: string },
  ctx: ModuleContext,
  source: { content?: Buffer | string; mode?: number; path?: string; name?: string },
): Promise<Plan> {
  let destState = args.dest.endsWith('/') ? undefined : await readFileState(ctx, args.dest);
  const intoDirectory = destState === undefined || destState.type === 'directory';
  if (intoDirectory && source.name === undefined) return { changed: false, failed: true, msg: 'can not use content with a dir as dest' };
  let dest = intoDirectory ? posix.join(args.dest, source.name!) : args.dest;
  if (destState?.type === 'link' && args.follow) {
    dest = (await ctx.read(`resolving ${dest}`, `readlink -f -- ${shellQuote(dest)}`)).trim();
    destState = undefined;
  }
  if (intoDirectory || destState === undefined) destState = await readFileState(ctx, dest);
  // In check mode an earlier task may be what makes the directory, as Ansible's copy assumes then.
  if (destState.type === 'absent' && !args.dest.endsWith('/') && !ctx.checkMode) {
    const parent = posix.dirname(dest);
    if ((await ctx.readPath(parent, 'attributes')).state.type === 'absent')
      return { changed: false, failed: true, msg: `Destination directory ${parent} does not exist` };
  }
  const kept = await keptWithoutForce(ctx, dest, args.force);
  if (kept) return kept;
  const content = source.content ?? (await ctx.readPath(source.path!, 'content')).content!;
  if (args.checksum !== undefined && createHash('sha1').update(content).digest('hex') !== args.checksum)
    return { changed: false, failed: true, msg: 'Copied file does not match the expected checksum. Transfer failed.', checksum: args.checksum };
  const plan = await planOneFile(args, ctx, dest, { ...source, content }, destState, args.dest.endsWith('/'));
  return { ...plan, dest, ...(args.src !== undefined ? { src: args.src } : {}) };
}

export default defineModule({
  name: 'copy',
  description:
    'Puts a file or a directory tree on the host from inline content, the controller or another place on the host; files are written atomically and only when content or attributes differ.',
  args: copyArgs,
  missingMessages: { dest: 'dest is required' },
  returns: {
    dest: { description: 'The destination path.', type: 'string' },
    checksum: { description: 'SHA-1 of the content (as Ansible reports it).', type: 'string' },
    md5sum: { description: 'MD5 of the content.', type: 'string' },
  },
  examples: [
    {
      description: 'Write a small configuration file, readable by its owner only.',
      task: 'copy:\n  dest: /etc/example/app.conf\n  content: "listen = 8080\\n"\n  mode: "0600"',
    },
    { description: "Copy a file from the role's files/ directory.", task: 'copy:\n  src: motd\n  dest: /etc/motd' },
  ],
  checkMode: 'full',
  async plan(given, ctx) {
    // Checked here rather than by the schema, in Ansible's words, which content tests for.
    const fail = (msg: string) => ({ changed: false, failed: true, msg });
    if (given.src === '') delete given.src;
    if (given.src === undefined && given.content === undefined) return fail('src (or content) is required');
    if (given.src !== undefined && given.content !== undefined) return fail('src and content are mutually exclusive');
    const args = {
      ...given,
      dest: await expandRemotePath(ctx, given.dest),
      ...(given.remote_src && given.src !== undefined ? { src: await expandRemotePath(ctx, given.src) } : {}),
    };
    if (args.validate !== undefined && !args.validate.includes('%s'))
      return { changed: false, failed: true, msg: `validate must contain %s: ${args.validate}` };
    const local = args.src !== undefined && !args.remote_src ? await ctx.findLocalFile('files', args.src, true) : undefined;
    const localStat = local !== undefined ? await stat(local) : undefined;
    if (local !== undefined && localStat!.isDirectory()) {
      if (!args.force && (await readFileState(ctx, args.dest)).type !== 'absent' && !args.dest.endsWith('/')) return { changed: false, dest: args.dest };
      return planTree(args, ctx, args.dest.endsWith('/') ? args.dest : `${args.dest}/`, await walkLocalTree(local, args.local_follow), args.src!);
    }
    // The source is read (and would be decrypted) before dest is looked at, as in Ansible.
    const localContent = local !== undefined ? await readFile(local) : undefined;
    const refused = localContent && vaultRefusal(args.decrypt, localContent, local);
    if (refused) return refused;
    let remoteMode: number | undefined;
    if (args.remote_src) {
      const { state } = await ctx.readPath(args.src!, 'attributes');
      if (state.type === 'absent') return { changed: false, failed: true, msg: `Source ${args.src} not found` };
      if (state.type === 'directory') return planRemoteTree(args, ctx, args.src!, args.dest);
      if (state.type !== 'file' && state.type !== 'link') return { changed: false, failed: true, msg: `Source ${args.src} is not a regular file` };
      remoteMode = state.mode !== undefined ? parseInt(state.mode, 8) : undefined;
    }
    const content = args.content !== undefined ? String(args.content) : args.remote_src ? undefined : localContent!;
    const source = {
      content,
      mode: localStat?.mode ?? remoteMode,
      path: local ?? args.src,
      name: args.src !== undefined ? posix.basename(args.src) : undefined,
    };
    return placeFile(args, ctx, source);
  },
});
