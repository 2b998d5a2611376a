// What copying a directory takes from the controller: its files, directories and symbolic links,
// each with the path it gets under dest, walked as Ansible's copy walks them (rsync's rule for a
// trailing slash; with local_follow, links are followed unless they lead back into the copy).
import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { posix } from 'node:path';

export interface SourceTree {
  /** Files to copy: the controller path to read, and the path under dest. */
  files: Array<{ source: string; rel: string }>;
  directories: Array<{ rel: string }>;
  /** Links made as links on the host: what they point to (as written), and the path under dest. */
  symlinks: Array<{ target: string; rel: string }>;
}

const key = (s: { dev: number; ino: number }) => `${s.dev}:${s.ino}`;

/** A directory's entries: 'dir/' copies its contents, 'dir' the directory itself. */
export async function walkLocalTree(top: string, localFollow: boolean): Promise<SourceTree> {
  const tree: SourceTree = { files: [], directories: [], symlinks: [] };
  const root = top.replace(/\/+$/, '');
  const prefix = top.endsWith('/') ? '' : posix.basename(root);
  if (!localFollow && (await lstat(root)).isSymbolicLink()) {
    tree.symlinks.push({ target: await readlink(root), rel: posix.basename(root) });
    return tree;
  }
  const visit = async (dir: string, rel: string, parents: Set<string>): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    const linked = new Map(
      await Promise.all(
        entries.filter((e) => e.isSymbolicLink()).map(async (e) => [e.name, await stat(posix.join(dir, e.name)).catch(() => undefined)] as const),
      ),
    );
    const isDirectory = (e: (typeof entries)[number]) => e.isDirectory() || linked.get(e.name)?.isDirectory() === true;
    // As os.walk goes: a directory's files before what is in its subdirectories.
    for (const entry of [...entries.filter((e) => !isDirectory(e)), ...entries.filter(isDirectory)]) {
      const path = posix.join(dir, entry.name);
      const under = rel ? posix.join(rel, entry.name) : entry.name;
      const target = linked.get(entry.name);
      if (entry.isDirectory() || target?.isDirectory()) {
        if (!entry.isSymbolicLink()) {
          tree.directories.push({ rel: under });
          await visit(path, under, parents);
        } else if (!localFollow || parents.has(key(target!))) tree.symlinks.push({ target: await readlink(path), rel: under });
        else {
          // The directories between this link and the part of the tree already known: a link to one of them is a circle.
          const ancestors = new Set<string>();
          const parts = posix.dirname(path).split('/');
          for (let n = parts.length; n > 0; n--) {
            const ancestor = await stat(parts.slice(0, n).join('/') || '/');
            if (parents.has(key(ancestor))) break;
            ancestors.add(key(ancestor));
          }
          if (ancestors.has(key(target!))) tree.symlinks.push({ target: await readlink(path), rel: under });
          else {
            tree.directories.push({ rel: under });
            await visit(await realpath(path), under, new Set([...parents, ...ancestors]));
          }
        }
      } else if (entry.isSymbolicLink()) {
        if (localFollow && target?.isFile()) tree.files.push({ source: await realpath(path), rel: under });
        else tree.symlinks.push({ target: await readlink(path), rel: under });
      } else tree.files.push({ source: path, rel: under });
    }
  };
  // The top directory itself is made by the first file copied into it (an empty one is not copied, as in Ansible).
  await visit(root, prefix, new Set([key(await stat(root))]));
  return tree;
}
