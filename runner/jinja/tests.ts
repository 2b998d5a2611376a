import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { ExpressionError } from './errors.js';
import type { Test } from './frame.js';
import { comparePep440 } from './pep440.js';
import { ansibleBoolean, contains, isMapping, looseEquals, pyCompare, pyTruthy, pythonStr, typeName } from './python.js';
import { pythonRegExp } from './python-regex.js';
import { Callable, isFloat, isNumber, Markup, PyFloat, Undefined, unbox } from './values.js';

// Jinja's builtin tests (jinja2/tests.py) and Ansible's (plugins/test: core, files, mathstuff, uri), by name.

const needResult = (name: string, value: unknown): Record<string, unknown> => {
  if (!isMapping(value)) throw new ExpressionError(`The '${name}' test expects a dictionary`);
  return value;
};

/** A word of a version: numbers as numbers, the rest as text (LooseVersion's parts). */
const looseParts = (version: unknown) => (pythonStr(version).match(/\d+|[a-z]+/gi) ?? []).map((part) => (/^\d+$/.test(part) ? Number(part) : part));

/** Compare versions as Ansible's LooseVersion does: numbers as numbers, words as words, part by part. */
export function compareVersions(a: unknown, b: unknown): number {
  const [left, right] = [looseParts(a), looseParts(b)];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const [x, y] = [left[i], right[i]];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === typeof y) return x < y ? -1 : 1;
    return typeof x === 'number' ? 1 : -1;
  }
  return 0;
}

