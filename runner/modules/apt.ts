import { join } from 'shlex';
import Type, { type Static } from 'typebox';
import { aptStateCommand, parseAptState, type AptState } from '../facts/apt.js';
import { defineModule, type ModuleContext, type Step } from './module.js';

const aptArgs = Type.Object(
  {
    name: Type.Optional(
      Type.Union([Type.String(), Type.Array(Type.String())], {
        description: 'Package names: a list, or one string (commas separate several).',
        aliases: ['package', 'pkg'],
      }),
    ),
    state: Type.Enum(['present', 'absent', 'latest'], {
      default: 'present',
      description: "'present': installed in any version; 'latest': upgraded to the candidate; 'absent': removed.",
    }),
    update_cache: Type.Boolean({ default: false, description: 'Refresh the package lists first (apt-get update).', aliases: ['update-cache'] }),
    cache_valid_time: Type.Optional(
      Type.Integer({ minimum: 0, description: 'With update_cache: refresh only when the lists are older than this many seconds.' }),
    ),
    upgrade: Type.Enum(['no', 'yes', 'safe', 'dist', 'full'], {
      default: 'no',
      description: "Upgrade every package: 'yes'/'safe' as apt-get upgrade, 'dist'/'full' as dist-upgrade.",
    }),
    install_recommends: Type.Optional(
      Type.Boolean({ description: "Install recommended packages too; apt's own setting when not given.", aliases: ['install-recommends'] }),
    ),
  },
  { additionalProperties: false },
);

export type AptArgs = Static<typeof aptArgs>;

/** apt waits for a lock held by another apt (unattended-upgrades after boot) instead of failing. */
const APT = 'DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold';

export interface AptPlan {
  updateCache: boolean;
  install: string[];
  remove: string[];
  unknown: string[];
}

/** What apt must do, from the packages' state: a pure comparison. */
export function planApt(args: AptArgs, state: AptState, names: string[]): AptPlan {
  const plan: AptPlan = { updateCache: false, install: [], remove: [], unknown: [] };
  if (args.update_cache) plan.updateCache = args.cache_valid_time === undefined || state.cacheAge > args.cache_valid_time;
  for (const name of names) {
    const pkg = state.packages[name] ?? {};
    const wanted = args.state;
    if (wanted === 'absent') {
      if (pkg.installed) plan.remove.push(name);
    } else if (!pkg.installed || (wanted === 'latest' && pkg.candidate && pkg.candidate !== pkg.installed)) {
      if (!pkg.candidate && !plan.updateCache) plan.unknown.push(name);
      else plan.install.push(name);
    }
  }
  return plan;
}

/** Packages an upgrade would change, read from apt-get's simulation ('Inst' lines). */
async function pendingUpgrades(ctx: ModuleContext, verb: string): Promise<string[]> {
  const simulated = await ctx.read('simulating the upgrade', `${APT} -s ${verb}`);
  return simulated
    .split('\n')
    .filter((line) => line.startsWith('Inst '))
    .map((line) => line.split(' ')[1]);
}

export default defineModule({
  name: 'apt',
  description: 'Installs, upgrades or removes Debian/Ubuntu packages; refreshes the package lists when older than cache_valid_time.',
  args: aptArgs,
  returns: {
    cache_updated: { description: 'Whether the package lists were (or would be) refreshed.', type: 'boolean' },
    installed: { description: 'Packages installed or upgraded.', type: 'list' },
    removed: { description: 'Packages removed.', type: 'list' },
    upgraded: { description: "Packages the 'upgrade' argument upgraded.", type: 'list' },
  },
  examples: [
    {
      description: 'Install packages, refreshing the lists when they are more than an hour old.',
      task: 'apt:\n  name: [curl, ca-certificates]\n  update_cache: true\n  cache_valid_time: 3600',
    },
    { description: 'Remove a package.', task: 'apt:\n  name: example-tool\n  state: absent' },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    const names = args.name === undefined ? [] : Array.isArray(args.name) ? args.name : args.name.split(',').map((n) => n.trim());
    const state = parseAptState(await ctx.read('reading the packages', aptStateCommand(names)));
    const plan = planApt(args, state, names);
    if (plan.unknown.length)
      return { changed: false, failed: true, msg: `no package named ${plan.unknown.join(', ')} is known to apt (run with update_cache: true?)` };
    const recommends = args.install_recommends === undefined ? '' : args.install_recommends ? ' --install-recommends' : ' --no-install-recommends';
    const upgradeVerb = args.upgrade === 'dist' || args.upgrade === 'full' ? 'dist-upgrade' : 'upgrade';
    const upgraded = args.upgrade !== 'no' ? await pendingUpgrades(ctx, upgradeVerb) : [];
    const steps: Step[] = [
      ...(plan.updateCache
        ? [{ what: 'apt-get update', command: `${APT} update && mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/update-success-stamp` }]
        : []),
      ...(plan.install.length ? [{ what: `apt-get install ${plan.install.join(' ')}`, command: `${APT}${recommends} install -- ${join(plan.install)}` }] : []),
      ...(plan.remove.length ? [{ what: `apt-get remove ${plan.remove.join(' ')}`, command: `${APT} remove -- ${join(plan.remove)}` }] : []),
      ...(upgraded.length ? [{ what: `apt-get ${upgradeVerb}`, command: `${APT} ${upgradeVerb}` }] : []),
    ];
    return { changed: steps.length > 0, cache_updated: plan.updateCache, installed: plan.install, removed: plan.remove, upgraded, steps };
  },
});
