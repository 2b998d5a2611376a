import Type from 'typebox';
import { defineModule } from './module.js';
import { shellQuote } from '../shell/quote.js';

export default defineModule({
  name: 'slurp',
  description: "Reads a remote file into the result, base64-encoded (as Ansible's slurp); decode with | b64decode. Mark secrets no_log.",
  args: Type.Object({ src: Type.String({ description: 'The file on the host.', aliases: ['path'] }) }, { additionalProperties: false }),
  returns: {
    content: { description: "The file's bytes, base64-encoded.", type: 'string' },
    encoding: { description: "Always 'base64'.", type: 'string' },
    source: { description: 'The file read.', type: 'string' },
  },
  examples: [{ description: "Read the host's machine id into a variable.", task: 'slurp:\n  src: /etc/machine-id\nregister: machine_id' }],
  checkMode: 'full',
  async plan(args, ctx) {
    const p = shellQuote(args.src);
    // Ansible's messages for what cannot be read, which content tests for.
    const output = await ctx.run(`if [ -d ${p} ]; then echo directory >&2; exit 3; fi; base64 -w0 -- ${p}`);
    if (output.rc === 0) return { changed: false, content: output.stdout.trim(), encoding: 'base64', source: args.src };
    const reason = output.stderr.trim();
    const msg =
      output.rc === 3
        ? `source is a directory and must be a file: ${args.src}`
        : /No such file/.test(reason)
          ? `file not found: ${args.src}`
          : /Permission denied/.test(reason)
            ? `file is not readable: ${args.src}`
            : `unable to slurp file: ${reason.replace(/^base64: /, '')}`;
    return { changed: false, failed: true, msg };
  },
});
