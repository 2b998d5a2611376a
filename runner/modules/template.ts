import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import Type from 'typebox';
import { placeFile, type CopyArgs } from './copy.js';
import { defineModule } from './module.js';
import { attributesArgs, writeArgs } from './support/file-attributes.js';
import { encodeText, encodingExists } from '../text/encodings.js';
import { expandRemotePath } from './support/remote-path.js';

const delimiter = (description: string) => Type.Optional(Type.String({ description }));

export default defineModule({
  name: 'template',
  description:
    "Renders a template from the role's templates/ with the task's variables and puts it on the host like copy: Jinja2 as in Ansible, or Handlebars for a .hbs file.",
  args: Type.Object(
    {
      src: Type.String({ description: "The template on the controller: looked up in the role's templates/, then the playbook's templates/ and directory." }),
      dest: Type.String({ description: "Path of the rendered file on the host (a directory: the file keeps the template's name)." }),
      force: Type.Boolean({ default: true, description: 'false: write the file only when it does not exist yet.' }),
      ...writeArgs,
      follow: Type.Boolean({ default: false, description: 'When dest is a symbolic link, write to what it points to (false: replace the link).' }),
      trim_blocks: Type.Boolean({ default: true, description: 'Jinja2: drop the first newline after a {% block %} tag, as Ansible does by default.' }),
      lstrip_blocks: Type.Boolean({ default: false, description: 'Jinja2: strip spaces and tabs before a {% block %} tag at the start of a line.' }),
      block_start_string: delimiter("Jinja2: what opens a block instead of '{%'."),
      block_end_string: delimiter("Jinja2: what closes a block instead of '%}'."),
      variable_start_string: delimiter("Jinja2: what opens an expression instead of '{{'."),
      variable_end_string: delimiter("Jinja2: what closes an expression instead of '}}'."),
      comment_start_string: delimiter("Jinja2: what opens a comment instead of '{#'."),
      comment_end_string: delimiter("Jinja2: what closes a comment instead of '#}'."),
      // Written '\r\n' in single quotes, YAML keeps the backslashes: Ansible takes both spellings.
      newline_sequence: Type.Enum(['\n', '\r', '\r\n', '\\n', '\\r', '\\r\\n'], {
        default: '\n',
        description: "The line ending written: '\\n', '\\r' or '\\r\\n'.",
      }),
      output_encoding: Type.String({
        default: 'utf-8',
        description: "The encoding the file is written in ('utf-8', 'windows-1252', 'utf-16', ...); the template itself is read as UTF-8.",
      }),
      ...attributesArgs,
      mode: Type.Optional(
        Type.Union([Type.String(), Type.Integer()], {
          description:
            "Permissions: octal ('0644'), symbolic ('u+rw,g-w'), or 'preserve' (the template file's). Left as it is when not given (a new file: 0644).",
        }),
      ),
    },
    { additionalProperties: false },
  ),
  returns: {
    dest: { description: 'The destination path.', type: 'string' },
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
    const encoding = args.output_encoding || 'utf-8';
    if (!encodingExists(encoding)) return { changed: false, failed: true, msg: `unknown output_encoding '${args.output_encoding}'` };
    const file = await ctx.findLocalFile('templates', args.src);
    const tags = {
      blockStart: args.block_start_string,
      blockEnd: args.block_end_string,
      variableStart: args.variable_start_string,
      variableEnd: args.variable_end_string,
      commentStart: args.comment_start_string,
      commentEnd: args.comment_end_string,
    };
    const given = Object.values(tags).some((value) => value !== undefined);
    const dest = await expandRemotePath(ctx, args.dest);
    const rendered = await ctx.renderTemplateFile(
      file,
      { trimBlocks: args.trim_blocks, lstripBlocks: args.lstrip_blocks, ...(given ? { tags } : {}) },
      { template_destpath: dest },
    );
    const newline = args.newline_sequence.replaceAll('\\n', '\n').replaceAll('\\r', '\r');
    const text = newline === '\n' ? rendered : rendered.replace(/\n/g, newline);
    const content = encodeText(text, encoding);
    const copy = { ...args, dest, remote_src: false, local_follow: true, decrypt: false } as CopyArgs & { dest: string };
    return placeFile(copy, ctx, { content, mode: (await stat(file)).mode, path: file, name: posix.basename(args.src) });
  },
});
