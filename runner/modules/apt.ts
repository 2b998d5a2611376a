import { join } from 'shlex';
import Type, { type Static } from 'typebox';
import { aptStateCommand, parseAptState, type AptState } from '../facts/apt.js';
import { shellQuote } from '../shell/quote.js';
import { defineModule, type ModuleContext, type Step } from './module.js';
import { fnmatch } from './support/fnmatch.js';

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
    purge: Type.Boolean({ default: false, description: "Removing also removes the packages' configuration files." }),
    autoremove: Type.Boolean({ default: false, description: 'Also remove packages installed as dependencies that nothing needs any more.' }),
    autoclean: Type.Boolean({ default: false, description: 'Remove downloaded package files that can no longer be downloaded.' }),
    clean: Type.Boolean({ default: false, description: 'Empty the cache of downloaded package files (always a change, as in Ansible).' }),
    allow_downgrade: Type.Boolean({
      default: false,
      description: 'Install a pinned version older than the installed one.',
      aliases: ['allow-downgrade', 'allow_downgrades', 'allow-downgrades'],
    }),
    allow_unauthenticated: Type.Boolean({ default: false, description: 'Install packages that cannot be authenticated.', aliases: ['allow-unauthenticated'] }),
    allow_change_held_packages: Type.Boolean({ default: false, description: 'Install or remove packages that are held.' }),
    force: Type.Boolean({
      default: false,
      description: 'Allow downgrades, removing essential packages and changing held ones (what apt-get --force-yes did).',
    }),
    only_upgrade: Type.Boolean({ default: false, description: 'Upgrade the named packages that are installed; install none.' }),
    default_release: Type.Optional(Type.String({ description: 'The release to install from (apt-get -t), for backports.', aliases: ['default-release'] })),
    dpkg_options: Type.String({
      default: 'force-confdef,force-confold',
      description: "dpkg's options, comma separated: by default an old configuration file is kept.",
    }),
    lock_timeout: Type.Integer({ default: 60, description: 'Seconds to wait for a lock another apt holds (unattended-upgrades after boot).' }),
    force_apt_get: Type.Boolean({ default: false, description: 'Use apt-get rather than aptitude: this runner always uses apt-get.' }),
    fail_on_autoremove: Type.Boolean({ default: false, description: 'Fail rather than remove packages an install would remove.' }),
  },
  { additionalProperties: false },
);

export type AptArgs = Static<typeof aptArgs>;

/** apt-get without questions; it waits lock_timeout for a lock another apt holds instead of failing. */
const aptGet = (args: Pick<AptArgs, 'lock_timeout' | 'dpkg_options'>) =>
  [
    'DEBIAN_FRONTEND=noninteractive apt-get -y -q',
    `-o DPkg::Lock::Timeout=${args.lock_timeout}`,
    ...args.dpkg_options
      .split(',')
      .map((option) => option.trim())
      .filter(Boolean)
      .map((option) => `-o Dpkg::Options::=${shellQuote(`--${option}`)}`),
  ].join(' ');

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
    // 'nginx=1.24*': a version (an fnmatch pattern, as Ansible matches it) the installed one must have.
    const [pkgName, version] = name.split('=', 2);
    const pkg = state.packages[pkgName] ?? {};
    const matches = pkg.installed !== undefined && (version === undefined || fnmatch(pkg.installed, version));
    const wanted = args.state;
    if (wanted === 'absent') {
      if (matches) plan.remove.push(pkgName);
    } else if (args.only_upgrade && !pkg.installed) continue;
    else if (!matches || (wanted === 'latest' && pkg.candidate && pkg.candidate !== pkg.installed)) {
      if (!pkg.candidate && !plan.updateCache) plan.unknown.push(pkgName);
      else plan.install.push(version !== undefined && wanted !== 'latest' ? `${pkgName}=${version}` : pkgName);
    }
  }
  return plan;
}

/** What apt-get would do, from its simulation: the packages of its 'Inst', 'Remv' or 'Del' lines. */
async function simulated(ctx: ModuleContext, apt: string, verb: string, kind: 'Inst' | 'Remv' | 'Del'): Promise<string[]> {
  const output = await ctx.read(`simulating apt-get ${verb}`, `${apt} -s ${verb}`);
  return output
    .split('\n')
    .filter((line) => line.startsWith(`${kind} `))
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
    const state = parseAptState(await ctx.read('reading the packages', aptStateCommand(names.map((name) => name.split('=')[0]))));
    const plan = planApt(args, state, names);
    if (plan.unknown.length)
      return { changed: false, failed: true, msg: `no package named ${plan.unknown.join(', ')} is known to apt (run with update_cache: true?)` };
    const APT = aptGet(args);
    const flags = [
      args.install_recommends === undefined ? '' : args.install_recommends ? '--install-recommends' : '--no-install-recommends',
      args.allow_downgrade || args.force ? '--allow-downgrades' : '',
      args.allow_unauthenticated ? '--allow-unauthenticated' : '',
      args.allow_change_held_packages || args.force ? '--allow-change-held-packages' : '',
      args.force ? '--allow-remove-essential' : '',
      args.only_upgrade ? '--only-upgrade' : '',
      args.fail_on_autoremove ? '--no-remove' : '',
      args.default_release !== undefined ? `-t ${shellQuote(args.default_release)}` : '',
      args.autoremove && names.length ? '--auto-remove' : '',
    ]
      .filter(Boolean)
      .map((flag) => ` ${flag}`)
      .join('');
    const purge = args.purge ? ' --purge' : '';
    const upgradeVerb = args.upgrade === 'dist' || args.upgrade === 'full' ? 'dist-upgrade' : 'upgrade';
    const upgraded = args.upgrade !== 'no' ? await simulated(ctx, APT, upgradeVerb, 'Inst') : [];
    // Without package names, autoremove and autoclean are their own runs of apt-get, changed when they would remove something.
    const autoremoved = args.autoremove && names.length === 0 ? await simulated(ctx, `${APT}${purge}`, 'autoremove', 'Remv') : [];
    const autocleaned = args.autoclean ? await simulated(ctx, APT, 'autoclean', 'Del') : [];
    const steps: Step[] = [
      ...(args.clean ? [{ what: 'apt-get clean', command: `${APT} clean` }] : []),
      ...(plan.updateCache
        ? [{ what: 'apt-get update', command: `${APT} update && mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/update-success-stamp` }]
        : []),
      ...(plan.install.length ? [{ what: `apt-get install ${plan.install.join(' ')}`, command: `${APT}${flags} install -- ${join(plan.install)}` }] : []),
      ...(plan.remove.length ? [{ what: `apt-get remove ${plan.remove.join(' ')}`, command: `${APT}${flags}${purge} remove -- ${join(plan.remove)}` }] : []),
      ...(upgraded.length ? [{ what: `apt-get ${upgradeVerb}`, command: `${APT}${flags} ${upgradeVerb}` }] : []),
      ...(autoremoved.length ? [{ what: 'apt-get autoremove', command: `${APT}${purge} autoremove` }] : []),
      ...(autocleaned.length ? [{ what: 'apt-get autoclean', command: `${APT} autoclean` }] : []),
    ];
    return {
      changed: steps.length > 0,
      cache_updated: plan.updateCache,
      installed: plan.install,
      removed: [...plan.remove, ...autoremoved],
      upgraded,
      steps,
    };
  },
});
