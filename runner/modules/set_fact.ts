import Type from 'typebox';
import { isJinja2Native } from '../jinja/templar.js';
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
    // cacheable says how Ansible keeps the facts (there is no fact cache here); it is no fact itself.
    const { cacheable: _cacheable, ...given } = args as Record<string, unknown>;
    // As Ansible's set_fact does without jinja2_native: the words true, false, yes and no become booleans.
    const facts = Object.fromEntries(
      Object.entries(given).map(([name, value]) => {
        const word = typeof value === 'string' && !isJinja2Native() ? value.toLowerCase() : undefined;
        return [name, word === 'true' || word === 'yes' ? true : word === 'false' || word === 'no' ? false : value];
      }),
    );
    return { changed: false, ansible_facts: facts, facts };
  },
});
