import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import Type from 'typebox';
import { UserError, describeUserError } from '../errors.js';
import { pythonRegExp } from '../jinja/python-regex.js';
import { mergeMappings } from '../jinja/filters.js';
import { isMapping } from '../jinja/python.js';
import { parseYaml } from '../yaml/source.js';
import type { Vars } from '../vars/vars.js';
import { defineModule, listArgument, type ModuleContext } from './module.js';

/** A file's variables, or why it does not give them (Ansible's words). */
async function readVarsFile(path: string): Promise<Vars | string> {
  try {
    const source = parseYaml(await readFile(path, 'utf8'), path);
    const data = source.value ?? {};
    if (typeof data !== 'object' || Array.isArray(data)) return `${path} must be stored as a dictionary/hash`;
    return data as Vars;
  } catch (error) {
    if (error instanceof UserError) return describeUserError(error);
    throw error;
  }
}

/** Every file below dir, directory by directory in name order, down to depth levels (0: all), as Ansible walks it. */
async function walk(dir: string, depth: number): Promise<string[]> {
  const directories: string[] = [dir];
  const files: string[] = [];
  for (let level = 0; level < directories.length; level++) {
    const entries = await readdir(directories[level], { withFileTypes: true });
    for (const entry of entries) if (entry.isDirectory()) directories.push(join(directories[level], entry.name));
  }
  directories.sort();
  for (const [index, directory] of directories.entries()) {
    if (depth !== 0 && index >= depth) break;
    const names = (await readdir(directory, { withFileTypes: true })).filter((entry) => !entry.isDirectory()).map((entry) => entry.name);
    files.push(...names.sort().map((name) => join(directory, name)));
  }
  return files;
}

interface DirArgs {
  dir: string;
  depth: number;
  files_matching?: string;
  ignore_files?: string | string[];
  extensions: string[];
  ignore_unknown_extensions: boolean;
}

/** The files a dir include reads: matching files_matching, not ignored, with a known extension (unknown ones fail unless ignored). */
async function dirFiles(args: DirArgs, ctx: ModuleContext): Promise<{ files: string[] } | { problem: string }> {
  const dir = ctx.varsDirectory(args.dir);
  const found = await stat(dir).catch(() => undefined);
  if (!found) return { problem: `${dir} directory does not exist` };
  if (!found.isDirectory()) return { problem: `${dir} is not a directory` };
  const ignored = (name: string) => listArgument(args.ignore_files ?? []).some((pattern) => pythonRegExp(`${pattern}$`).test(name));
  const knownExtension = (name: string) => args.extensions.includes(extname(name).slice(1));
  const files: string[] = [];
  for (const path of await walk(dir, args.depth)) {
    const name = basename(path);
    if (args.files_matching !== undefined && !pythonRegExp(args.files_matching).test(name)) continue;
    if (ignored(name) || (args.ignore_unknown_extensions && !knownExtension(name))) continue;
    if (!knownExtension(name)) return { problem: `${path} does not have a valid extension: ${args.extensions.join(', ')}` };
    files.push(path);
  }
  return { files };
}

export default defineModule({
  name: 'include_vars',
  description:
    "Reads variables from YAML files on this machine (a file, or every file of a directory; the role's vars/ first, then the playbook's) for this host, above play and task vars; templates in them are rendered when used.",
  args: Type.Object(
    {
      file: Type.Optional(Type.String({ description: 'The YAML file: a mapping of variables (give it as the free-form value: `include_vars: Debian.yml`).' })),
      dir: Type.Optional(Type.String({ description: "A directory whose files are all read, in name order (in a role: below its vars/); not with 'file'." })),
      depth: Type.Integer({ default: 0, description: 'How many directory levels dir reads (0: all).' }),
      files_matching: Type.Optional(Type.String({ description: 'Only files whose names match this regular expression.' })),
      ignore_files: Type.Optional(
        Type.Union([Type.Array(Type.String()), Type.String()], { description: 'Files to leave out (names or regular expressions).' }),
      ),
      extensions: Type.Array(Type.String(), { default: ['json', 'yaml', 'yml'], description: "File extensions dir reads ('' for none)." }),
      ignore_unknown_extensions: Type.Boolean({ default: false, description: 'Leave out files of other extensions instead of failing.' }),
      name: Type.Optional(Type.String({ description: 'Put the variables under this one name instead of setting each.' })),
      hash_behaviour: Type.Optional(
        Type.Enum(['replace', 'merge'], { description: 'merge: mappings are merged into the variables of the same names instead of replacing them.' }),
      ),
    },
    { additionalProperties: false },
  ),
  returns: {
    ansible_included_var_files: { description: 'The files read, in order.', type: 'list' },
  },
  examples: [{ description: "Variables kept in a file of the role's vars/, under one name.", task: 'include_vars:\n  file: default.yaml\n  name: settings' }],
  freeForm: 'file',
  checkMode: 'full',
  async plan(args, ctx) {
    const dirOnly = args.dir !== undefined || args.files_matching !== undefined || args.ignore_files !== undefined;
    if (dirOnly && args.file !== undefined)
      return { changed: false, failed: true, msg: 'You are mixing file only and dir only arguments, these are incompatible' };
    let files: string[];
    if (args.dir !== undefined) {
      const listed = await dirFiles(args as DirArgs, ctx);
      if ('problem' in listed) return { changed: false, failed: true, message: listed.problem, msg: listed.problem };
      files = listed.files;
    } else if (args.file !== undefined && args.file.trim() !== '') {
      try {
        files = [await ctx.findLocalFile('vars', args.file.replace(/\n+$/, ''))];
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        const msg = `Could not find or access '${args.file}': ${describeUserError(error)}`;
        return { changed: false, failed: true, message: msg, msg };
      }
    } else {
      // A file name that came out empty (a first_found lookup that found nothing), in Ansible's words.
      const msg =
        'Could not find file on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option';
      return { changed: false, failed: true, message: msg, msg };
    }
    let results: Vars = {};
    for (const file of files) {
      const vars = await readVarsFile(file);
      if (typeof vars === 'string') return { changed: false, failed: true, message: vars, msg: vars };
      results = { ...results, ...vars };
    }
    if (args.name) results = { [args.name]: results };
    if (args.hash_behaviour === 'merge')
      results = Object.fromEntries(
        Object.entries(results).map(([key, value]) => {
          const old = ctx.scope[key];
          return [key, isMapping(old) && isMapping(value) ? mergeMappings(old, value, true, 'replace') : value];
        }),
      );
    return { changed: false, includedVars: results, ansible_facts: results, ansible_included_var_files: files };
  },
});
