import { posix } from 'node:path';
import { join, split } from 'shlex';
import Type, { type Static } from 'typebox';
import type { ExecResult } from '../connection/connection.js';
import { defineModule, type ModuleContext, type ModuleResult, type Plan, type ReturnValue } from './module.js';

/** The arguments command and shell share (shell has no argv). */
export const commandArgs = {
  cmd: Type.Optional(Type.String({ description: 'The command line (or give it as the free-form value: `command: ls -l /etc`).' })),
  creates: Type.Optional(Type.String({ description: 'Skip the command when this path exists (a relative path is taken from chdir).' })),
  removes: Type.Optional(Type.String({ description: 'Skip the command unless this path exists.' })),
  chdir: Type.Optional(Type.String({ description: 'Directory to run the command in.' })),
  stdin: Type.Optional(Type.String({ description: "Text sent to the command's standard input." })),
};

const commandModuleArgs = Type.Object(
  {
    ...commandArgs,
    argv: Type.Optional(
      Type.Array(Type.Union([Type.String(), Type.Number()]), {
        minItems: 1,
        description: 'The program and its arguments as a list, each passed as it is (instead of cmd).',
      }),
    ),
  },
  { additionalProperties: false },
);

export type CommandArgs = Static<typeof commandModuleArgs>;

/** What command and shell return, as Ansible's command module does. */
export const commandReturns: Record<string, ReturnValue> = {
  rc: { description: 'Exit code of the command.', type: 'number' },
  stdout: { description: 'Standard output, without its last newline.', type: 'string' },
  stderr: { description: 'Standard error, without its last newline.', type: 'string' },
  stdout_lines: { description: 'stdout split into lines.', type: 'list' },
  stderr_lines: { description: 'stderr split into lines.', type: 'list' },
  delta_ms: { description: 'How long the command ran, in milliseconds.', type: 'number' },
};

/**
 * Whether creates/removes say the command is not needed. Like Ansible: a relative path is taken
 * from chdir, and a link counts even when dangling (lexists).
 */
export async function alreadyDone(args: Omit<CommandArgs, 'argv'>, ctx: ModuleContext): Promise<string | undefined> {
  const exists = async (path: string) => (await ctx.readPath(args.chdir ? posix.resolve(args.chdir, path) : path, 'attributes')).state.type !== 'absent';
  if (args.creates !== undefined && (await exists(args.creates))) return `${args.creates} exists`;
  if (args.removes !== undefined && !(await exists(args.removes))) return `${args.removes} does not exist`;
  return undefined;
}

/** The plan of a command: skipped when creates/removes say it is not needed, else run and reported as Ansible does. */
export async function planCommandLine(line: string, args: Omit<CommandArgs, 'argv'>, ctx: ModuleContext): Promise<Plan> {
  const done = await alreadyDone(args, ctx);
  if (done) return { changed: false, rc: 0, stdout: '', stderr: '', msg: `skipped, since ${done}` };
  return { changed: true, steps: [{ what: line, command: line, stdin: args.stdin, cwd: args.chdir, interpret: commandResult }] };
}

/** changed, rc, stdout, stderr and their lines; failed on a non-zero exit. */
function commandResult(output: ExecResult, elapsedMs: number): Partial<ModuleResult> {
  const stdout = output.stdout.replace(/\n$/, '');
  const stderr = output.stderr.replace(/\n$/, '');
  return {
    changed: true,
    failed: output.rc !== 0,
    rc: output.rc,
    stdout,
    stderr,
    stdout_lines: stdout === '' ? [] : stdout.split('\n'),
    stderr_lines: stderr === '' ? [] : stderr.split('\n'),
    delta_ms: elapsedMs,
    msg: output.rc !== 0 ? `non-zero return code ${output.rc}` : undefined,
  };
}

const SHELL_OPERATORS = new Set(['|', '||', '&&', ';', '>', '>>', '<', '&']);
/** shlex is a character-by-character lexer; the same line usually runs on every host. */
const splitCache = new Map<string, string[]>();

/**
 * argv from 'cmd', split as Ansible splits it (Python's shlex: quotes and backslashes, no
 * variables, no operators), or from 'argv'. A lone shell operator is refused: it would be an argument.
 */
export function commandWords(args: CommandArgs): string[] | Error {
  if (args.argv) return args.argv.map(String);
  if (args.cmd === undefined) return new Error("command needs 'cmd' (or a free-form string) or 'argv'");
  let words = splitCache.get(args.cmd);
  if (!words) {
    try {
      words = split(args.cmd);
    } catch (error) {
      return new Error(`cannot split the command line: ${(error as Error).message}`);
    }
    splitCache.set(args.cmd, words);
  }
  const operator = words.find((word) => SHELL_OPERATORS.has(word));
  if (operator) return new Error(`command does not run a shell, so '${operator}' would be passed as an argument; use the shell module`);
  return [...words];
}

export default defineModule({
  name: 'command',
  description: 'Runs a program with arguments, without a shell: $(...), pipes and variables in the text stay literal.',
  args: commandModuleArgs,
  returns: commandReturns,
  examples: [
    {
      description: 'Run a program once: skipped when the file it makes exists.',
      task: 'command:\n  cmd: ssh-keygen -q -t ed25519 -N "" -f /etc/example-key\n  creates: /etc/example-key',
    },
    { description: 'Arguments as a list, each passed as it is (no quoting needed).', task: 'command:\n  argv: [uname, -r]\nchanged_when: false' },
  ],
  freeForm: 'cmd',
  checkMode: 'none',
  async plan(args, ctx) {
    const words = commandWords(args);
    if (words instanceof Error) return { changed: false, failed: true, msg: words.message };
    return planCommandLine(join(words), args, ctx);
  },
});
