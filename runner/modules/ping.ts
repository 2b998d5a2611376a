import Type from 'typebox';
import { defineModule } from './module.js';

export default defineModule({
  name: 'ping',
  description: "Checks that the host can be reached and run a command: answers 'pong' (or data). data=crash fails, as Ansible's does.",
  args: Type.Object({ data: Type.String({ default: 'pong', description: "What to answer; 'crash' makes the task fail." }) }, { additionalProperties: false }),
  returns: { ping: { description: 'The data given, pong by default.', type: 'string' } },
  examples: [{ description: 'Check every host answers.', task: 'ping: {}' }],
  checkMode: 'full',
  async plan(args, ctx) {
    if (args.data === 'crash') return { changed: false, failed: true, msg: 'boom' };
    await ctx.read('answering the ping', 'true');
    return { changed: false, ping: args.data };
  },
});
