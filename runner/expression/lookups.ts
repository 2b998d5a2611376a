import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { globSync } from 'tinyglobby';
import { ExpressionError, UndefinedVariable } from './errors.js';
import { flatten } from './filters.js';
import { isMapping } from './python.js';

/** A lookup plugin: the terms it is given, its keyword arguments and the scope; one value per result. */
type Lookup = (terms: unknown[], kwargs: Record<string, unknown>, scope: Record<string, unknown>) => unknown[];

/** Where Ansible looks for a relative file on the controller: the role's (or playbook's) subdir, then the path itself. */
function searchPaths(scope: Record<string, unknown>, subdir: string, path: string): string[] {
  if (isAbsolute(path)) return [path];
  const bases = [scope.role_path, scope.playbook_dir].filter((base): base is string => typeof base === 'string');
  return [...bases.flatMap((base) => [join(base, subdir, path), join(base, path)]), path];
}

/** 'start=1 end=5 stride=2 format=host%02d', or the short '[start-]end[/stride][:format]'. */
function sequence(term: string): string[] {
  const spec = { start: 1, end: NaN, stride: 1, format: '%d', count: NaN };
  const short = /^(?:(-?\d+|0x[0-9a-f]+)-)?(-?\d+|0x[0-9a-f]+)(?:\/(-?\d+))?(?::(.+))?$/i.exec(term.trim());
  if (short)
    Object.assign(spec, { start: short[1] ? Number(short[1]) : 1, end: Number(short[2]), stride: short[3] ? Number(short[3]) : 1, format: short[4] ?? '%d' });
  else
    for (const [, key, value] of term.matchAll(/(\w+)=(\S+)/g)) {
      if (!(key in spec)) throw new ExpressionError(`lookup('sequence'): unknown argument '${key}' (start, end, count, stride, format)`);
      (spec as Record<string, unknown>)[key] = key === 'format' ? value : Number(value);
    }
  if (!Number.isNaN(spec.count)) spec.end = spec.start + (spec.count - 1) * spec.stride;
  if (Number.isNaN(spec.end) || !spec.stride) throw new ExpressionError(`lookup('sequence'): '${term}' needs an end (or count) and a non-zero stride`);
  const out: string[] = [];
  for (let i = spec.start; spec.stride > 0 ? i <= spec.end : i >= spec.end; i += spec.stride) {
    if (out.length >= 100_000) throw new ExpressionError("lookup('sequence') makes at most 100000 items");
    out.push(
      spec.format.replace(/%(0?\d*)([dxXo])/, (_, width: string, kind: string) => {
        const text = kind === 'd' ? String(i) : i.toString(kind === 'o' ? 8 : 16);
        return (kind === 'X' ? text.toUpperCase() : text).padStart(Number(width) || 0, width.startsWith('0') ? '0' : ' ');
      }),
    );
  }
  return out;
}

/** The elements of a list (or dict's values) paired with each member of their sub-list at 'key' (or 'a.b'). */
function subelements(terms: unknown[]): unknown[] {
  const [list, key, flags = {}] = terms;
  const skipMissing = isMapping(flags) && flags.skip_missing === true;
  const elements = isMapping(list) ? Object.values(list) : (list as unknown[]);
  if (!Array.isArray(elements) || typeof key !== 'string') throw new ExpressionError("lookup('subelements') takes a list (or dict) and the name of a sub-list");
  return elements.flatMap((element) => {
    let sub: unknown = element;
    for (const part of key.split('.')) sub = isMapping(sub) ? sub[part] : undefined;
    if (sub === undefined) {
      if (skipMissing) return [];
      throw new ExpressionError(`lookup('subelements'): could not find '${key}' in an element`);
    }
    if (!Array.isArray(sub)) throw new ExpressionError(`lookup('subelements'): '${key}' is not a list`);
    return sub.map((member) => [element, member]);
  });
}

