import { posix } from 'node:path';
import { join, split } from 'shlex';
import { defineModule, type ModuleContext, type ModuleResult } from './module.js';

export interface CommandArgs {
  cmd?: string;
  argv?: string[];
  creates?: string;
  removes?: string;
  chdir?: string;
  stdin?: string;
}

export const commandArgsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    cmd: { type: 'string' },
    argv: { type: 'array', items: { type: ['string', 'number'] }, minItems: 1 },
    creates: { type: 'string' },
    removes: { type: 'string' },
    chdir: { type: 'string' },
    stdin: { type: 'string' },
  },
};

/**
 * Whether creates/removes say the command is not needed. Like Ansible: a relative path is taken
 * from chdir, and a link counts even when dangling (lexists).
 */
export async function alreadyDone(args: CommandArgs, ctx: ModuleContext): Promise<string | undefined> {
  const exists = async (path: string) => (await ctx.readPath(args.chdir ? posix.resolve(args.chdir, path) : path, 'attributes')).state.type !== 'absent';
  if (args.creates !== undefined && (await exists(args.creates))) return `${args.creates} exists`;
  if (args.removes !== undefined && !(await exists(args.removes))) return `${args.removes} does not exist`;
  return undefined;
}

/** Runs a command line and reports it as Ansible does: changed, rc, stdout, stderr; failed on rc != 0. */
export async function runCommandLine(line: string, args: CommandArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const done = await alreadyDone(args, ctx);
  if (done) return { changed: false, rc: 0, stdout: '', stderr: '', msg: `skipped, since ${done}` };
  if (ctx.check) return { changed: false, skipped: true, msg: 'skipped in check mode: a command cannot be predicted' };
  const started = Date.now();
  const result = await ctx.run(line, { stdin: args.stdin, cwd: args.chdir });
  const stdout = result.stdout.replace(/\n$/, '');
  const stderr = result.stderr.replace(/\n$/, '');
  return {
    changed: true,
    failed: result.rc !== 0,
    rc: result.rc,
    stdout,
    stderr,
    stdout_lines: stdout === '' ? [] : stdout.split('\n'),
    stderr_lines: stderr === '' ? [] : stderr.split('\n'),
    delta_ms: Date.now() - started,
    msg: result.rc !== 0 ? `non-zero return code ${result.rc}` : undefined,
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

export default defineModule<CommandArgs>({
  name: 'command',
  description: 'Runs a program with arguments, without a shell: $(...), pipes and variables in the text stay literal.',
  args: commandArgsSchema,
  freeForm: 'cmd',
  checkMode: 'partial',
  async run(args, ctx) {
    const words = commandWords(args);
    if (words instanceof Error) return { changed: false, failed: true, msg: words.message };
    return runCommandLine(join(words), args, ctx);
  },
});
