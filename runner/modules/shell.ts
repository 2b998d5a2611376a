import Type from 'typebox';
import { commandArgs, commandReturns, planCommandLine } from './command.js';
import { shellQuote } from '../shell/quote.js';
import { defineModule } from './module.js';

export default defineModule({
  name: 'shell',
  description: 'Runs a command line through /bin/sh (pipes, redirections, variables). Quote templated values with {{ x | quote }}.',
  args: Type.Object(commandArgs, { additionalProperties: false }),
  returns: commandReturns,
  examples: [{ description: 'A pipeline; changed_when says it only reads.', task: 'shell: set -o pipefail 2>/dev/null; ls /etc | wc -l\nchanged_when: false' }],
  freeForm: 'cmd',
  checkMode: 'none',
  async plan(args, ctx) {
    if (args.cmd === undefined || args.cmd.trim() === '') return { changed: false, failed: true, rc: 256, msg: 'no command given' };
    // Another shell runs the line as its -c argument; /bin/sh runs it directly.
    const line = args.executable === undefined ? args.cmd : `${shellQuote(args.executable)} -c ${shellQuote(args.cmd)}`;
    return planCommandLine(line, args, ctx, args.cmd);
  },
});
