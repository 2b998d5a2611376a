import { shellQuote } from '../../connection/command-line.js';
import { sha256, type FileState } from '../../facts/file.js';
import type { Diff, ModuleContext, ModuleResult } from '../module.js';
import { attributeChanges, attributeCommands, describeAttributes, type Attributes } from './file-attributes.js';

/** Larger files are compared by checksum only; their text is not shown in diffs. */
const DIFF_LIMIT = 256 * 1024;

/** A path's state with its checksum (copy, template, get_url, stat). */
export async function readFileState(ctx: ModuleContext, path: string): Promise<FileState> {
  return (await ctx.readPath(path, 'checksum')).state;
}

/** A remote file's bytes, whatever they are (base64 on the wire keeps binary intact). */
export async function readRemoteBytes(ctx: ModuleContext, path: string): Promise<Buffer> {
  const result = await ctx.run(`base64 -w0 -- ${shellQuote(path)}`);
  if (result.rc !== 0) throw new Error(`cannot read ${path}: ${result.stderr.trim()}`);
  return Buffer.from(result.stdout.trim(), 'base64');
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
 * the old file or the new one, never half of it. Owner and mode are set before the rename, so a
 * secret is never readable by others, not even for a moment.
 */
export function atomicWriteCommand(path: string, attributes: Attributes, exists: boolean): string {
  const p = shellQuote(path);
  const keep = exists ? `chown --reference=${p} "$t" 2>/dev/null || true; chmod --reference=${p} "$t"; ` : 'chmod 0644 "$t"; ';
  const set = attributeCommands('"$t"', attributes);
  return [
    `t=$(mktemp ${shellQuote(`${path}.tmp-`)}XXXXXX) || exit 1`,
    `trap 'rm -f "$t"' EXIT`,
    `cat > "$t" && ${keep}${set.map((c) => `${c} && `).join('')}mv -f "$t" ${p} && trap - EXIT`,
  ].join('; ');
}

/** Ensure a file holds exactly this content with these attributes (copy, template, lineinfile). */
export async function ensureContent(ctx: ModuleContext, path: string, content: string | Buffer, wanted: Attributes, known?: { state: FileState; text: string }): Promise<ModuleResult> {
  const state = known?.state ?? (await readFileState(ctx, path));
  const plan = planContent(content, wanted, state);
  if (plan instanceof Error) return { changed: false, failed: true, msg: `${path}: ${plan.message}` };
  const changed = plan.writeContent || Object.keys(plan.attributes).length > 0;
  const result: ModuleResult = { changed, path, checksum: sha256(content) };
  if (changed && ctx.diff) result.diff = await contentDiff(ctx, path, state, content, plan, known?.text);
  if (!changed || ctx.check) return result;
  const command = plan.writeContent ? atomicWriteCommand(path, plan.attributes, state.type === 'file') : attributeCommands(shellQuote(path), plan.attributes).join(' && ');
  const written = await ctx.run(command, plan.writeContent ? { stdin: content } : {});
  if (written.rc !== 0) return { ...result, changed: false, failed: true, msg: `cannot write ${path}: ${written.stderr.trim()}` };
  return result;
}

async function contentDiff(ctx: ModuleContext, path: string, state: FileState, content: string | Buffer, plan: ContentPlan, knownText?: string): Promise<Diff[]> {
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
