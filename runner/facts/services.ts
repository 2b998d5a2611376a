import { shellQuote } from '../shell/quote.js';

// The host's services as Ansible's service_facts reports them under systemd: each unit's state
// (running or stopped) and status (enabled, disabled, static, ..., or a bad load state).

export interface ServiceFact {
  name: string;
  state: string;
  /** systemd's units only. */
  status?: string;
  source: 'systemd' | 'sysv';
}

/** States that stand in for the status, as Ansible keeps them. */
const BAD_STATES = new Set(['not-found', 'masked', 'failed']);

const MARK = '@@services';

/**
 * The init scripts (service --status-all), then, where systemd is PID 1, units as systemd sees them
 * and unit files (for the status, and units not loaded).
 */
export const servicesCommand = [
  'command -v service >/dev/null && service --status-all 2>/dev/null',
  `echo ${MARK}`,
  'grep -q systemd /proc/1/comm 2>/dev/null || exit 0',
  'systemctl list-units --no-pager --plain --no-legend --type service --all',
  `echo ${MARK}`,
  'systemctl list-unit-files --no-pager --plain --no-legend --type service --all',
].join('\n');

/** Units only a unit file names: their ActiveState, from one systemctl show (one block each, in the order named). */
export const activeStatesCommand = (names: string[]) => `systemctl show --property=ActiveState -- ${names.map(shellQuote).join(' ')}`;

export function parseServices(output: string): { services: Record<string, ServiceFact>; unloaded: Record<string, string> } {
  const [scripts = '', units = '', files = ''] = output.split(`${MARK}\n`);
  const services: Record<string, ServiceFact> = {};
  for (const [, sign, name] of scripts.matchAll(/^\s*\[ ([+-]) \]\s+(.+)$/gm))
    services[name] = { name, state: sign === '+' ? 'running' : 'stopped', source: 'sysv' };
  for (const line of units.split('\n')) {
    const [name, load, active, sub] = line.trim().split(/\s+/);
    if (!name?.endsWith('.service')) continue;
    const bad = [load, active].find((word) => BAD_STATES.has(word));
    services[name] = { name, state: sub === 'running' ? 'running' : 'stopped', status: bad ?? active, source: 'systemd' };
  }
  // Unit files give the final status (enabled, disabled, static, ...), except over a bad state.
  const unloaded: Record<string, string> = {};
  for (const line of files.split('\n')) {
    const [name, status] = line.trim().split(/\s+/);
    if (!name?.endsWith('.service') || status === undefined) continue;
    if (!services[name]) unloaded[name] = status;
    else if (!BAD_STATES.has(services[name].status ?? '')) services[name].status = status;
  }
  return { services, unloaded };
}

/**
 * The units only unit files named, each with the ActiveState systemctl show gave it ('unknown'
 * where it gave none: a template unit, which is not shown). An alias is shown as what it names, so
 * the answers are matched by their order.
 */
export function addUnloaded(services: Record<string, ServiceFact>, unloaded: Record<string, string>, shown: { names: string[]; output: string }): void {
  const states = new Map(shown.names.map((name, index) => [name, /^ActiveState=(.*)$/m.exec(shown.output.split('\n\n')[index] ?? '')?.[1]]));
  for (const [name, status] of Object.entries(unloaded)) services[name] = { name, state: states.get(name) || 'unknown', status, source: 'systemd' };
}