/** StrictVersion: N.N[.N] with an optional a|bN pre-release, which sorts before the release. */
function compareStrict(a: unknown, b: unknown): number {
  const parse = (text: unknown) => {
    const match = /^(\d+)\.(\d+)(?:\.(\d+))?(?:([ab])(\d+))?$/.exec(pythonStr(text));
    if (!match) throw new ExpressionError(`Version comparison failed: invalid version number '${pythonStr(text)}'`);
    return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0), match[4] ? (match[4] === 'a' ? -2 : -1) : 0, Number(match[5] ?? 0)];
  };
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** Semantic versioning 2.0: major.minor.patch, a pre-release sorts before its release, build metadata ignored. */
function compareSemver(a: unknown, b: unknown): number {
  const parse = (text: unknown) => {
    const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(pythonStr(text));
    if (!match) throw new ExpressionError(`Version comparison failed: invalid semantic version '${pythonStr(text)}'`);
    return { core: [Number(match[1]), Number(match[2]), Number(match[3])], pre: match[4]?.split('.') };
  };
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return x.core[i] - y.core[i];
  if (!x.pre || !y.pre) return x.pre ? -1 : y.pre ? 1 : 0;
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const [p, q] = [x.pre[i], y.pre[i]];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    const [pn, qn] = [/^\d+$/.test(p), /^\d+$/.test(q)];
    if (pn && qn) return Number(p) - Number(q);
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

const VERSION_OPERATORS: Record<string, (order: number) => boolean> = {
  '==': (o) => o === 0,
  '=': (o) => o === 0,
  eq: (o) => o === 0,
  '<': (o) => o < 0,
  lt: (o) => o < 0,
  '<=': (o) => o <= 0,
  le: (o) => o <= 0,
  '>': (o) => o > 0,
  gt: (o) => o > 0,
  '>=': (o) => o >= 0,
  ge: (o) => o >= 0,
  '!=': (o) => o !== 0,
  '<>': (o) => o !== 0,
  ne: (o) => o !== 0,
};

const version: Test = (value, [other, operator = 'eq', strict], kw) => {
  const op = String(kw.operator ?? operator);
  const judge = VERSION_OPERATORS[op];
  const strictGiven = kw.strict ?? strict;
  if (strictGiven !== undefined && strictGiven !== null && kw.version_type !== undefined && kw.version_type !== null)
    throw new ExpressionError("Cannot specify both 'strict' and 'version_type'");
  const type = kw.version_type ?? (pyTruthy(strictGiven ?? false) ? 'strict' : 'loose');
  if (!pyTruthy(value)) throw new ExpressionError('Input version value cannot be empty');
  if (!pyTruthy(other ?? kw.version)) throw new ExpressionError('Version parameter to compare against cannot be empty');
  if (!judge)
    throw new ExpressionError(
      `Invalid operator type (${op}). Must be one of ${Object.keys(VERSION_OPERATORS)
        .map((o) => `'${o}'`)
        .join(', ')}`,
    );
  const compareBy: Record<string, (a: unknown, b: unknown) => number> = {
    loose: compareVersions,
    strict: compareStrict,
    semver: compareSemver,
    semantic: compareSemver,
    pep440: comparePep440,
  };
  const comparator = compareBy[String(type)];
  if (!comparator)
    throw new ExpressionError(
      `Invalid version type (${String(type)}). Must be one of ${Object.keys(compareBy)
        .map((name) => `'${name}'`)
        .join(', ')}`,
    );
  return judge(comparator(value, other ?? kw.version));
};

/** Ansible's regex test: search (or match) a Python pattern, with ignorecase and multiline. */
const regex =
  (defaultType: 'search' | 'match'): Test =>
  (value, [pattern = '', ignorecase, multiline, matchType], kw) => {
    const flags = (pyTruthy(kw.ignorecase ?? ignorecase ?? false) ? 'i' : '') + (pyTruthy(kw.multiline ?? multiline ?? false) ? 'm' : '');
    const type = String(kw.match_type ?? matchType ?? defaultType);
    const source = String(pattern);
    const expression = pythonRegExp(type === 'match' ? `^(?:${source})` : type === 'fullmatch' ? `^(?:${source})$` : source, flags);
    return expression.test(typeof value === 'string' ? value : pythonStr(value));
  };

const onController =
  (check: (path: string) => boolean): Test =>
  (value) => {
    try {
      return check(pythonStr(value));
    } catch {
      return false;
    }
  };

const comparison =
  (judge: (order: number) => boolean): Test =>
  (value, [other]) =>
    judge(pyCompare(value, other));

const changed: Test = (value) => {
  const result = needResult('changed', value);
  if ('changed' in result) return pyTruthy(result.changed);
  const results = result.results;
  return Array.isArray(results) && isMapping(results[0]) && results.some((item) => isMapping(item) && pyTruthy(item.changed ?? false));
};
const failed: Test = (value) => pyTruthy(needResult('failed', value).failed ?? false);
const skipped: Test = (value) => pyTruthy(needResult('skipped', value).skipped ?? false);
const unreachable: Test = (value) => pyTruthy(needResult('unreachable', value).unreachable ?? false);
const asyncState =
  (name: 'finished' | 'started'): Test =>
  (value) => {
    const result = needResult(name, value);
    return name in result ? Number(unbox(result[name])) === 1 : true;
  };

const sameList = (value: unknown, name: string) => {
  if (!Array.isArray(value)) throw new ExpressionError(`the '${name}' test needs lists, got ${typeName(value)}`);
  return value;
};

export const tests: Record<string, Test> = {
  // Jinja's
  defined: (value) => !(value instanceof Undefined),
  undefined: (value) => value instanceof Undefined,
  none: (value) => value === null,
  boolean: (value) => typeof value === 'boolean',
  false: (value) => value === false,
  true: (value) => value === true,
  integer: (value) => typeof value === 'number' && Number.isInteger(value),
  float: (value) => isFloat(value),
  number: (value) => isNumber(value) || typeof value === 'boolean',
  string: (value) => typeof value === 'string' || value instanceof Markup,
  mapping: (value) => isMapping(value),
  sequence: (value) => Array.isArray(value) || typeof value === 'string' || isMapping(value) || value instanceof Markup,
  iterable: (value) => Array.isArray(value) || typeof value === 'string' || isMapping(value) || value instanceof Markup,
  callable: (value) => value instanceof Callable,
  sameas: (value, [other]) => value === other || (value instanceof PyFloat && other instanceof PyFloat && value.value === other.value),
  escaped: (value) => value instanceof Markup,
  odd: (value) => Math.abs(Number(unbox(value)) % 2) === 1,
  even: (value) => Number(unbox(value)) % 2 === 0,
  divisibleby: (value, [by]) => Number(unbox(value)) % Number(unbox(by)) === 0,
  lower: (value) => pythonStr(value) === pythonStr(value).toLowerCase(),
  upper: (value) => pythonStr(value) === pythonStr(value).toUpperCase(),
  in: (value, [container]) => contains(container, value),
  eq: (value, [other]) => looseEquals(value, other),
  equalto: (value, [other]) => looseEquals(value, other),
  '==': (value, [other]) => looseEquals(value, other),
  ne: (value, [other]) => !looseEquals(value, other),
  '!=': (value, [other]) => !looseEquals(value, other),
  lt: comparison((o) => o < 0),
  lessthan: comparison((o) => o < 0),
  '<': comparison((o) => o < 0),
  le: comparison((o) => o <= 0),
  '<=': comparison((o) => o <= 0),
  gt: comparison((o) => o > 0),
  greaterthan: comparison((o) => o > 0),
  '>': comparison((o) => o > 0),
  ge: comparison((o) => o >= 0),
  '>=': comparison((o) => o >= 0),
  // Ansible's core
  failed,
  failure: failed,
  succeeded: (value, args, kw) => !failed(value, args, kw),
  success: (value, args, kw) => !failed(value, args, kw),
  successful: (value, args, kw) => !failed(value, args, kw),
  changed,
  change: changed,
  skipped,
  skip: skipped,
  unreachable,
  reachable: (value, args, kw) => !unreachable(value, args, kw),
  finished: asyncState('finished'),
  started: asyncState('started'),
  match: regex('match'),
  search: regex('search'),
  regex: regex('search'),
  version,
  version_compare: version,
  truthy: (value, [convert], kw) => truthy(value, kw.convert_bool ?? convert),
  falsy: (value, [convert], kw) => !truthy(value, kw.convert_bool ?? convert),
  vault_encrypted: () => false,
  vaulted_file: () => false,
  any: (value) => (Array.isArray(value) ? value : []).some(pyTruthy),
  all: (value) => (Array.isArray(value) ? value : []).every(pyTruthy),
  // Ansible's mathstuff
  subset: (value, [other]) => sameList(value, 'subset').every((item) => sameList(other, 'subset').some((o) => looseEquals(o, item))),
  issubset: (value, [other]) => sameList(value, 'issubset').every((item) => sameList(other, 'issubset').some((o) => looseEquals(o, item))),
  superset: (value, [other]) => sameList(other, 'superset').every((item) => sameList(value, 'superset').some((o) => looseEquals(o, item))),
  issuperset: (value, [other]) => sameList(other, 'issuperset').every((item) => sameList(value, 'issuperset').some((o) => looseEquals(o, item))),
  contains: (value, [item]) => contains(value, item),
  nan: (value) => Number.isNaN(Number(unbox(value))) && isNumber(value),
  isnan: (value) => Number.isNaN(Number(unbox(value))) && isNumber(value),
  // Ansible's files (on the controller)
  abs: (value) => isAbsolute(pythonStr(value)),
  is_abs: (value) => isAbsolute(pythonStr(value)),
  exists: onController((path) => existsSync(path)),
  directory: onController((path) => statSync(path).isDirectory()),
  is_dir: onController((path) => statSync(path).isDirectory()),
  file: onController((path) => statSync(path).isFile()),
  is_file: onController((path) => statSync(path).isFile()),
  link: onController((path) => lstatSync(path).isSymbolicLink()),
  link_exists: onController((path) => lstatSync(path) !== undefined),
  is_link: onController((path) => lstatSync(path).isSymbolicLink()),
  mount: onController((path) => path === '/' || statSync(path).dev !== statSync(`${realpathSync(path)}/..`).dev),
  is_mount: onController((path) => path === '/' || statSync(path).dev !== statSync(`${realpathSync(path)}/..`).dev),
  same_file: (value, [other]) => {
    try {
      return realpathSync(pythonStr(value)) === realpathSync(pythonStr(other));
    } catch {
      return false;
    }
  },
  is_same_file: (value, args, kw) => tests.same_file(value, args, kw),
  // Ansible's uri (urlparse: any text parses, so without schemes every string is a URI)
  uri: (value, [schemes]) => isUri(value, schemes),
  url: (value, [schemes]) => {
    if (!isUri(value, schemes)) return false;
    const { scheme, netloc } = urlParts(pythonStr(value));
    return netloc !== '' || scheme === 'file';
  },
  urn: (value) => isUri(value, ['urn']),
};

/** Python's urlparse, the scheme and the network location. */
function urlParts(text: string): { scheme: string; netloc: string } {
  const match = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?:\/\/([^/?#]*))?/.exec(text);
  return { scheme: (match?.[1] ?? '').toLowerCase(), netloc: match?.[2] ?? '' };
}

const isUri = (value: unknown, schemes: unknown) =>
  typeof value === 'string' && (!Array.isArray(schemes) || schemes.length === 0 || schemes.includes(urlParts(value).scheme));

/** Ansible's truthy test: Python's truth, of the boolean a word or number stands for when convert_bool asks (others as they are). */
const truthy = (value: unknown, convert: unknown) => pyTruthy(pyTruthy(convert ?? false) ? (ansibleBoolean(value) ?? value) : value);

/** Run a test by name, as select/reject and selectattr call them. */
export function runTest(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown> = {}): boolean {
  const short = name.slice(name.lastIndexOf('.') + 1);
  const test = Object.prototype.hasOwnProperty.call(tests, short) ? tests[short] : undefined;
  if (!test) throw new ExpressionError(`no test named '${name}'`);
  return test(value, args, kwargs);
}
