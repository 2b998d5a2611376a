import { posix } from 'node:path';
import { split } from 'shlex';
import Type, { type Static } from 'typebox';
import type { ExecResult } from '../connection/connection.js';
import { expandingWord } from '../shell/expanding-word.js';
import { shellQuote } from '../shell/quote.js';
import { defineModule, type ModuleContext, type ModuleResult, type Plan, type ReturnValue } from './module.js';

/** The arguments command and shell share (shell has no argv). */
export const commandArgs = {
  cmd: Type.Optional(Type.String({ description: 'The command line (or give it as the free-form value: `command: ls -l /etc`).' })),
  creates: Type.Optional(Type.String({ description: 'Skip the command when this path exists (a relative path is taken from chdir).' })),
  removes: Type.Optional(Type.String({ description: 'Skip the command unless this path exists.' })),
  chdir: Type.Optional(Type.String({ description: 'Directory to run the command in.' })),
  stdin: Type.Optional(Type.String({ description: "Text sent to the command's standard input." })),
  stdin_add_newline: Type.Boolean({ default: true, description: 'End stdin with a newline.' }),
  strip_empty_ends: Type.Boolean({ default: true, description: 'Remove the newlines that end stdout and stderr.' }),
  executable: Type.Optional(
    Type.String({ description: 'shell: the shell that runs the line (default /bin/sh). command: ignored with a warning, as in Ansible since 2.4.' }),
  ),
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
  cmd: { description: 'What ran: the line (shell), or its words as a list (command).', type: 'string' },
  start: { description: 'When it started, as Python prints a datetime.', type: 'string' },
  end: { description: 'When it ended.', type: 'string' },
  delta: { description: "How long it ran, as Python prints a timedelta ('0:00:00.004511').", type: 'string' },
  delta_ms: { description: 'How long the command ran, in milliseconds.', type: 'number' },
};

/**
 * Whether creates/removes say the command is not needed. Like Ansible: a relative path is taken
 * from chdir, and a link counts even when dangling (lexists).
 */
export async function alreadyDone(args: Pick<CommandArgs, 'creates' | 'removes' | 'chdir'>, ctx: ModuleContext): Promise<string | undefined> {
  const exists = async (path: string) => {
    const full = args.chdir ? posix.resolve(args.chdir, path) : path;
    // A pattern (afile.*) matches as Python's glob does: any existing path the shell expands it to.
    if (/[*?[]/.test(full)) return (await ctx.run(`for f in ${globWord(full)}; do [ -e "$f" ] || [ -L "$f" ] && exit 0; done; exit 1`)).rc === 0;
    return (await ctx.readPath(full, 'attributes')).state.type !== 'absent';
  };
  if (args.creates !== undefined && (await exists(args.creates))) return `${args.creates} exists`;
  if (args.removes !== undefined && !(await exists(args.removes))) return `${args.removes} does not exist`;
  return undefined;
}

/** The result of a command that does not run: creates/removes say it is not needed. */
export async function notToRun(args: Pick<CommandArgs, 'creates' | 'removes' | 'chdir'>, ctx: ModuleContext, cmd: unknown): Promise<Plan | undefined> {
  // A chdir that is missing now may be made by an earlier task: the shell's cd says so when it runs.
  const done = await alreadyDone(args, ctx);
  if (!done) return undefined;
  return {
    changed: false,
    rc: 0,
    stdout: `skipped, since ${done}`,
    stderr: '',
    cmd,
    msg: `Did not run command since '${done.replace(/ (exists|does not exist)$/, "' $1")}`,
  };
}

/** A glob pattern as one shell word: its *, ? and [ ] left to the shell, everything else quoted. */
const globWord = (pattern: string) =>
  pattern
    .split(/([*?]|\[[^\]/]*\])/)
    .map((part, index) => (index % 2 === 1 ? part : part === '' ? '' : shellQuote(part)))
    .join('');

/**
 * The plan of a command: skipped when creates/removes say it is not needed, else run and reported
 * as Ansible does. `cmd` is what the result reports as having run; `line` is what the host runs.
 */
export async function planCommandLine(line: string, args: Omit<CommandArgs, 'argv'>, ctx: ModuleContext, cmd: unknown = line): Promise<Plan> {
  const notRun = await notToRun(args, ctx, cmd);
  if (notRun) return notRun;
  const stdin = args.stdin !== undefined && args.stdin_add_newline !== false ? `${args.stdin}\n` : args.stdin;
  // Check mode, as Ansible's: with creates or removes the command counts as changed, else skipped.
  const guarded = args.creates !== undefined || args.removes !== undefined;
  return {
    changed: true,
    steps: [{ what: line, command: line, stdin, cwd: args.chdir, interpret: commandResult(cmd, args.strip_empty_ends !== false, args.chdir) }],
    inCheckMode: { changed: guarded, ...(guarded ? {} : { skipped: true }), rc: 0, cmd, msg: 'Command would have run if not in check mode' },
  };
}

