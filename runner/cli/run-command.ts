import { CommanderError } from 'commander';
import { ExitCode, formatUserError, UserError, type ExitCodeValue } from '../errors.js';
import type { Io } from './io.js';
import { buildProgram, buildRecapProgram, type CliOptions } from './program.js';

const defaultIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTTY: Boolean(process.stdout.isTTY) && !process.env.CI,
  cwd: process.cwd(),
  env: process.env,
};

/** The whole command: options, loading and validation, then the run (or `recap FILE...`). Returns the exit code. */
export async function runCommand(argv: string[], io: Io = defaultIo): Promise<ExitCodeValue> {
  const recap = argv[0] === 'recap';
  const program = (recap ? buildRecapProgram() : buildProgram()).configureOutput({
    writeOut: (text) => io.out(text.trimEnd()),
    writeErr: (text) => io.err(text.trimEnd()),
  });
  try {
    program.parse(recap ? argv.slice(1) : argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Ok : ExitCode.BadOptions;
    throw error;
  }
  const options = program.opts<CliOptions>();
  try {
    // The engine is loaded only past the options: --help and a bad option start in a fraction of the time.
    if (recap) return await (await import('./recap.js')).recapCommand(program.args, options.detailedExitcodes, io);
    const { execute } = await import('./execute.js');
    return await execute(program.args[0], options, io);
  } catch (error) {
    if (error instanceof UserError) {
      io.err(formatUserError(error));
      return error.exitCode;
    }
    io.err(`ERROR! unexpected error: ${(error as Error).message}`);
    if (options.verbose > 0) io.err((error as Error).stack ?? '');
    return ExitCode.Unexpected;
  }
}
