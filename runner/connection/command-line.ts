import { shellQuote } from '../shell/quote.js';
import type { ExecOptions } from './connection.js';

/**
 * The one place a remote command line is assembled: environment, working directory and sudo.
 * Every value is quoted; 'cd' failing stops the command (node-ssh's cwd would run it anyway).
 */
export function buildCommandLine(command: string, options: ExecOptions, currentUser?: string): string {
  const env = Object.entries(options.env ?? {})
    .map(([name, value]) => `export ${name}=${shellQuote(value)}; `)
    .join('');
  // -P: the physical directory, as a process started there by Ansible (os.chdir) sees it.
  const cd = options.cwd ? `cd -P ${shellQuote(options.cwd)} && ` : '';
  const inner = `${env}${cd}${command}`;
  const become = options.become;
  if (!become || become.user === currentUser) return inner;
  // -S with an empty prompt reads the password from stdin's first line; -n fails fast instead of hanging.
  const sudo = become.password ? `sudo -S -p '' -H -u ${shellQuote(become.user)}` : `sudo -n -H -u ${shellQuote(become.user)}`;
  return `${sudo} -- /bin/sh -c ${shellQuote(inner)}`;
}

/** stdin for a command, with the sudo password first when one is needed. */
export function stdinFor(options: ExecOptions, currentUser?: string): string | Buffer | undefined {
  const password = options.become && options.become.user !== currentUser ? options.become.password : undefined;
  if (password === undefined) return options.stdin;
  const rest = options.stdin ?? '';
  return Buffer.concat([Buffer.from(`${password}\n`), Buffer.isBuffer(rest) ? rest : Buffer.from(rest)]);
}
