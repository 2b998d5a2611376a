import { createHash } from 'node:crypto';
import Type from 'typebox';
import { parseStat, statCommand } from '../facts/stat.js';
import { defineModule } from './module.js';

export default defineModule({
  name: 'stat',
  description:
    "Reads what is at a path into stat.*, as Ansible's stat reports it: exists, type (isdir, isreg, islnk, ...), mode and its bits, owner, times, size, inode, access, a link's target, a checksum, the MIME type and attributes.",
  args: Type.Object(
    {
      path: Type.String({ description: 'The path on the host.', aliases: ['dest', 'name'] }),
      follow: Type.Boolean({ default: false, description: 'Report on the file a symlink points to, not the link.' }),
      get_checksum: Type.Boolean({ default: true, description: "Compute a regular file's checksum." }),
      checksum_algorithm: Type.Enum(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'], {
        default: 'sha1',
        description: "The checksum's algorithm (Ansible's default, sha1).",
        aliases: ['checksum', 'checksum_algo'],
      }),
      get_mime: Type.Boolean({
        default: true,
        description: "Read the MIME type and charset with `file` ('unknown' where it is not installed).",
        aliases: ['mime', 'mime_type', 'mime-type'],
      }),
      get_attributes: Type.Boolean({ default: true, description: "Read the file's attributes with lsattr.", aliases: ['attr', 'attributes'] }),
    },
    { additionalProperties: false },
  ),
  returns: {
    stat: {
      description:
        'exists, path, mode, isdir, isreg, islnk, ischr, isblk, isfifo, issock, uid, gid, pw_name, gr_name, size, inode, dev, nlink, atime, mtime, ctime, the mode bits (rusr, wgrp, xoth, isuid, ...), readable, writeable, executable, lnk_target, lnk_source, checksum, mimetype, charset, attributes.',
      type: 'dict',
    },
  },
  examples: [{ description: 'Act only when a file exists.', task: 'stat:\n  path: /etc/rancher/k3s/k3s.yaml\nregister: kubeconfig_file' }],
  checkMode: 'full',
  async plan(args, ctx) {
    const wants = {
      follow: args.follow,
      checksum: args.get_checksum ? args.checksum_algorithm : undefined,
      mime: args.get_mime,
      attributes: args.get_attributes,
    };
    const read = await ctx.run(statCommand(args.path, wants));
    if (read.rc === 0) return { changed: false, stat: parseStat(read.stdout, args.path, wants) };
    // GNU stat missing or failing: what the connection's path reader knows (no inode, times or MIME
    // type); a path it cannot read either fails the task with its reason.
    const { state, content } = await ctx.readPath(args.path, args.get_checksum ? 'content' : 'attributes');
    if (state.type === 'absent') return { changed: false, stat: { exists: false } };
    const { type, mode, owner, group, uid, gid, size, linkTarget } = state;
    return {
      changed: false,
      stat: {
        exists: true,
        path: args.path,
        mode,
        isdir: type === 'directory',
        isreg: type === 'file',
        islnk: type === 'link',
        uid,
        gid,
        pw_name: owner,
        gr_name: group,
        size,
        ...(linkTarget !== undefined ? { lnk_target: linkTarget } : {}),
        ...(content ? { checksum: createHash(args.checksum_algorithm).update(content).digest('hex') } : {}),
      },
    };
  },
});
