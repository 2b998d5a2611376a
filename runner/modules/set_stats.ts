import Type from 'typebox';
import { defineModule } from './module.js';

export default defineModule({
  name: 'set_stats',
  description: 'Sets custom statistics for the run (data), per host or for all, added up or replaced; they travel in the result as ansible_stats.',
  args: Type.Object(
    {
      data: Type.Record(Type.String(), Type.Unknown(), { description: 'The statistics to set.' }),
      per_host: Type.Boolean({ default: false, description: 'Keep them per host instead of for the whole run.' }),
      aggregate: Type.Boolean({ default: true, description: 'Add to earlier values instead of replacing them.' }),
    },
    { additionalProperties: false },
  ),
  returns: { ansible_stats: { description: 'data, per_host and aggregate as given.', type: 'dict' } },
  examples: [{ description: 'Count what a role did.', task: 'set_stats:\n  data:\n    nodes_joined: 1' }],
  checkMode: 'full',
  async plan(args) {
    return { changed: false, ansible_stats: { data: args.data, per_host: args.per_host, aggregate: args.aggregate } };
  },
});
