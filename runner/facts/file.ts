import { createHash } from 'node:crypto';
import { shellQuote } from '../connection/command-line.js';

export type FileType = 'file' | 'directory' | 'link' | 'other' | 'absent';

export const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

/** What is at a path on the host, as one round trip reads it. */
export interface FileState {
  type: FileType;
  mode?: string;
  owner?: string;
  group?: string;
  size?: number;
  sha256?: string;
  linkTarget?: string;
}

/** The command that reads a path's state; its output is parsed by parseFileState. */
export function fileStateCommand(path: string, withChecksum = true): string {
  const p = shellQuote(path);
  return [
    `if [ -L ${p} ]; then t=link; elif [ -d ${p} ]; then t=directory; elif [ -f ${p} ]; then t=file; elif [ -e ${p} ]; then t=other; else t=absent; fi`,
    'echo "$t"',
    `if [ "$t" != absent ]; then stat -c '%a %U %G %s' ${p}; fi`,
    `if [ "$t" = link ]; then readlink ${p}; fi`,
    ...(withChecksum ? [`if [ "$t" = file ]; then sha256sum ${p}; fi`] : []),
  ].join('; ');
}

/**
 * The state and, for a regular file, its text, in one round trip (lineinfile). The checksum is
 * computed here from the text, which saves running sha256sum on the host.
 */
export function fileWithContentCommand(path: string): string {
  return `${fileStateCommand(path, false)}; if [ "$t" = file ]; then cat ${shellQuote(path)}; fi`;
}

export function parseFileWithContent(output: string): { state: FileState; content: string } {
  const lines = output.split('\n');
  const headerLines = lines[0] === 'absent' ? 1 : lines[0] === 'link' ? 3 : 2;
  const state = parseFileState(lines.slice(0, headerLines).join('\n'));
  if (state.type !== 'file') return { state, content: '' };
  const content = lines.slice(headerLines).join('\n');
  return { state: { ...state, sha256: sha256(content) }, content };
}

export function parseFileState(output: string): FileState {
  const [type, attributes, extra] = output.split('\n');
  if (type === 'absent') return { type: 'absent' };
  const [mode, owner, group, size] = (attributes ?? '').split(' ');
  const state: FileState = { type: type as FileType, mode: mode.padStart(4, '0'), owner, group, size: Number(size) };
  if (type === 'link') state.linkTarget = extra;
  if (type === 'file') state.sha256 = extra?.split(' ')[0];
  return state;
}
