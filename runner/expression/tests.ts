import { ExpressionError } from './errors.js';
import { contains, isMapping, isTruthy, looseEquals, pythonStr } from './python.js';

/** A test gets the value before 'is', then its arguments. 'defined' and 'undefined' live in the evaluator. */
export type Test = (value: unknown, ...args: unknown[]) => boolean;

const result = (value: unknown) => (isMapping(value) ? value : {});

/** Compare versions as Ansible's LooseVersion does: numbers as numbers, words as words, part by part. */
export function compareVersions(a: unknown, b: unknown): number {
  const parts = (version: unknown) => (pythonStr(version).match(/\d+|[a-z]+/gi) ?? []).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  const [left, right] = [parts(a), parts(b)];
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

const versionOperators: Record<string, (order: number) => boolean> = {
  '<': (o) => o < 0,
  lt: (o) => o < 0,
  '<=': (o) => o <= 0,
  le: (o) => o <= 0,
  '>': (o) => o > 0,
  gt: (o) => o > 0,
  '>=': (o) => o >= 0,
  ge: (o) => o >= 0,
  '==': (o) => o === 0,
  '=': (o) => o === 0,
  eq: (o) => o === 0,
  '!=': (o) => o !== 0,
  '<>': (o) => o !== 0,
  ne: (o) => o !== 0,
};

function version(value: unknown, other: unknown, operator: unknown = 'eq'): boolean {
  const judge = versionOperators[String(operator)];
  if (!judge) throw new ExpressionError(`'version' does not know the operator '${String(operator)}' (known: ${Object.keys(versionOperators).join(', ')})`);
  return judge(compareVersions(value, other));
}

/** Jinja's built-in tests and Ansible's. */
export const tests: Record<string, Test> = {
  none: (value) => value === null,
  string: (value) => typeof value === 'string',
  number: (value) => typeof value === 'number',
  integer: (value) => Number.isInteger(value),
  float: (value) => typeof value === 'number' && !Number.isInteger(value),
  boolean: (value) => typeof value === 'boolean',
  true: (value) => value === true,
  false: (value) => value === false,
  mapping: (value) => isMapping(value),
  sequence: (value) => Array.isArray(value) || typeof value === 'string' || isMapping(value),
  iterable: (value) => Array.isArray(value) || typeof value === 'string' || isMapping(value),
  truthy: (value) => isTruthy(value),
  falsy: (value) => !isTruthy(value),
  failed: (value) => result(value).failed === true,
  failure: (value) => result(value).failed === true,
  succeeded: (value) => result(value).failed !== true,
  success: (value) => result(value).failed !== true,
  successful: (value) => result(value).failed !== true,
  changed: (value) => result(value).changed === true,
  change: (value) => result(value).changed === true,
  skipped: (value) => result(value).skipped === true,
  skip: (value) => result(value).skipped === true,
  finished: (value) => result(value).finished !== 0,
  search: (value, pattern, ...rest) => new RegExp(String(pattern), rest.includes(true) ? 'i' : '').test(pythonStr(value)),
  regex: (value, pattern) => new RegExp(String(pattern)).test(pythonStr(value)),
  match: (value, pattern) => new RegExp(`^(?:${String(pattern)})`).test(pythonStr(value)),
  version,
  version_compare: version,
  in: (value, container) => contains(container, value),
  contains: (value, item) => contains(value, item),
  equalto: (value, other) => looseEquals(value, other),
  eq: (value, other) => looseEquals(value, other),
  '==': (value, other) => looseEquals(value, other),
  ne: (value, other) => !looseEquals(value, other),
  '!=': (value, other) => !looseEquals(value, other),
  gt: (value, other) => (value as number) > (other as number),
  '>': (value, other) => (value as number) > (other as number),
  ge: (value, other) => (value as number) >= (other as number),
  '>=': (value, other) => (value as number) >= (other as number),
  lt: (value, other) => (value as number) < (other as number),
  '<': (value, other) => (value as number) < (other as number),
  le: (value, other) => (value as number) <= (other as number),
  '<=': (value, other) => (value as number) <= (other as number),
  sameas: (value, other) => value === other,
  even: (value) => Number(value) % 2 === 0,
  odd: (value) => Math.abs(Number(value) % 2) === 1,
  divisibleby: (value, by) => Number(value) % Number(by) === 0,
  lower: (value) => pythonStr(value) === pythonStr(value).toLowerCase(),
  upper: (value) => pythonStr(value) === pythonStr(value).toUpperCase(),
  subset: (value, other) => Array.isArray(value) && Array.isArray(other) && value.every((item) => contains(other, item)),
  superset: (value, other) => Array.isArray(value) && Array.isArray(other) && other.every((item) => contains(value, item)),
  abs: (value) => pythonStr(value).startsWith('/'),
};

/** Run a test by name (select/reject use this too). */
export function runTest(name: string, value: unknown, args: unknown[]): boolean {
  // A value handed over (selectattr's attribute, select's item) is undefined when it is missing.
  if (name === 'defined' || name === 'undefined') return (value !== undefined) === (name === 'defined');
  const test = Object.prototype.hasOwnProperty.call(tests, name) ? tests[name] : undefined;
  if (!test) throw new ExpressionError(`unknown test '${name}' (known: defined, undefined, ${Object.keys(tests).join(', ')})`);
  return test(value, ...args);
}
