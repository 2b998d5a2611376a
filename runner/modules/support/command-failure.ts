import type { ExecResult } from '../../connection/connection.js';

/** What failed, its exit code and the end of what it said: for steps and for reads while planning. */
export function commandFailure(what: string, output: ExecResult): string {
  const said = (output.stderr.trim() || output.stdout.trim()).split('\n').slice(-5).join('\n');
  return `${what} failed (rc ${output.rc})${said ? `: ${said}` : ''}`;
}
