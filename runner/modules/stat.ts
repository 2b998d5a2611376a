import Type from 'typebox';
import { shellQuote } from '../shell/quote.js';
import { defineModule } from './module.js';
import { readFileState } from './support/file-content.js';

export default defineModule({
  name: 'stat',
  description: "Reads a path's type, owner, group, mode, size and checksum into stat.* (exists, isdir, isreg, islnk, checksum).",
  args: Type.Object(
    {
      path: Type.String({ description: 'The path on the host.', aliases: ['dest', 'name'] }),
      get_checksum: Type.Boolean({ default: true, description: "Compute a regular file's checksum." }),
      checksum_algorithm: Type.Enum(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'], {
        default: 'sha1',
        description: "The checksum's algorithm (Ansible's default, sha1; sha256 costs no extra command).",
        aliases: ['checksum', 'checksum_algo'],
      }),
    },
    { additionalProperties: false },
  ),
  returns: {
    stat: { description: 'exists, isdir, isreg, islnk, mode, pw_name, gr_name, size, checksum and lnk_target.', type: 'dict' },
  },
  examples: [{ description: 'Act only when a file exists.', task: 'stat:\n  path: /etc/rancher/k3s/k3s.yaml\nregister: kubeconfig_file' }],
  checkMode: 'full',
  async plan(args, ctx) {
    const state = await readFileState(ctx, args.path);
    const summed = args.get_checksum && state.type === 'file';
    const checksum = !summed
      ? undefined
      : args.checksum_algorithm === 'sha256'
        ? state.sha256
        : (await ctx.read(`${args.checksum_algorithm}sum ${args.path}`, `${args.checksum_algorithm}sum < ${shellQuote(args.path)}`)).split(' ')[0];
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
        checksum,
        lnk_target: state.linkTarget,
      },
    };
  },
});