/** Python's str() of a datetime and of a timedelta, which Ansible's start, end and delta are. */
const pythonTime = (date: Date) =>
  `${date.toISOString().slice(0, 10)} ${date.toTimeString().slice(0, 8)}.${String(date.getMilliseconds() * 1000).padStart(6, '0')}`;
const pythonDelta = (ms: number) =>
  `${Math.floor(ms / 3_600_000)}:${String(Math.floor(ms / 60_000) % 60).padStart(2, '0')}:${String(Math.floor(ms / 1000) % 60).padStart(2, '0')}.${String((ms % 1000) * 1000).padStart(6, '0')}`;

/** changed, rc, stdout, stderr and their lines, cmd and times; failed on a non-zero exit. */
export const commandResult =
  (cmd: unknown, strip: boolean, chdir?: string) =>
  (output: ExecResult, elapsedMs: number): Partial<ModuleResult> => {
    // The shell's own cd into chdir failed (dash: "can't cd to DIR", bash: "cd: DIR: ..."): said as Ansible says it.
    if (
      chdir !== undefined &&
      output.rc !== 0 &&
      output.stdout === '' &&
      [`cd: can't cd to ${chdir}`, `cd: ${chdir}:`].some((said) => output.stderr.includes(said))
    )
      return {
        changed: false,
        failed: true,
        rc: output.rc,
        cmd,
        msg: `Unable to change directory before execution: [Errno 2] No such file or directory: '${chdir}'`,
      };
    const end = new Date();
    const trim = (text: string) => (strip ? text.replace(/[\r\n]+$/, '') : text);
    const [stdout, stderr] = [trim(output.stdout), trim(output.stderr)];
    const lines = (text: string) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));
    return {
      changed: true,
      failed: output.rc !== 0,
      rc: output.rc,
      stdout,
      stderr,
      stdout_lines: lines(stdout),
      stderr_lines: lines(stderr),
      cmd,
      start: pythonTime(new Date(end.getTime() - elapsedMs)),
      end: pythonTime(end),
      delta: pythonDelta(elapsedMs),
      delta_ms: elapsedMs,
      msg: output.rc !== 0 ? 'non-zero return code' : '',
    };
  };

const SHELL_OPERATORS = new Set(['|', '||', '&&', ';', '>', '>>', '<', '&']);
/** shlex is a character-by-character lexer; the same line usually runs on every host. */
const splitCache = new Map<string, string[]>();

/**
 * argv from 'cmd', split as Ansible splits it (Python's shlex: quotes and backslashes, no
 * variables, no operators), or from 'argv'. A lone shell operator is refused: it would be an argument.
 */
export function commandWords(args: Pick<CommandArgs, 'cmd' | 'argv'>): string[] | Error {
  if (args.argv && args.cmd !== undefined && args.cmd.trim() !== '') return new Error('only command or argv can be given, not both');
  if (args.argv) return args.argv.map(String);
  if (args.cmd === undefined || args.cmd.trim() === '') return new Error('no command given');
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
  description: 'Runs a program with arguments, without a shell: $(...) and pipes stay literal; $VAR, ${VAR} and a leading ~ expand, as in Ansible.',
  args: commandModuleArgs,
  returns: commandReturns,
  examples: [
    {
      description: 'Run a program once: skipped when the file it makes exists.',
      task: 'command:\n  cmd: ssh-keygen -q -t ed25519 -N "" -f /etc/example-key\n  creates: /etc/example-key',
    },
    {
      description: 'Arguments as a list, each passed as it is (no quoting needed; $VAR and ~ still expand).',
      task: 'command:\n  argv: [uname, -r]\nchanged_when: false',
    },
  ],
  freeForm: 'cmd',
  checkMode: 'none',
  async plan(args, ctx) {
    const words = commandWords(args);
    if (words instanceof Error) return { changed: false, failed: true, rc: 256, msg: words.message };
    const plan = await planCommandLine(words.map(expandingWord).join(' '), args, ctx, words);
    if (args.executable === undefined) return plan;
    const warning = `As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '${args.executable}'.`;
    return { ...plan, warnings: [warning] };
  },
});
