import { closest, distance } from 'fastest-levenshtein';
/** Where something came from in a user's file: shown in every error about it. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** Exit codes: ansible-playbook's, except that invalid input gets its own (3, reserved by Ansible). */
export const ExitCode = {
  Ok: 0,
  HostsFailed: 2,
  InvalidInput: 3,
  HostsUnreachable: 4,
  BadOptions: 5,
  Interrupted: 99,
  Unexpected: 250,
} as const;
/**
 * With --detailed-exitcodes, Puppet's: 2 when anything changed (with --check: would change, the
 * hosts drifted), 4 when anything failed or was unreachable, 6 for both; 0 when all is in sync.
 */
export type DetailedExitCode = 0 | 2 | 4 | 6;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode] | DetailedExitCode;

/** What each exit code tells a script that runs us (shown by --help and in docs/command-line.md). */
export const EXIT_CODE_MEANINGS: Record<(typeof ExitCode)[keyof typeof ExitCode], string> = {
  [ExitCode.Ok]: 'every host ok',
  [ExitCode.HostsFailed]: 'one or more hosts failed (also when any_errors_fatal stopped a play)',
  [ExitCode.InvalidInput]: 'invalid input: inventory, playbook, role or template (the message names file:line:column)',
  [ExitCode.HostsUnreachable]: 'one or more hosts unreachable (wins over 2)',
  [ExitCode.BadOptions]: 'bad command-line options, and files named on the command line (playbook, -i, -e @file) that do not exist or cannot be read',
  [ExitCode.Interrupted]: 'interrupted (Ctrl-C)',
  [ExitCode.Unexpected]: 'unexpected internal error',
};

export const DETAILED_EXIT_CODE_MEANINGS: Record<DetailedExitCode, string> = {
  0: 'in sync: nothing changed (with --check: nothing would change)',
  2: 'changes made (with --check: changes pending, the hosts drifted from the playbook)',
  4: 'failed or unreachable hosts, no changes',
  6: 'changes, and failed or unreachable hosts',
};

/**
 * A mistake in the user's input (inventory, playbook, role, template, options).
 * Printed as one paragraph naming the place and what to fix; never with a stack trace.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly loc?: SourceLocation,
    readonly hint?: string,
    readonly exitCode: ExitCodeValue = ExitCode.InvalidInput,
    /** The offending line with a caret under the place, shown below the message. */
    readonly excerpt?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** A template used a variable that is not defined (Ansible's AnsibleUndefinedVariable): which one is kept, for those who may overlook it. */
export class UndefinedVariableError extends UserError {
  constructor(
    readonly variable: string,
    message: string,
    loc: SourceLocation,
    hint: string,
    excerpt?: string,
  ) {
    super(message, loc, hint, ExitCode.InvalidInput, excerpt);
  }
}

export function formatLocation(loc: SourceLocation | undefined): string {
  return loc ? `${loc.file}:${loc.line}:${loc.column}` : '';
}

/** The place, the message and the hint in one line: how a task that failed on the user's input reports it. */
export function describeUserError(error: UserError): string {
  const where = error.loc ? `${formatLocation(error.loc)}: ` : '';
  const hint = error.hint ? ` ${error.hint}` : '';
  return `${where}${error.message}${hint}`;
}

export function formatUserError(error: UserError): string {
  return `ERROR! ${describeUserError(error)}${error.excerpt ? `\n${error.excerpt}` : ''}`;
}

/** The known word closest to a misspelt one, when one is close enough to be what was meant. */
export function nearestName(word: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const best = closest(word, known as string[]);
  return best && distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}
