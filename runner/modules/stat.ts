import Type from 'typebox';
import { defineModule } from './module.js';
import { readFileState } from './support/file-content.js';

export default defineModule({
  name: 'stat',
  description: "Reads a path's type, owner, group, mode, size and sha256 into stat.* (exists, isdir, isreg, islnk, checksum).",
  args: Type.Object({ path: Type.String({ description: 'The path on the host.', aliases: ['dest', 'name'] }) }, { additionalProperties: false }),
  returns: {
    stat: { description: 'exists, isdir, isreg, islnk, mode, pw_name, gr_name, size, checksum (SHA-256) and lnk_target.', type: 'dict' },
  },
  examples: [{ description: 'Act only when a file exists.', task: 'stat:\n  path: /etc/rancher/k3s/k3s.yaml\nregister: kubeconfig_file' }],
  checkMode: 'full',
  async plan(args, ctx) {
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
