import { defineModule } from './module.js';

export default defineModule<{ msg?: string }>({
  name: 'fail',
  description: 'Fails the host with a message (usually under a when).',
  args: { type: 'object', additionalProperties: false, properties: { msg: { type: 'string' } } },
  freeForm: 'msg',
  checkMode: 'full',
  async run(args) {
    return { changed: false, failed: true, msg: args.msg ?? 'Failed as requested from task' };
  },
});
