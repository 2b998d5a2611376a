import Type from 'typebox';
import { packagesCommand, parsePackages } from '../facts/packages.js';
import { defineModule, listArgument } from './module.js';

export default defineModule({
  name: 'package_facts',
  description:
    "Reads the host's installed packages (dpkg's, on Debian and Ubuntu) into ansible_facts.packages (and packages): by name, a list of each installed version, as Ansible's package_facts.",
  args: Type.Object(
    {
      manager: Type.Union([Type.Array(Type.String()), Type.String()], {
        default: ['auto'],
        description: "The package manager: 'auto' or 'apt' (the one this runner reads).",
      }),
      strategy: Type.Enum(['first', 'all'], {
        default: 'first',
        description: 'With several managers: the first that answers, or all; here apt is the only one.',
      }),
    },
    { additionalProperties: false },
  ),
  returns: { ansible_facts: { description: 'packages: by name, a list of {name, version, arch, category, source}.', type: 'dict' } },
  examples: [{ description: "Check a package's version before relying on it.", task: 'package_facts:\n  manager: auto' }],
  checkMode: 'full',
  async plan(args, ctx) {
    const managers = listArgument(args.manager);
    if (!managers.some((manager) => manager === 'auto' || manager === 'apt'))
      return {
        changed: false,
        failed: true,
        msg: `Could not detect a supported package manager from the following list: ${managers.join(', ')}; this runner reads apt's (dpkg) packages.`,
      };
    const output = await ctx.run(packagesCommand);
    if (output.rc !== 0)
      return { changed: false, failed: true, msg: `Could not detect a supported package manager: dpkg-query failed: ${output.stderr.trim()}` };
    const packages = parsePackages(output.stdout);
    return { changed: false, ansible_facts: { packages }, gatheredFacts: { packages } };
  },
});
