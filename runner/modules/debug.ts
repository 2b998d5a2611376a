import Type from 'typebox';
import { UndefinedVariableError } from '../errors.js';
import { defineModule, type ModuleContext } from './module.js';

export default defineModule({
  name: 'debug',
  description: "Prints a message ('msg') or a variable's value ('var').",
  args: Type.Object(
    {
      msg: Type.Optional(Type.Unknown({ description: "What to print; not a string: printed as JSON. Default: 'Hello world!'." })),
      var: Type.Optional(Type.String({ description: 'A variable whose value to print (instead of msg).' })),
      verbosity: Type.Integer({ minimum: 0, default: 0, description: 'Print only when run with at least this many -v (else skipped).' }),
    },
    { additionalProperties: false },
  ),
  returns: { msg: { description: 'The message printed.', type: 'string' } },
  examples: [
    { description: 'Print a message with a variable in it.', task: 'debug:\n  msg: "Cluster API at {{ ansible_host }}:6443"' },
    { description: "Print a variable's value.", task: 'debug:\n  var: ansible_hostname' },
  ],
  freeForm: 'msg',
  checkMode: 'full',
  async plan(args, ctx) {
    if (args.verbosity > Number(ctx.scope.ansible_verbosity ?? 0)) return { changed: false, skipped: true, msg: 'Verbosity threshold not met.' };
    if (args.var !== undefined) {
      const value = variableValue(args.var, ctx);
      return { changed: false, [args.var]: value, msg: `${args.var}: ${JSON.stringify(value)}` };
    }
    const msg = args.msg === undefined ? 'Hello world!' : args.msg;
    return { changed: false, msg: typeof msg === 'string' ? msg : JSON.stringify(msg) };
  },
});

/**
 * debug's var as Ansible's debug action reads it: a bare expression (a variable, its attributes, a
 * filter) rendered as if in {{ }}, other text rendered as it is and then as an expression; one
 * that needs an undefined variable is "VARIABLE IS NOT DEFINED!".
 */
function variableValue(text: string, ctx: ModuleContext): unknown {
  try {
    const first = text.split('|')[0].split('.')[0].split('[')[0];
    const bare = (text.includes('|') || first in ctx.scope) && !text.includes('{{');
    const value = ctx.render(bare ? `{{${text}}}` : text);
    return value === text ? ctx.render(`{{${text}}}`) : value;
  } catch (error) {
    if (error instanceof UndefinedVariableError) return 'VARIABLE IS NOT DEFINED!';
    throw error;
  }
}
