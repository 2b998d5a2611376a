import { defineModule } from './module.js';
import { readRemoteBytes } from './support/file-content.js';

export default defineModule<{ src: string }>({
  name: 'slurp',
  description: "Reads a remote file into the result, base64-encoded (as Ansible's slurp); decode with | b64decode. Mark secrets no_log.",
  args: { type: 'object', additionalProperties: false, required: ['src'], properties: { src: { type: 'string' } } },
  checkMode: 'full',
  async run(args, ctx) {
    const content = await readRemoteBytes(ctx, args.src);
    return { changed: false, content: content.toString('base64'), encoding: 'base64', source: args.src };
  },
});
