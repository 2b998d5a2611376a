import { UserError, type SourceLocation } from '../errors.js';

/** Ansible host ranges: 'node[01:03]' is node01, node02, node03; 'db-[a:c]' is db-a, db-b, db-c. */
export function expandHostRange(pattern: string, loc: SourceLocation): string[] {
  const match = /^(.*)\[([0-9a-z]+):([0-9a-z]+)\](.*)$/.exec(pattern);
  if (!match) return [pattern];
  const [, head, from, to, tail] = match;
  const numeric = /^\d+$/.test(from) && /^\d+$/.test(to);
  const alpha = /^[a-z]$/.test(from) && /^[a-z]$/.test(to);
  if (!numeric && !alpha) {
    throw new UserError(`host range '[${from}:${to}]' mixes letters and digits.`, loc, "Write '[01:09]' or '[a:f]'.");
  }
  const start = numeric ? Number(from) : from.charCodeAt(0);
  const end = numeric ? Number(to) : to.charCodeAt(0);
  if (end < start) throw new UserError(`host range '[${from}:${to}]' runs backwards.`, loc, 'Put the smaller bound first.');
  const names: string[] = [];
  for (let i = start; i <= end; i++) {
    const part = numeric ? String(i).padStart(from.length, '0') : String.fromCharCode(i);
    names.push(...expandHostRange(`${head}${part}${tail}`, loc));
  }
  return names;
}
