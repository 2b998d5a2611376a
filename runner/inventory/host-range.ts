import { UserError, type SourceLocation } from '../errors.js';

/** More hosts than this in one inventory is a typo in a range ('n[0:99999999]'), not a cluster. */
export const MAX_HOSTS = 100_000;

const RANGE = /\[([0-9a-z]+):([0-9a-z]+)\]/g;

/**
 * Ansible host ranges: 'node[01:03]' is node01, node02, node03; 'db-[a:c]' is db-a, db-b, db-c;
 * several ranges in one name multiply. The count is known before any name is made, so an absurd
 * range is refused at once.
 */
export function expandHostRange(pattern: string, loc: SourceLocation): string[] {
  const ranges = [...pattern.matchAll(RANGE)].map((match) => ({ at: match.index, text: match[0], values: rangeValues(match[1], match[2], loc) }));
  if (ranges.length === 0) return [pattern];
  const count = ranges.reduce((product, range) => product * range.values.count, 1);
  if (count > MAX_HOSTS) {
    throw new UserError(
      `host range '${pattern}' names ${count.toLocaleString('en')} hosts; an inventory holds at most ${MAX_HOSTS.toLocaleString('en')}.`,
      loc,
      'Check the bounds of the range.',
    );
  }
  let names = [''];
  let from = 0;
  for (const range of ranges) {
    const literal = pattern.slice(from, range.at);
    const values = range.values.list();
    names = names.flatMap((head) => values.map((value) => head + literal + value));
    from = range.at + range.text.length;
  }
  const tail = pattern.slice(from);
  return tail ? names.map((name) => name + tail) : names;
}

function rangeValues(from: string, to: string, loc: SourceLocation): { count: number; list: () => string[] } {
  const numeric = /^\d+$/.test(from) && /^\d+$/.test(to);
  const alpha = /^[a-z]$/.test(from) && /^[a-z]$/.test(to);
  if (!numeric && !alpha) {
    throw new UserError(`host range '[${from}:${to}]' mixes letters and digits.`, loc, "Write '[01:09]' or '[a:f]'.");
  }
  const start = numeric ? Number(from) : from.charCodeAt(0);
  const end = numeric ? Number(to) : to.charCodeAt(0);
  if (end < start) throw new UserError(`host range '[${from}:${to}]' runs backwards.`, loc, 'Put the smaller bound first.');
  const count = end - start + 1;
  const list = () => Array.from({ length: count }, (_, i) => (numeric ? String(start + i).padStart(from.length, '0') : String.fromCharCode(start + i)));
  return { count, list };
}
