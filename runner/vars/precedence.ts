import type { Vars } from './vars.js';

/**
 * Variable precedence, lowest first: a later layer wins over an earlier one.
 * The same order as Ansible's for the levels this runner has; docs/playbooks.md lists it.
 */
export const PRECEDENCE = [
  'role defaults',
  'inventory group vars',
  'inventory host vars',
  'facts',
  'play vars',
  'play vars_files',
  'role vars',
  'block and task vars',
  'include_vars',
  'registered and set_fact',
  'role params',
  'include params',
  'extra vars',
] as const;
export type Layer = (typeof PRECEDENCE)[number];

export function mergeLayers(layers: Partial<Record<Layer, Vars>>): Vars {
  return Object.assign({}, ...PRECEDENCE.map((layer) => layers[layer] ?? {}));
}

/** Keys whose value comes from one of these layers, no later layer overriding it. */
export function keysFrom(layers: Partial<Record<Layer, Vars>>, from: readonly Layer[]): Set<string> {
  const keys = new Set<string>();
  for (const layer of from) {
    const later = PRECEDENCE.slice(PRECEDENCE.indexOf(layer) + 1)
      .map((name) => layers[name])
      .filter((vars) => vars !== undefined);
    for (const key of Object.keys(layers[layer] ?? {})) if (!later.some((vars) => key in vars)) keys.add(key);
  }
  return keys;
}
