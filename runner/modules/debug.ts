import { defineModule } from './module.js';

export default defineModule<{ msg?: unknown; var?: string }>({
  name: 'debug',
  description: "Prints a message ('msg') or a variable's value ('var').",
  args: { type: 'object', additionalProperties: false, properties: { msg: {}, var: { type: 'string' } } },
  freeForm: 'msg',
  checkMode: 'full',
  async run(args, ctx) {
    if (args.var !== undefined) {
      const value = args.var in ctx.scope ? ctx.scope[args.var] : 'VARIABLE IS NOT DEFINED!';
      return { changed: false, [args.var]: value, msg: `${args.var}: ${JSON.stringify(value)}` };
    }
    const msg = args.msg === undefined ? 'Hello world!' : args.msg;
    return { changed: false, msg: typeof msg === 'string' ? msg : JSON.stringify(msg) };
  },
});
