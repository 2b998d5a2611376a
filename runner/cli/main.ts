import { ExitCode } from '../errors.js';
import { runCommand } from './run-command.js';

// Output piped into a reader that stops early (| head): stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

process.once('SIGINT', () => {
  process.stderr.write('\n[ERROR]: interrupted by the user\n');
  process.exit(ExitCode.Interrupted);
});

process.exitCode = await runCommand(process.argv.slice(2));
