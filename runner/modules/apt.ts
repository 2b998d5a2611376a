import { join } from 'shlex';
import { aptStateCommand, parseAptState, type AptState } from '../facts/apt.js';
import { defineModule, type ModuleContext, type ModuleResult } from './module.js';

export interface AptArgs {
  name?: string | string[];
  state?: 'present' | 'absent' | 'latest';
  update_cache?: boolean;
  cache_valid_time?: number;
  upgrade?: 'no' | 'yes' | 'safe' | 'dist' | 'full';
  install_recommends?: boolean;
}

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
    const wanted = args.state ?? 'present';
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
async function pendingUpgrades(ctx: ModuleContext, mode: string): Promise<string[]> {
  const simulated = await ctx.run(`${APT} -s ${mode === 'dist' || mode === 'full' ? 'dist-upgrade' : 'upgrade'}`);
  return simulated.stdout.split('\n').filter((line) => line.startsWith('Inst ')).map((line) => line.split(' ')[1]);
}

export default defineModule<AptArgs>({
  name: 'apt',
  description: 'Installs, upgrades or removes Debian/Ubuntu packages; refreshes the package lists when older than cache_valid_time.',
  args: {
    type: 'object',
    additionalProperties: false,
    properties: {
      name: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
      state: { enum: ['present', 'absent', 'latest'] },
      update_cache: { type: 'boolean' },
      cache_valid_time: { type: 'integer', minimum: 0 },
      upgrade: { enum: ['no', 'yes', 'safe', 'dist', 'full'] },
      install_recommends: { type: 'boolean' },
    },
  },
  checkMode: 'full',
  async run(args, ctx) {
    const names = args.name === undefined ? [] : Array.isArray(args.name) ? args.name : args.name.split(',').map((n) => n.trim());
    const read = await ctx.run(aptStateCommand(names));
    const state = parseAptState(read.stdout);
    const plan = planApt(args, state, names);
    if (plan.unknown.length) return { changed: false, failed: true, msg: `no package named ${plan.unknown.join(', ')} is known to apt (run with update_cache: true?)` };
    const changed = plan.updateCache || plan.install.length > 0 || plan.remove.length > 0;
    const result: ModuleResult = { changed, cache_updated: plan.updateCache, installed: plan.install, removed: plan.remove };
    if (ctx.check) {
      const upgradeList = args.upgrade && args.upgrade !== 'no' ? await pendingUpgrades(ctx, args.upgrade) : [];
      return { ...result, changed: changed || upgradeList.length > 0, upgraded: upgradeList };
    }
    const steps: string[] = [];
    if (plan.updateCache) steps.push(`${APT} update && mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/update-success-stamp`);
    const recommends = args.install_recommends === undefined ? '' : args.install_recommends ? ' --install-recommends' : ' --no-install-recommends';
    if (plan.install.length) steps.push(`${APT}${recommends} install -- ${join(plan.install)}`);
    if (plan.remove.length) steps.push(`${APT} remove -- ${join(plan.remove)}`);
    for (const step of steps) {
      const done = await ctx.run(step);
      if (done.rc !== 0) return { ...result, changed: false, failed: true, msg: `apt-get failed (rc ${done.rc}): ${done.stderr.trim().split('\n').slice(-5).join(' ')}` };
    }
    if (args.upgrade && args.upgrade !== 'no') {
      const pending = await pendingUpgrades(ctx, args.upgrade);
      if (pending.length) {
        const done = await ctx.run(`${APT} ${args.upgrade === 'dist' || args.upgrade === 'full' ? 'dist-upgrade' : 'upgrade'}`);
        if (done.rc !== 0) return { ...result, failed: true, msg: `apt-get upgrade failed: ${done.stderr.trim().split('\n').slice(-5).join(' ')}` };
      }
      return { ...result, changed: changed || pending.length > 0, upgraded: pending };
    }
    return result;
  },
});
