import { defineModule } from './module.js';

export default defineModule<Record<string, unknown>>({
  name: 'set_fact',
  description: 'Sets variables for this host, above inventory and play vars (like a registered result).',
  args: { type: 'object', minProperties: 1, propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } },
  checkMode: 'full',
  async run(args) {
    return { changed: false, facts: args };
  },
});
