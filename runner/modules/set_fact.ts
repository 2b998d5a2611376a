import Type from 'typebox';
import { defineModule } from './module.js';

export default defineModule({
  name: 'set_fact',
  description: 'Sets variables for this host, above inventory and play vars (like a registered result).',
  args: Type.Object(
    {},
    {
      minProperties: 1,
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      additionalProperties: Type.Unknown({ description: 'Each key is a variable to set, to its value.' }),
    },
  ),
  returns: {},
  examples: [{ description: 'Compute a value once and use it in later tasks.', task: 'set_fact:\n  api_url: "https://{{ ansible_host }}:6443"' }],
  checkMode: 'full',
  async plan(args) {
    return { changed: false, facts: { ...args } };
  },
});
