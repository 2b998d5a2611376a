import { shellQuote } from '../connection/command-line.js';
import { parseUnitState, unitStateCommand, type UnitState } from '../facts/systemd.js';
import { defineModule, type ModuleDefinition } from './module.js';

export interface SystemdArgs {
  name?: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
  daemon_reload?: boolean;
  /** Ask systemd to act and return at once, without waiting for the unit to get there (Ansible's no_block). */
  no_block?: boolean;
}

/** systemctl verbs that bring the unit to the wanted state; restarted and reloaded always act, as in Ansible. */
export function planUnit(args: SystemdArgs, unit: UnitState): string[] | Error {
  if (unit.loadState === 'not-found') return new Error(`the unit ${args.name} was not found`);
  const verbs: string[] = [];
  const running = ['active', 'activating', 'reloading'].includes(unit.activeState);
  if (args.enabled === true && !['enabled', 'enabled-runtime', 'static', 'indirect', 'generated', 'alias'].includes(unit.unitFileState)) verbs.push('enable');
  if (args.enabled === false && ['enabled', 'enabled-runtime'].includes(unit.unitFileState)) verbs.push('disable');
  if (args.state === 'started' && !running) verbs.push('start');
  if (args.state === 'stopped' && running) verbs.push('stop');
  if (args.state === 'restarted') verbs.push('restart');
  if (args.state === 'reloaded') verbs.push(running ? 'reload' : 'start');
  return verbs;
}

const describe = (unit: UnitState) => `active: ${unit.activeState}\nenabled: ${unit.unitFileState || 'n/a'}\n`;

export function defineSystemdModule(name: string): ModuleDefinition {
  return defineModule<SystemdArgs>({
    name,
    description: 'Starts, stops, restarts or reloads a systemd unit, enables or disables it, and reloads unit files.',
    args: {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string' },
        state: { enum: ['started', 'stopped', 'restarted', 'reloaded'] },
        enabled: { type: 'boolean' },
        daemon_reload: { type: 'boolean' },
        no_block: { type: 'boolean' },
      },
    },
    checkMode: 'full',
    async run(args, ctx) {
      // Reloading unit files changes no unit's state, so it is not reported as a change (as in Ansible).
      if (args.daemon_reload && !ctx.check) {
        const reload = await ctx.run('systemctl daemon-reload');
        if (reload.rc !== 0) return { changed: false, failed: true, msg: `systemctl daemon-reload failed: ${reload.stderr.trim()}` };
      }
      if (args.name === undefined) {
        return args.state || args.enabled !== undefined ? { changed: false, failed: true, msg: "state and enabled need 'name'" } : { changed: false };
      }
      const read = await ctx.run(unitStateCommand(args.name));
      if (read.rc !== 0) return { changed: false, failed: true, msg: `systemctl show ${args.name} failed: ${read.stderr.trim() || read.stdout.trim()}` };
      const unit = parseUnitState(read.stdout);
      const verbs = planUnit(args, unit);
      if (verbs instanceof Error) return { changed: false, failed: true, msg: verbs.message };
      const result = { changed: verbs.length > 0, name: args.name, status: unit, actions: verbs };
      if (verbs.length === 0 || ctx.check) return { ...result, diff: verbs.length && ctx.diff ? [{ path: args.name, before: describe(unit), after: `would: ${verbs.join(', ')}\n` }] : undefined };
      for (const verb of verbs) {
        const done = await ctx.run(`systemctl ${args.no_block ? '--no-block ' : ''}${verb} -- ${shellQuote(args.name)}`);
        if (done.rc !== 0) {
          const journal = await ctx.run(`journalctl -u ${shellQuote(args.name)} -n 20 --no-pager 2>/dev/null || true`);
          return { ...result, failed: true, msg: `systemctl ${verb} ${args.name} failed: ${done.stderr.trim()}\n${journal.stdout.trim()}` };
        }
      }
      const after = parseUnitState((await ctx.run(unitStateCommand(args.name))).stdout);
      return { ...result, status: after, diff: ctx.diff ? [{ path: args.name, before: describe(unit), after: describe(after) }] : undefined };
    },
  });
}

export default defineSystemdModule('systemd');
