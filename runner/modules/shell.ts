import { commandArgsSchema, runCommandLine, type CommandArgs } from './command.js';
import { defineModule } from './module.js';

function withoutArgv<T extends { argv: unknown }>(properties: T): Omit<T, 'argv'> {
  const { argv: _argv, ...rest } = properties;
  return rest;
}

export default defineModule<CommandArgs>({
  name: 'shell',
  description: 'Runs a command line through /bin/sh (pipes, redirections, variables). Quote templated values with {{quote x}}.',
  args: { ...commandArgsSchema, properties: withoutArgv(commandArgsSchema.properties) },
  freeForm: 'cmd',
  checkMode: 'partial',
  async run(args, ctx) {
    if (args.cmd === undefined) return { changed: false, failed: true, msg: "shell needs 'cmd' or a free-form string" };
    return runCommandLine(args.cmd, args, ctx);
  },
});
