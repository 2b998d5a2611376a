import Type from 'typebox';
import { defineModule } from './module.js';

// An empty list item (null) holds, as an empty conditional does in Ansible.
const condition = Type.Union([Type.String(), Type.Boolean(), Type.Null()]);

export default defineModule({
  name: 'assert',
  description: "Fails the host unless every condition in 'that' holds.",
  args: Type.Object(
    {
      that: Type.Union([condition, Type.Array(condition)], { description: 'Conditions, written as in when: all must hold.' }),
      fail_msg: Type.Optional(Type.String({ description: 'The message when one does not hold.', aliases: ['msg'] })),
      success_msg: Type.String({ default: 'All assertions passed', description: 'The message when all hold.' }),
      quiet: Type.Boolean({ default: false, description: 'No message when all hold.' }),
    },
    { additionalProperties: false },
  ),
  returns: {
    assertion: { description: 'The first condition that did not hold.', type: 'string' },
    msg: { description: 'fail_msg or success_msg.', type: 'string' },
  },
  examples: [
    {
      description: 'Check a variable before using it.',
      task: 'assert:\n  that:\n    - k3s_version is defined\n    - k3s_version != ""\n  fail_msg: set k3s_version in the inventory',
      given: { k3s_version: 'v1.31.4+k3s1' },
    },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    for (const condition of Array.isArray(args.that) ? args.that : [args.that]) {
      if (condition !== null && !ctx.conditionsHold([condition])) {
        return { changed: false, failed: true, assertion: condition, msg: args.fail_msg ?? `Assertion failed: ${String(condition)}` };
      }
    }
    return args.quiet ? { changed: false } : { changed: false, msg: args.success_msg };
  },
});
