import { shellQuote } from '../shell/quote.js';

/** A unit's state as systemctl shows it. */
export interface UnitState {
  loadState: string;
  activeState: string;
  unitFileState: string;
  needDaemonReload: boolean;
}

export const unitStateCommand = (name: string) => `systemctl show --property=LoadState,ActiveState,UnitFileState,NeedDaemonReload -- ${shellQuote(name)}`;

export function parseUnitState(output: string): UnitState {
  const values = Object.fromEntries(
    output
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()]),
  );
  return {
    loadState: values.LoadState ?? 'not-found',
    activeState: values.ActiveState ?? 'inactive',
    unitFileState: values.UnitFileState ?? '',
    needDaemonReload: values.NeedDaemonReload === 'yes',
  };
}
