import Type, { type Static } from 'typebox';
import { shellQuote } from '../shell/quote.js';
import { parseUnitState, unitStateCommand, type UnitState } from '../facts/systemd.js';
import { defineModule, type ModuleDeclaration, type Step } from './module.js';

const systemdArgs = Type.Object(
  {
    name: Type.Optional(Type.String({ description: 'The unit: k3s or k3s.service.', aliases: ['service', 'unit'] })),
    state: Type.Optional(
      Type.Enum(['started', 'stopped', 'restarted', 'reloaded'], {
        description: "'started'/'stopped' act only when needed; 'restarted' and 'reloaded' always act.",
      }),
    ),
    enabled: Type.Optional(Type.Boolean({ description: 'Whether the unit starts at boot.' })),
    daemon_reload: Type.Boolean({
      default: false,
      description: 'Reload unit files first (after a unit file changed); not reported as a change.',
      aliases: ['daemon-reload'],
    }),
    no_block: Type.Boolean({
      default: false,
      description: 'Ask systemd to act and return at once, without waiting for the unit to get there (a unit that waits for a server).',
    }),
    masked: Type.Optional(Type.Boolean({ description: 'Whether the unit is masked (linked to /dev/null: it cannot start at all).' })),
    force: Type.Optional(Type.Boolean({ description: 'Enable or mask over a conflicting link (systemctl --force).' })),
    daemon_reexec: Type.Boolean({
      default: false,
      description: 'Re-execute systemd first (after upgrading it); not reported as a change.',
      aliases: ['daemon-reexec'],
    }),
    scope: Type.Enum(['system', 'user', 'global'], {
      default: 'system',
      description: "Which systemd: the system's, the connecting user's (--user), or every user's (--global).",
    }),
  },
  { additionalProperties: false },
);

export type SystemdArgs = Static<typeof systemdArgs>;

/** systemctl verbs that bring the unit to the wanted state; restarted and reloaded always act, as in Ansible. */
export function planUnit(args: SystemdArgs, unit: UnitState): string[] | Error {
  const verbs: string[] = [];
  // Masking first (a unit may be masked whether or not its file exists), then enabled, then state, as Ansible orders them.
  const masked = unit.loadState === 'masked' || unit.unitFileState.startsWith('masked');
  if (args.masked === true && !masked) verbs.push('mask');
  if (args.masked === false && masked) verbs.push('unmask');
  if (unit.loadState === 'not-found' && (args.masked === undefined || args.state !== undefined || args.enabled !== undefined))
    return new Error(`Could not find the requested service ${args.name}: host`);
  const running = ['active', 'activating', 'reloading'].includes(unit.activeState);
  // Ansible's rule: enabled is what systemctl is-enabled answers with 0, except a unit that is only indirect or an alias.
  const enabled = ['enabled', 'enabled-runtime', 'static', 'generated', 'transient'].includes(unit.unitFileState) || (unit.enabledVia ?? 0) > 0;
  if (args.enabled === true && !enabled) verbs.push('enable');
  if (args.enabled === false && enabled) verbs.push('disable');
  // Offline, systemd says nothing of what runs: no state is acted on (Ansible warns instead).
  if (unit.activeState === '') return verbs;
  if (args.state === 'started' && !running) verbs.push('start');
  if (args.state === 'stopped' && (running || unit.activeState === 'deactivating')) verbs.push('stop');
  if (args.state === 'restarted') verbs.push(running ? 'restart' : 'start');
  if (args.state === 'reloaded') verbs.push(running ? 'reload' : 'start');
  return verbs;
}

const describe = (unit: UnitState) => `active: ${unit.activeState}\nenabled: ${unit.unitFileState || 'n/a'}\n`;

/**
 * The generic service module's arguments for other init systems: accepted, and ignored with
 * Ansible's warning, as its service action does when the host runs systemd.
 */
const initArgs = {
  pattern: Type.Optional(Type.String({ description: 'Other init systems: a process name to look for. Ignored under systemd (with a warning).' })),
  runlevel: Type.Optional(Type.String({ description: 'OpenRC: the runlevel. Ignored under systemd (with a warning).' })),
  sleep: Type.Optional(Type.Integer({ description: 'Other init systems: seconds between stop and start. Ignored under systemd (with a warning).' })),
  arguments: Type.Optional(
    Type.String({ description: 'Other init systems: arguments for the init script. Ignored under systemd (with a warning).', aliases: ['args'] }),
  ),
  use: Type.String({ default: 'auto', description: "The init system: 'auto' or 'systemd' (the one this runner drives)." }),
};

