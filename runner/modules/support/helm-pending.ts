import { shellQuote } from '../../shell/quote.js';
import type { Step } from '../module.js';

/** One revision as `helm history -o json` prints it. */
export interface Revision {
  revision: number;
  updated: string;
  status: string;
  chart: string;
}

/** Helm's states of an operation that has not finished: its next upgrade refuses ("another operation is in progress"). */
export const isPending = (status: string) => status.startsWith('pending-');

/** A Go duration as Helm's --timeout takes it (90s, 15m, 1h30m, 500ms), in seconds; undefined if it is none. */
export function goDurationSeconds(text: string): number | undefined {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6, µs: 1e-6, ns: 1e-9 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) return undefined;
  return parts.reduce((sum, [, count, unit]) => sum + Number(count) * units[unit], 0);
}

/**
 * What to do with a release whose last revision is pending (a run interrupted during `helm upgrade
 * --wait`): as an operator would, roll back to the last revision that was deployed, or uninstall a
 * first install that never finished. Refused while the pending operation may still be running (it
 * began less than `timeoutSeconds` ago), since another helm may be at work on it.
 */
export function pendingRecovery(
  helm: string,
  name: string,
  history: Revision[],
  timeoutSeconds: number,
  now: number,
): { step: Step; msg: string } | { refused: string } {
  const ordered = [...history].sort((a, b) => a.revision - b.revision);
  const pending = ordered[ordered.length - 1];
  const age = Math.round((now - Date.parse(pending.updated)) / 1000);
  if (!(age >= timeoutSeconds))
    return {
      refused: `release ${name} is ${pending.status} (revision ${pending.revision}, begun ${Number.isNaN(age) ? 'at an unknown time' : `${age} s ago`}): another helm operation may still be running on it, and may take up to the ${timeoutSeconds} s timeout. Run again once it has ended; a run that was interrupted is recovered then (rolled back, or a first install removed).`,
    };
  const deployed = ordered.filter((r) => r !== pending && ['deployed', 'superseded'].includes(r.status));
  const target = [...deployed].reverse().find((r) => r.status === 'deployed') ?? deployed[deployed.length - 1];
  if (target)
    return {
      step: { what: `helm rollback ${name} ${target.revision}`, command: `${helm} rollback ${shellQuote(name)} ${target.revision}` },
      msg: `revision ${pending.revision} was left ${pending.status} ${age} s ago by an interrupted run: rolled back to revision ${target.revision} (${target.chart}) first`,
    };
  return {
    step: { what: `helm uninstall ${name}`, command: `${helm} uninstall ${shellQuote(name)}` },
    msg: `its first install was left ${pending.status} ${age} s ago by an interrupted run, with no revision deployed before: uninstalled first`,
  };
}
