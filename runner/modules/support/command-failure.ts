import type { ExecResult } from '../../connection/connection.js';
import type { Plan, Step } from '../module.js';

/** What failed, its exit code and the end of what it said: for steps and for reads while planning. */
export function commandFailure(what: string, output: ExecResult): string {
  const said = (output.stderr.trim() || output.stdout.trim()).split('\n').slice(-5).join('\n');
  return `${what} failed (rc ${output.rc})${said ? `: ${said}` : ''}`;
}

/** The shell's exit code for a program it cannot find. */
const NOT_FOUND = 127;

/**
 * A plan made on a host that the reading program is not on yet (an earlier role installs it, as
 * in a check run on bare hosts): everything is still to be made, by the step given; undefined when
 * the program was there.
 */
export function plannedBeforeInstall(output: ExecResult, program: string, outcome: string, step: Step): Plan | undefined {
  if (output.rc !== NOT_FOUND) return undefined;
  return { changed: true, msg: `${program} is not on the host yet: ${outcome} once it is`, steps: [step] };
}
