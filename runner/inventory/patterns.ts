import type { Inventory } from './inventory.js';

/**
 * Ansible host patterns: 'all', '*', a group, a host, globs ('web*'), each with an optional
 * subscript ('master[0]', 'master[1:]', 'web[0:2]', end included as in Ansible), joined by ':' or ','.
 * Unions first, then '&' intersections, then '!' exclusions, whatever their order.
 * Returns hosts in inventory order and the words that matched nothing.
 */
export function matchHosts(inventory: Inventory, pattern: string | string[]): { hosts: string[]; unmatched: string[] } {
  const words = (Array.isArray(pattern) ? pattern : [pattern])
    .flatMap((p) => p.split(/,|:(?![^[]*\])/))
    .map((w) => w.trim())
    .filter(Boolean);
  const unmatched: string[] = [];
  const resolve = (word: string): Set<string> => {
    const subscript = /^(.+)\[(?:(-?\d+)|(\d+):(\d*))\]$/.exec(word);
    const base = subscript ? subscript[1] : word;
    const found = new Set(pick(matchWord(inventory, base), subscript));
    if (found.size === 0 && (!inventory.groups.has(base) || subscript?.[2] !== undefined)) unmatched.push(word);
    return found;
  };
  const union = new Set<string>();
  for (const word of words.filter((w) => !w.startsWith('&') && !w.startsWith('!'))) resolve(word).forEach((h) => union.add(h));
  let selected = [...union];
  for (const word of words.filter((w) => w.startsWith('&'))) {
    const keep = resolve(word.slice(1));
    selected = selected.filter((h) => keep.has(h));
  }
  for (const word of words.filter((w) => w.startsWith('!'))) {
    const drop = resolve(word.slice(1));
    selected = selected.filter((h) => !drop.has(h));
  }
  const chosen = new Set(selected);
  return { hosts: [...inventory.hosts.keys(), ...inventory.implicit.keys()].filter((host) => chosen.has(host)), unmatched };
}

/** Ansible's subscripts: one index (negative from the end), or start:end with the end included. */
function pick(hosts: string[], subscript: RegExpExecArray | null): string[] {
  if (!subscript) return hosts;
  const [, , index, start, end] = subscript;
  if (index !== undefined) {
    const at = Number(index) < 0 ? hosts.length + Number(index) : Number(index);
    return at >= 0 && at < hosts.length ? [hosts[at]] : [];
  }
  return hosts.slice(Number(start), end === '' ? undefined : Number(end) + 1);
}

function matchWord(inventory: Inventory, word: string): string[] {
  if (word === 'all' || word === '*') return [...inventory.hosts.keys()];
  if (inventory.groups.has(word)) return inventory.members(word);
  if (inventory.hosts.has(word) || inventory.implicitHost(word)) return [word];
  if (word.includes('*') || word.includes('?')) {
    const glob = new RegExp(
      `^${word
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    );
    const groups = [...inventory.groups.keys()].filter((g) => glob.test(g)).flatMap((g) => inventory.members(g));
    const hosts = [...inventory.hosts.keys()].filter((h) => glob.test(h));
    return [...new Set([...groups, ...hosts])];
  }
  return [];
}
