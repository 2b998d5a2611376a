import { defineModule } from './module.js';
import { attributesArgs, normalizeMode } from './support/file-attributes.js';
import { ensureContent } from './support/file-content.js';

interface TemplateArgs {
  src: string;
  dest: string;
  owner?: string;
  group?: string;
  mode?: string | number;
}

export default defineModule<TemplateArgs>({
  name: 'template',
  description: "Renders a Handlebars file from the role's templates/ with the task's variables and puts it on the host like copy.",
  args: { type: 'object', additionalProperties: false, required: ['src', 'dest'], properties: { src: { type: 'string' }, dest: { type: 'string' }, ...attributesArgs } },
  checkMode: 'full',
  async run(args, ctx) {
    const content = await ctx.renderTemplateFile(await ctx.findLocalFile('templates', args.src));
    return ensureContent(ctx, args.dest, content, { owner: args.owner, group: args.group, mode: normalizeMode(args.mode) });
  },
});
