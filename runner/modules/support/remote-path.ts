import { shellQuote } from '../../shell/quote.js';
import type { ModuleContext } from '../module.js';

const VARIABLE = /(\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*)/;

/** The shell words that expand a path's ~ and $VARs and nothing else (no command can run). */
export function expansionWords(path: string): string {
  // The shell expands ~user only up to an unquoted '/': the slash stays outside the quotes.
  const tilde = /^~[A-Za-z0-9._-]*(\/|$)/.exec(path)?.[0] ?? '';
  return (
    tilde +
    path
      .slice(tilde.length)
      .split(VARIABLE)
      .map((part, i) => (i % 2 ? `"${part}"` : part === '' ? '' : shellQuote(part)))
      .join('')
  );
}

/**
 * A path argument as Ansible's 'path' type reads it on the host: ~ and $VAR / ${VAR} expanded
 * there. Paths without either need no round trip.
 */
export async function expandRemotePath(ctx: ModuleContext, path: string): Promise<string> {
  if (!path.includes('$') && !path.startsWith('~')) return path;
  return ctx.read(`expanding ${path}`, `printf '%s' ${expansionWords(path)}`);
}
