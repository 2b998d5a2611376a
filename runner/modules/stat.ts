import { defineModule } from './module.js';
import { readFileState } from './support/file-content.js';

export default defineModule<{ path: string }>({
  name: 'stat',
  description: "Reads a path's type, owner, group, mode, size and sha256 into stat.* (exists, isdir, isreg, islnk, checksum).",
  args: { type: 'object', additionalProperties: false, required: ['path'], properties: { path: { type: 'string' } } },
  checkMode: 'full',
  async run(args, ctx) {
    const state = await readFileState(ctx, args.path);
    return {
      changed: false,
      stat: {
        exists: state.type !== 'absent',
        isdir: state.type === 'directory',
        isreg: state.type === 'file',
        islnk: state.type === 'link',
        mode: state.mode,
        pw_name: state.owner,
        gr_name: state.group,
        size: state.size,
        checksum: state.sha256,
        lnk_target: state.linkTarget,
      },
    };
  },
});
