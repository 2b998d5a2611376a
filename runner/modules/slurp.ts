import { shellQuote } from '../connection/command-line.js';
import { defineModule } from './module.js';

export default defineModule<{ src: string }>({
  name: 'slurp',
  description: "Reads a remote file into the result, base64-encoded (as Ansible's slurp); decode with | b64decode. Mark secrets no_log.",
  args: { type: 'object', additionalProperties: false, required: ['src'], properties: { src: { type: 'string' } } },
  checkMode: 'full',
  async run(args, ctx) {
    const read = await ctx.run(`base64 -w0 -- ${shellQuote(args.src)}`);
    if (read.rc !== 0) return { changed: false, failed: true, msg: `cannot read ${args.src}: ${read.stderr.trim()}` };
    return { changed: false, content: read.stdout.trim(), encoding: 'base64', source: args.src };
  },
});
