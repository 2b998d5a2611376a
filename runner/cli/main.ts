import { ExitCode } from '../errors.js';
import { runCommand } from './run-command.js';

process.once('SIGINT', () => {
  process.stderr.write('\n[ERROR]: interrupted by the user\n');
  process.exit(ExitCode.Interrupted);
});

process.exitCode = await runCommand(process.argv.slice(2));
