import Type from 'typebox';
import { parseSystemFacts, systemFactsCommand } from '../facts/system.js';
import { shellQuote } from '../shell/quote.js';
import { defineModule, type ModuleDeclaration } from './module.js';
import { fnmatch } from './support/fnmatch.js';

/** The subsets Ansible's setup knows (its collectors and their groups); each may be negated with '!'. */
const SUBSETS = new Set([
  'all',
  'min',
  'hardware',
  'network',
  'virtual',
  'ohai',
  'facter',
  'apparmor',
  'caps',
  'chroot',
  'cmdline',
  'date_time',
  'devices',
  'distribution',
  'dmi',
  'dns',
  'env',
  'fips',
  'interfaces',
  'local',
  'lsb',
  'mounts',
  'os_family',
  'pkg_mgr',
  'platform',
  'python',
  'selinux',
  'service_mgr',
  'ssh_pub_keys',
  'system',
  'user',
]);

const args = Type.Object(
  {
    gather_subset: Type.Array(Type.String(), {
      default: ['all'],
      description:
        "Which facts to read, as Ansible names its subsets ('all', 'min', 'network', '!hardware', ...). Every subset is read in the same round trip.",
    }),
    gather_timeout: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: "Seconds the reading may take; no limit unless given (a host whose name does not resolve can take long to answer 'hostname -f').",
      }),
    ),
    filter: Type.Array(Type.String(), { default: [], description: "Keep only the facts whose names match one of these shell patterns ('ansible_eth*')." }),
    fact_path: Type.String({
      default: '/etc/ansible/facts.d',
      description: 'Where local facts (NAME.fact files, JSON or INI, or programs printing JSON) are read from.',
    }),
  },
  { additionalProperties: false },
);

/** setup and gather_facts: one reading of the host's facts, as the play's fact gathering does it. */
function factsModule(name: string, description: string): ModuleDeclaration {
  return defineModule({
    name,
    description,
    args,
    returns: { ansible_facts: { description: "The facts, named as Ansible's setup names them (ansible_hostname, ansible_distribution, ...).", type: 'dict' } },
    examples: [{ description: 'Read the network facts again after changing an address.', task: `${name}:\n  gather_subset: [network]` }],
    checkMode: 'full',
    async plan(given, ctx) {
      const unknown = given.gather_subset.map((subset) => subset.replace(/^!/, '')).find((subset) => !SUBSETS.has(subset));
      if (unknown !== undefined)
        return {
          changed: false,
          failed: true,
          msg: `Bad subset '${unknown}' given to Ansible. gather_subset options allowed: ${[...SUBSETS].sort().join(', ')}`,
        };
      const command = systemFactsCommand(given.fact_path);
      const output = await ctx.run(given.gather_timeout === undefined ? command : `timeout ${given.gather_timeout} sh -c ${shellQuote(command)}`);
      if (given.gather_timeout !== undefined && output.rc === 124)
        return { changed: false, failed: true, msg: `reading the facts took longer than gather_timeout (${given.gather_timeout} s)` };
      if (output.rc !== 0) return { changed: false, failed: true, msg: `reading the facts failed (rc ${output.rc}): ${output.stderr.trim()}` };
      const facts = Object.entries(parseSystemFacts(output.stdout)).filter(
        ([key]) => given.filter.length === 0 || given.filter.some((pattern) => fnmatch(key, pattern)),
      );
      const gathered = Object.fromEntries(facts);
      return { changed: false, ansible_facts: gathered, gatheredFacts: gathered };
    },
  }) as ModuleDeclaration;
}

export const setup = factsModule(
  'setup',
  "Reads the host's facts (OS, network, hardware, user, Python, local facts) into ansible_facts, as the play's fact gathering does.",
);
export const gatherFacts = factsModule(
  'gather_facts',
  "Reads the host's facts, as Ansible's gather_facts action does: what a play's gather_facts runs before its first task.",
);
