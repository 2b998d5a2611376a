import { expandingWord } from '../../shell/expanding-word.js';
import type { ModuleContext } from '../module.js';

/**
 * A path argument as Ansible's 'path' type reads it on the host: ~ and $VAR / ${VAR} expanded
 * there (a variable not set there stays as written, as in Python's expandvars). Paths without either need no round trip.
 */
export async function expandRemotePath(ctx: ModuleContext, path: string): Promise<string> {
  if (!path.includes('$') && !path.startsWith('~')) return path;
  return ctx.read(`expanding ${path}`, `printf '%s' ${expandingWord(path)}`);
}
