import { posix } from 'node:path';
import Type from 'typebox';
import { shellQuote } from '../shell/quote.js';
import { defineModule } from './module.js';

export default defineModule({
  name: 'tempfile',
  description: 'Creates a new temporary file or directory on the host (mktemp) and returns its path; a new one every run.',
  args: Type.Object(
    {
      state: Type.Enum(['file', 'directory'], { default: 'file', description: 'A file or a directory.' }),
      path: Type.Optional(Type.String({ description: "Where to create it (default: the host's TMPDIR, else /tmp)." })),
      prefix: Type.String({ default: 'ansible.', description: 'Start of the name.' }),
      suffix: Type.String({ default: '', description: 'End of the name.' }),
    },
    { additionalProperties: false },
  ),
  returns: { path: { description: 'The path created.', type: 'string' } },
  examples: [{ description: 'A scratch directory for a download.', task: 'tempfile:\n  state: directory\n  suffix: .build\nregister: scratch' }],
  // Nothing to predict: the name is mktemp's.
  checkMode: 'none',
  async plan(args) {
    const dir = args.path ?? '${TMPDIR:-/tmp}';
    const template = `${args.prefix.replaceAll('/', '_')}XXXXXXXX`;
    const where = args.path !== undefined ? shellQuote(posix.join(args.path, template)) : `"${dir}"/${shellQuote(template)}`;
    return {
      changed: true,
      state: args.state,
      steps: [
        {
          what: `creating a temporary ${args.state}`,
          command: `mktemp ${args.state === 'directory' ? '-d ' : ''}--suffix=${shellQuote(args.suffix)} ${where}`,
          interpret: (output) =>
            output.rc === 0 ? { path: output.stdout.trim() } : { failed: true, msg: `Failed to create temporary ${args.state}: ${output.stderr.trim()}` },
        },
      ],
    };
  },
});
