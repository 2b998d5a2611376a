import { shellQuote } from '../shell/quote.js';

/** A unit's state as systemctl shows it. */
export interface UnitState {
  loadState: string;
  /** Empty when systemd is offline (a chroot, SYSTEMD_OFFLINE=1): systemctl shows no running state then. */
  activeState: string;
  unitFileState: string;
  needDaemonReload: boolean;
  /** For an indirect unit or alias: how many units is-enabled -l lists as what enabled it. */
  enabledVia?: number;
}

/** systemctl show; when it prints nothing (systemd offline: a chroot, SYSTEMD_OFFLINE=1), is-enabled, which still answers. */
export const unitStateCommand = (name: string, systemctl = 'systemctl') =>
  `s=$(${systemctl} show --property=LoadState,ActiveState,UnitFileState,NeedDaemonReload -- ${shellQuote(name)}) || exit; ` +
  `if [ -n "$s" ]; then printf '%s\\n' "$s"; else printf 'IsEnabled=%s\\n' "$(${systemctl} is-enabled -- ${shellQuote(name)} 2>/dev/null)"; fi; ` +
  // An indirect unit or alias counts as enabled once is-enabled -l lists what enabled it (an Also= unit), as Ansible reads it.
  `case "$s" in *UnitFileState=indirect*|*UnitFileState=alias*) printf 'EnabledVia=%s\\n' "$(${systemctl} is-enabled -l -- ${shellQuote(name)} 2>/dev/null | sed 1d | wc -l)";; esac`;

// What is-enabled says of a unit file that exists.
const KNOWN = [
  'enabled',
  'enabled-runtime',
  'linked',
  'linked-runtime',
  'masked',
  'masked-runtime',
  'static',
  'indirect',
  'disabled',
  'generated',
  'transient',
  'alias',
];

export function parseUnitState(output: string): UnitState {
  const values = Object.fromEntries(
    output
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()]),
  );
  if (values.LoadState === undefined) {
    // Offline: only is-enabled knows whether the unit exists, nothing whether it runs.
    const known = KNOWN.includes(values.IsEnabled ?? '');
    return { loadState: known ? 'loaded' : 'not-found', activeState: '', unitFileState: known ? values.IsEnabled : '', needDaemonReload: false };
  }
  return {
    loadState: values.LoadState,
    activeState: values.ActiveState ?? 'inactive',
    unitFileState: values.UnitFileState ?? '',
    needDaemonReload: values.NeedDaemonReload === 'yes',
    ...(values.EnabledVia !== undefined ? { enabledVia: Number(values.EnabledVia) } : {}),
  };
}
