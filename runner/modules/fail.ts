import Type from 'typebox';
import { defineModule } from './module.js';

export default defineModule({
  name: 'fail',
  description: 'Fails the host with a message (usually under a when).',
  args: Type.Object({ msg: Type.String({ default: 'Failed as requested from task', description: 'Why the host fails.' }) }, { additionalProperties: false }),
  returns: { msg: { description: 'The message.', type: 'string' } },
  examples: [
    {
      description: 'Stop a host that is not Ubuntu or Debian.',
      task: 'fail:\n  msg: This role supports Ubuntu and Debian only\nwhen: ansible_os_family != "Debian"',
    },
  ],
  freeForm: 'msg',
  checkMode: 'full',
  async plan(args) {
    return { changed: false, failed: true, msg: args.msg };
  },
});
