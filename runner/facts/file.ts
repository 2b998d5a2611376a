import { createHash } from 'node:crypto';
import { shellQuote } from '../shell/quote.js';
import type { FileState, FileType, PathReading, PathWant } from './path-state.js';

export const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');
/** The checksum Ansible reports (copy, fetch, stat): SHA-1, for comparison only. */
export const sha1 = (content: string | Buffer) => createHash('sha1').update(content).digest('hex');

/** The command that reads a path's state; its output is parsed by parseFileState. */
export function fileStateCommand(path: string, withChecksum = true): string {
  const p = shellQuote(path);
  // Each reading program that fails ends the command with its error: a partial answer would parse as a wrong state.
  return [
    `if [ -L ${p} ]; then t=link; elif [ -d ${p} ]; then t=directory; elif [ -f ${p} ]; then t=file; elif [ -e ${p} ]; then t=other; else t=absent; fi`,
    'echo "$t"',
    // Names last, joined by ':' (which no user or group name holds): a directory service's group may be "domain users".
    `if [ "$t" != absent ]; then stat -c '%a %s %u %g %h %U:%G' ${p} || exit; fi`,
    `if [ "$t" = link ]; then readlink ${p} || exit; fi`,
    // From stdin: sha256sum escapes a name holding a newline or backslash, and its output with it.
    ...(withChecksum ? [`if [ "$t" = file ]; then sha256sum < ${p} || exit; fi`] : []),
  ].join('; ');
}

/**
 * The state and, for a regular file, its text, in one round trip (lineinfile). The checksum is
 * computed here from the text, which saves running sha256sum on the host.
 */
export function fileWithContentCommand(path: string): string {
  return `${fileStateCommand(path, false)}; if [ "$t" = file ]; then cat ${shellQuote(path)} || exit; fi`;
}

export function parseFileWithContent(output: string): { state: FileState; content: string } {
  const lines = output.split('\n');
  const headerLines = lines[0] === 'absent' ? 1 : lines[0] === 'link' ? 3 : 2;
  const state = parseFileState(lines.slice(0, headerLines).join('\n'));
  if (state.type !== 'file') return { state, content: '' };
  const content = lines.slice(headerLines).join('\n');
  return { state: { ...state, sha256: sha256(content) }, content };
}

/** Files up to this size are sent whole and hashed here; larger ones are hashed on the host. */
const SEND_FOR_CHECKSUM = 256 * 1024;

/** The largest content a path reader should send for what is wanted (-1: any size). */
export const contentLimitFor = (want: PathWant) => (want === 'attributes' ? 0 : want === 'content' ? -1 : SEND_FOR_CHECKSUM);

type Run = (command: string) => Promise<{ rc: number; stdout: string; stderr: string }>;

/** The output of a command that reads a path; its failure is the read's. */
async function readOutput(run: Run, command: string, path: string): Promise<string> {
  const result = await run(command);
  if (result.rc !== 0) throw new Error(`cannot read the state of ${path}: ${result.stderr.trim()}`);
  return result.stdout;
}

/** Reads a path with shell commands: one round trip, one to three programs started on the host. */
export async function readPathWithShell(run: Run, path: string, want: PathWant): Promise<PathReading> {
  const output = await readOutput(run, want === 'content' ? fileWithContentCommand(path) : fileStateCommand(path, want === 'checksum'), path);
  if (want !== 'content') return { state: parseFileState(output.trim()) };
  const { state, content } = parseFileWithContent(output);
  return { state, content: state.type === 'file' ? Buffer.from(content) : undefined };
}

/** A reading with the file's checksum filled in: from its content, or by sha256sum on the host when it was too big to send. */
export async function withChecksum(reading: PathReading, path: string, want: PathWant, run: Run): Promise<PathReading> {
  if (reading.state.type !== 'file' || want === 'attributes') return reading;
  if (reading.content) return { state: { ...reading.state, sha256: sha256(reading.content) }, content: reading.content };
  const sum = await readOutput(run, `sha256sum < ${shellQuote(path)}`, path);
  return { state: { ...reading.state, sha256: sum.split(' ')[0] } };
}

export function parseFileState(output: string): FileState {
  const [type, attributes, extra] = output.split('\n');
  if (type === 'absent') return { type: 'absent' };
  const [mode, size, uid, gid, nlink, ...words] = (attributes ?? '').split(' ');
  const names = words.join(' ');
  const colon = names.indexOf(':');
  const state: FileState = {
    type: type as FileType,
    mode: mode.padStart(4, '0'),
    owner: names.slice(0, colon),
    group: names.slice(colon + 1),
    uid: Number(uid),
    gid: Number(gid),
    size: Number(size),
    nlink: Number(nlink),
  };
  if (type === 'link') state.linkTarget = extra;
  if (type === 'file' && extra) state.sha256 = extra.split(' ')[0];
  return state;
}
