import { defineModule } from './module.js';

interface AssertArgs {
  that: string | boolean | Array<string | boolean>;
  fail_msg?: string;
  success_msg?: string;
}

export default defineModule<AssertArgs>({
  name: 'assert',
  description: "Fails the host unless every condition in 'that' holds.",
  args: {
    type: 'object',
    additionalProperties: false,
    required: ['that'],
    properties: { that: { anyOf: [{ type: ['string', 'boolean'] }, { type: 'array', items: { type: ['string', 'boolean'] } }] }, fail_msg: { type: 'string' }, success_msg: { type: 'string' }, msg: { type: 'string' } },
  },
  checkMode: 'full',
  async run(args, ctx) {
    for (const condition of Array.isArray(args.that) ? args.that : [args.that]) {
      if (!ctx.conditionsHold([condition])) {
        return { changed: false, failed: true, assertion: condition, msg: args.fail_msg ?? `Assertion failed: ${String(condition)}` };
      }
    }
    return { changed: false, msg: args.success_msg ?? 'All assertions passed' };
  },
});
