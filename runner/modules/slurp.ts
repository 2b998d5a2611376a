import Type from 'typebox';
import { defineModule } from './module.js';
import { readRemoteBytes } from './support/file-content.js';

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
    const content = await readRemoteBytes(ctx, args.src);
    return { changed: false, content: content.toString('base64'), encoding: 'base64', source: args.src };
  },
});
