import { readFile } from 'node:fs/promises';
import Type from 'typebox';
import { UserError, describeUserError } from '../errors.js';
import { refuseConnectionVars } from '../inventory/connection-vars.js';
import { parseYaml } from '../yaml/source.js';
import { defineModule } from './module.js';

export default defineModule({
  name: 'include_vars',
  description:
    "Reads variables from a YAML file on this machine (the role's vars/ first, then the playbook's vars/ and directory) and sets them for this host, as set_fact does.",
  args: Type.Object(
    {
      file: Type.String({ description: 'The YAML file: a mapping of variables (give it as the free-form value: `include_vars: Debian.yml`).' }),
      name: Type.Optional(Type.String({ description: 'Put the variables under this one name instead of setting each.' })),
    },
    { additionalProperties: false },
  ),
  returns: {
    ansible_included_var_files: { description: 'The file read, as a one-item list.', type: 'list' },
  },
  examples: [{ description: "Variables kept in a file of the role's vars/, under one name.", task: 'include_vars:\n  file: default.yaml\n  name: settings' }],
  freeForm: 'file',
  checkMode: 'full',
  async plan(args, ctx) {
    const path = await ctx.findLocalFile('vars', args.file);
    try {
      const source = parseYaml(await readFile(path, 'utf8'), path);
      const data = source.value ?? {};
      if (typeof data !== 'object' || Array.isArray(data)) return { changed: false, failed: true, msg: `${path} must hold a mapping of variables` };
      if (!args.name) refuseConnectionVars(data, path, (key) => source.locate([key]));
      return { changed: false, facts: args.name ? { [args.name]: data } : { ...data }, ansible_included_var_files: [path] };
    } catch (error) {
      if (error instanceof UserError) return { changed: false, failed: true, msg: describeUserError(error) };
      throw error;
    }
  },
});
