import { readFile } from 'node:fs/promises';
import { split } from 'shlex';
import Type from 'typebox';
import { shellQuote } from '../shell/quote.js';
import { commandResult, commandReturns, notToRun } from './command.js';
import { defineModule } from './module.js';

export default defineModule({
  name: 'script',
  description:
    "Runs a script from this machine on the host (sent over the connection, run from a private temporary file, removed after), with arguments; reported as command's.",
  args: Type.Object(
    {
      cmd: Type.String({ description: "The script (the role's files/ first) and its arguments: `script: setup.sh --fast`." }),
      executable: Type.Optional(Type.String({ description: 'The program that runs the script (python3, bash); by default its #! line.' })),
      chdir: Type.Optional(Type.String({ description: 'Directory to run it in.' })),
      creates: Type.Optional(Type.String({ description: 'Skip it when this path exists.' })),
      removes: Type.Optional(Type.String({ description: 'Skip it unless this path exists.' })),
    },
    { additionalProperties: false },
  ),
  returns: commandReturns,
  examples: [{ description: "Run a script from the role's files/ with an argument.", task: 'script: motd --check' }],
  freeForm: 'cmd',
  checkMode: 'none',
  async plan(args, ctx) {
    const [script, ...words] = split(args.cmd);
    const notRun = await notToRun(args, ctx, args.cmd);
    if (notRun) return notRun;
    const body = await readFile(await ctx.findLocalFile('files', script));
    const runner = args.executable ? `${shellQuote(args.executable)} ` : '';
    const run = `${runner}"$t"${words.map((word) => ` ${shellQuote(word)}`).join('')}`;
    // The script arrives on stdin into a file only its user can read, which goes whatever happens.
    const command = `t=$(mktemp) || exit 1; trap 'rm -f "$t"' EXIT; cat > "$t" && chmod 700 "$t" || exit 1; ${run}`;
    return {
      changed: true,
      steps: [{ what: `script ${script}`, command, stdin: body, cwd: args.chdir, interpret: commandResult(args.cmd, true, args.chdir) }],
    };
  },
});