/** Lookups run on the controller, as Ansible's do. */
export const lookups: Record<string, Lookup> = {
  env: (terms, kw) => terms.map((name) => process.env[String(name)] ?? kw.default ?? ''),
  file: (terms, kw, scope) =>
    terms.map((path) => {
      const found = searchPaths(scope, 'files', String(path)).find((candidate) => existsSync(candidate));
      if (!found) throw new ExpressionError(`lookup('file') could not read '${String(path)}' on the controller`);
      const text = readFileSync(found, 'utf8');
      return kw.rstrip === false ? text : text.trimEnd();
    }),
  vars: (terms, kw, scope) =>
    terms.map((name) => {
      if (String(name) in scope) return scope[String(name)];
      if ('default' in kw) return kw.default;
      throw new UndefinedVariable(String(name));
    }),
  pipe: (terms) => terms.map((command) => runOnController(String(command), 'pipe')),
  lines: (terms) => terms.flatMap((command) => runOnController(String(command), 'lines').split('\n')),
  items: (terms) => terms.flat(),
  list: (terms) => terms,
  flattened: (terms) => flatten(terms, Infinity),
  indexed_items: (terms) => terms.flat().map((item, index) => [index, item]),
  dict: (terms) =>
    terms.flatMap((term) => {
      if (!isMapping(term)) throw new ExpressionError("lookup('dict') takes dicts");
      return Object.entries(term).map(([key, value]) => ({ key, value }));
    }),
  together: (terms) => {
    const lists = terms.map((term) => (Array.isArray(term) ? term : [term]));
    return Array.from({ length: Math.max(0, ...lists.map((list) => list.length)) }, (_, i) => lists.map((list) => list[i] ?? null));
  },
  nested: (terms) => nested(terms),
  cartesian: (terms) => nested(terms),
  sequence: (terms) => terms.flatMap((term) => sequence(String(term))),
  subelements,
  random_choice: (terms) => (terms.length ? [terms[Math.floor(Math.random() * terms.length)]] : []),
  // Files (not directories) matching the pattern's last part, in the first place where any match.
  fileglob: (terms, _kw, scope) =>
    terms.flatMap((pattern) => {
      const matches = searchPaths(scope, 'files', String(pattern)).map((candidate) =>
        globSync(basename(candidate), { cwd: dirname(candidate), absolute: true, onlyFiles: true, dot: false }).sort(),
      );
      return matches.find((found) => found.length > 0) ?? [];
    }),
  first_found: (terms, kw, scope) => {
    const specs = terms.flat().flatMap((term) => (isMapping(term) ? [term] : [{ files: [term] }]));
    const skip = kw.skip === true || specs.some((spec) => spec.skip === true);
    for (const spec of specs) {
      const files = [spec.files ?? kw.files ?? []].flat().flatMap((file) => String(file).split(/[,;]/));
      const paths = [spec.paths ?? kw.paths ?? []].flat().flatMap((path) => String(path).split(/[,:;]/));
      const candidates = files.flatMap((file) => (paths.length ? paths.map((path) => join(path, file)) : [file]));
      const found = candidates.flatMap((candidate) => searchPaths(scope, 'files', candidate)).find((path) => existsSync(path));
      if (found) return [found];
    }
    if (skip) return [];
    throw new ExpressionError("lookup('first_found'): no file was found (give 'skip: true' to allow none)");
  },
};

const nested = (terms: unknown[]): unknown[][] =>
  terms.reduce<unknown[][]>((products, term) => products.flatMap((product) => (Array.isArray(term) ? term : [term]).map((value) => [...product, value])), [[]]);

function runOnController(command: string, lookup: string): string {
  try {
    return execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trimEnd();
  } catch (error) {
    throw new ExpressionError(`lookup('${lookup}') command failed: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** A lookup's short name: Ansible's FQCNs, and community.general's for those that moved there (flattened, cartesian), name the same lookups. */
export const lookupName = (name: string) => name.replace(/^(?:ansible\.(?:builtin|legacy)|community\.general)\./, '');

/**
 * Runs a lookup; undefined when it failed and errors='ignore' (or 'warn') says to go on, as Ansible's
 * lookup() then gives None and query() an empty list.
 */
export function runLookup(args: unknown[], kwargs: Record<string, unknown>, scope: object): unknown[] | undefined {
  const [name, ...terms] = args;
  const short = lookupName(String(name));
  const lookup = Object.prototype.hasOwnProperty.call(lookups, short) ? lookups[short] : undefined;
  if (!lookup) throw new ExpressionError(`unknown lookup '${String(name)}' (known: ${Object.keys(lookups).join(', ')})`);
  const { errors = 'strict', ...options } = kwargs;
  if (!['strict', 'warn', 'ignore'].includes(String(errors)))
    throw new ExpressionError(`lookup's errors must be strict, warn or ignore, not '${String(errors)}'`);
  try {
    return lookup(terms, options, scope as Record<string, unknown>);
  } catch (error) {
    if (errors === 'strict' || !(error instanceof ExpressionError)) throw error;
    return undefined;
  }
}
