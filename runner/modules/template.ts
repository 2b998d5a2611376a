import Type from 'typebox';
import { defineModule } from './module.js';
import { attributesArgs, normalizeMode } from './support/file-attributes.js';
import { keptWithoutForce, planFileContent } from './support/file-content.js';

export default defineModule({
  name: 'template',
  description:
    "Renders a template from the role's templates/ with the task's variables and puts it on the host like copy: Jinja2 as in Ansible, or Handlebars for a .hbs file.",
  args: Type.Object(
    {
      src: Type.String({ description: "The template on the controller: looked up in the role's templates/, then the playbook's templates/ and directory." }),
      dest: Type.String({ description: 'Path of the rendered file on the host.' }),
      force: Type.Boolean({ default: true, description: 'false: write the file only when it does not exist yet.' }),
      trim_blocks: Type.Boolean({ default: true, description: 'Jinja2: drop the first newline after a {% block %} tag, as Ansible does by default.' }),
      lstrip_blocks: Type.Boolean({ default: false, description: 'Jinja2: strip spaces and tabs before a {% block %} tag at the start of a line.' }),
      ...attributesArgs,
    },
    { additionalProperties: false },
  ),
  returns: {
    path: { description: 'The destination path.', type: 'string' },
    checksum: { description: 'SHA-1 of the rendered content (as Ansible reports it).', type: 'string' },
  },
  examples: [
    {
      description: "Render the role's templates/config.yaml.hbs into K3s' configuration, private to root.",
      task: 'template:\n  src: config.yaml.hbs\n  dest: /etc/rancher/k3s/config.yaml\n  mode: "0600"',
    },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    const kept = await keptWithoutForce(ctx, args.dest, args.force);
    if (kept) return kept;
    const content = await ctx.renderTemplateFile(await ctx.findLocalFile('templates', args.src), {
      trimBlocks: args.trim_blocks,
      lstripBlocks: args.lstrip_blocks,
    });
    return planFileContent(ctx, args.dest, content, { owner: args.owner, group: args.group, mode: normalizeMode(args.mode) });
  },
});