export function defineSystemdModule(name: string, { service = false } = {}): ModuleDeclaration {
  const args = service ? Type.Object({ ...systemdArgs.properties, ...initArgs }, { additionalProperties: false }) : systemdArgs;
  return defineModule({
    name,
    description: 'Starts, stops, restarts or reloads a systemd unit, enables or disables it, and reloads unit files.',
    args,
    returns: {
      name: { description: 'The unit.', type: 'string' },
      status: { description: 'The unit as systemctl show named it before: ActiveState, UnitFileState, LoadState, NeedDaemonReload.', type: 'dict' },
      state: { description: 'The state asked for.', type: 'string' },
      enabled: { description: 'Whether it was to start at boot, when asked.', type: 'boolean' },
      actions: { description: 'The systemctl verbs run (or that would run).', type: 'list' },
    },
    examples: [
      { description: 'Start a service now and at every boot.', task: `${name}:\n  name: ssh\n  state: started\n  enabled: true` },
      {
        description: 'Reload unit files, then restart a service whose unit changed.',
        task: `${name}:\n  name: cron\n  state: restarted\n  daemon_reload: true`,
      },
    ],
    checkMode: 'full',
    async plan(given, ctx) {
      const args = given as SystemdArgs & Partial<Record<keyof typeof initArgs, unknown>>;
      if (args.use !== undefined && args.use !== 'auto' && args.use !== 'systemd')
        return { changed: false, failed: true, msg: `use: ${String(args.use)}: this runner drives systemd only` };
      const ignored = (['pattern', 'runlevel', 'sleep', 'arguments'] as const)
        .filter((key) => args[key] !== undefined)
        .map((key) => `Ignoring "${key}" as it is not used in "systemd"`);
      // Reloading unit files changes no unit's state, so it is not reported as a change (as in Ansible).
      const systemctl = `systemctl${args.scope === 'system' ? '' : ` --${args.scope}`}`;
      const reload: Step[] = [
        ...(args.daemon_reexec ? [{ what: 'systemctl daemon-reexec', command: `${systemctl} daemon-reexec` }] : []),
        ...(args.daemon_reload ? [{ what: 'systemctl daemon-reload', command: `${systemctl} daemon-reload` }] : []),
      ];
      if (args.name === undefined) {
        return args.state || args.enabled !== undefined
          ? { changed: false, failed: true, msg: "state and enabled need 'name'" }
          : { changed: false, steps: reload };
      }
      const shown = parseUnitState(await ctx.read(`systemctl show ${args.name}`, unitStateCommand(args.name, systemctl)));
      // A unit file written since the last reload is planned for as the reload will load it: stopped
      // and disabled. If the reload does not find it either, the first systemctl step fails.
      const unit =
        args.daemon_reload && shown.loadState === 'not-found' ? { ...shown, loadState: 'loaded', activeState: 'inactive', unitFileState: 'disabled' } : shown;
      const verbs = planUnit(args, unit);
      if (verbs instanceof Error) return { changed: false, failed: true, msg: verbs.message };
      const journal = `journalctl -u ${shellQuote(args.name)} -n 20 --no-pager 2>/dev/null || true`;
      const offline = unit.activeState === '' && args.state !== undefined;
      return {
        changed: verbs.length > 0,
        name: args.name,
        // Restarted and reloaded end as started, as Ansible reports them.
        ...(args.state ? { state: args.state === 'restarted' || args.state === 'reloaded' ? 'started' : args.state } : {}),
        ...(args.enabled !== undefined ? { enabled: args.enabled } : {}),
        ...(args.masked !== undefined ? { masked: args.masked } : {}),
        ...(offline || ignored.length
          ? {
              warnings: [
                ...ignored,
                ...(offline
                  ? ['Target is a chroot or systemd is offline. This can lead to false positives or prevent the init system tools from working.']
                  : []),
              ],
            }
          : {}),
        // As systemctl show names them, as Ansible's status does.
        status: {
          LoadState: unit.loadState,
          ActiveState: unit.activeState,
          UnitFileState: unit.unitFileState,
          NeedDaemonReload: unit.needDaemonReload ? 'yes' : 'no',
        },
        actions: verbs,
        diff: verbs.length && ctx.diff ? [{ path: args.name, before: describe(unit), after: `${verbs.join(', ')}\n` }] : undefined,
        steps: [
          ...reload,
          ...verbs.map((verb) => ({
            what: `systemctl ${verb} ${args.name}`,
            command: `${systemctl} ${args.no_block ? '--no-block ' : ''}${args.force && (verb === 'enable' || verb === 'mask') ? '--force ' : ''}${verb} -- ${shellQuote(args.name!)}`,
            diagnose: journal,
          })),
        ],
      };
    },
  });
}

export default defineSystemdModule('systemd');
