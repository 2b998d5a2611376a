import Type from 'typebox';
import apt from './apt.js';
import { argumentDefaults, defineModule } from './module.js';

export default defineModule({
  name: 'package',
  description:
    "Installs or removes packages with the host's package manager: apt, on the Debian and Ubuntu hosts this runner supports (Ansible's generic package module).",
  args: Type.Object(
    {
      name: Type.Union([Type.String(), Type.Array(Type.String())], { description: 'A package or a list of them.' }),
      state: Type.Enum(['present', 'absent', 'latest', 'installed', 'removed'], {
        default: 'present',
        description: "'present'/'installed', 'absent'/'removed', or 'latest'.",
      }),
      use: Type.String({ default: 'auto', description: "The package manager: 'auto' or 'apt'." }),
      // The other arguments go to the package manager's module, as Ansible's package passes them (apt's here).
      ...Object.fromEntries(Object.entries(apt.args.properties).filter(([key]) => key !== 'name' && key !== 'state')),
    },
    { additionalProperties: false },
  ),
  returns: {},
  examples: [{ description: 'Make sure curl is installed.', task: 'package:\n  name: curl\n  state: present' }],
  checkMode: 'full',
  async plan(args, ctx) {
    if (args.use !== 'auto' && args.use !== 'apt')
      return { changed: false, failed: true, msg: `use: ${args.use}: this runner drives apt only (Debian and Ubuntu hosts)` };
    const { use: _use, ...given } = args;
    const state = args.state === 'installed' ? 'present' : args.state === 'removed' ? 'absent' : args.state;
    // apt's own defaults for what package does not say, as a task without them gets.
    return apt.plan({ ...argumentDefaults(apt), ...given, state }, ctx);
  },
});
