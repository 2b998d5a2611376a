import Type from 'typebox';
import { defineModule, listArgument } from './module.js';

export default defineModule({
  name: 'group_by',
  description: "Puts the host into a group named by a key (a fact, say), in the run's in-memory inventory; later plays can target that group.",
  args: Type.Object(
    {
      key: Type.String({ description: "The group's name (spaces become dashes)." }),
      parents: Type.Union([Type.String(), Type.Array(Type.String())], { default: ['all'], description: 'Groups the new group belongs to.' }),
    },
    { additionalProperties: false },
  ),
  returns: {
    add_group: { description: "The group's name.", type: 'string' },
    parent_groups: { description: 'Its parent groups.', type: 'list' },
  },
  examples: [{ description: 'Group the hosts by distribution.', task: 'group_by:\n  key: os_{{ ansible_facts.distribution | lower }}' }],
  checkMode: 'full',
  async plan(args) {
    return { changed: false, add_group: args.key.replace(/ /g, '-'), parent_groups: listArgument(args.parents) };
  },
});
