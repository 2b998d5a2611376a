import { shellQuote } from '../connection/command-line.js';

export type FileType = 'file' | 'directory' | 'link' | 'other' | 'absent';

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
export function fileStateCommand(path: string): string {
  const p = shellQuote(path);
  return [
    `if [ -L ${p} ]; then t=link; elif [ -d ${p} ]; then t=directory; elif [ -f ${p} ]; then t=file; elif [ -e ${p} ]; then t=other; else t=absent; fi`,
    'echo "$t"',
    `if [ "$t" != absent ]; then stat -c '%a %U %G %s' ${p}; fi`,
    `if [ "$t" = link ]; then readlink ${p}; fi`,
    `if [ "$t" = file ]; then sha256sum ${p} | cut -d' ' -f1; fi`,
  ].join('; ');
}

export function parseFileState(output: string): FileState {
  const [type, attributes, extra] = output.split('\n');
  if (type === 'absent') return { type: 'absent' };
  const [mode, owner, group, size] = (attributes ?? '').split(' ');
  const state: FileState = { type: type as FileType, mode: mode.padStart(4, '0'), owner, group, size: Number(size) };
  if (type === 'link') state.linkTarget = extra;
  if (type === 'file') state.sha256 = extra;
  return state;
}
