import { ExpressionError } from './expression-error.js';
import { isTruthy } from './values.js';

type Fn<R> = (value: unknown, ...args: unknown[]) => R;

const needList = (name: string, value: unknown): unknown[] => {
  if (Array.isArray(value)) return value;
  throw new ExpressionError(`filter '${name}' needs a list`);
};

/** Filters: 'x | name' or 'x | name(args)'. 'default' is handled by the evaluator (it must see undefined). */
export const filters: Record<string, Fn<unknown>> = {
  length: (value) => (typeof value === 'string' || Array.isArray(value) ? value.length : value && typeof value === 'object' ? Object.keys(value).length : 0),
  count: (value) => filters.length(value),
  bool: (value) => (typeof value === 'string' ? ['true', 'yes', 'on', '1'].includes(value.trim().toLowerCase()) : Boolean(value)),
  int: (value) => Math.trunc(Number(value)) || 0,
  float: (value) => Number(value) || 0,
  string: (value) => String(value),
  lower: (value) => String(value).toLowerCase(),
  upper: (value) => String(value).toUpperCase(),
  trim: (value) => String(value).trim(),
  first: (value) => needList('first', value)[0],
  last: (value) => needList('last', value).at(-1),
  join: (value, separator) => needList('join', value).join(separator === undefined ? '' : String(separator)),
  list: (value) => (Array.isArray(value) ? value : value && typeof value === 'object' ? Object.keys(value) : [...String(value)]),
  keys: (value) => Object.keys((value as object) ?? {}),
  b64decode: (value) => Buffer.from(String(value), 'base64').toString('utf8'),
  b64encode: (value) => Buffer.from(String(value)).toString('base64'),
  from_json: (value) => JSON.parse(String(value)),
  to_json: (value) => JSON.stringify(value),
};

const result = (value: unknown) => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});

/** Tests: 'x is name' or 'x is name(args)'. 'defined' and 'undefined' are handled by the evaluator. */
export const tests: Record<string, Fn<boolean>> = {
  none: (value) => value === null,
  string: (value) => typeof value === 'string',
  number: (value) => typeof value === 'number',
  boolean: (value) => typeof value === 'boolean',
  mapping: (value) => value !== null && typeof value === 'object' && !Array.isArray(value),
  sequence: (value) => Array.isArray(value) || typeof value === 'string',
  truthy: (value) => isTruthy(value),
  falsy: (value) => !isTruthy(value),
  failed: (value) => result(value).failed === true,
  succeeded: (value) => result(value).failed !== true,
  success: (value) => result(value).failed !== true,
  changed: (value) => result(value).changed === true,
  skipped: (value) => result(value).skipped === true,
  search: (value, pattern) => new RegExp(String(pattern)).test(String(value)),
  match: (value, pattern) => new RegExp(`^(?:${String(pattern)})`).test(String(value)),
};
