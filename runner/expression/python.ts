import { ExpressionError } from './errors.js';

// Ansible evaluates Jinja over Python values; these give JavaScript values the same meaning.

/** Python's truthiness, which Ansible users expect: empty strings, lists and mappings are false. */
export function isTruthy(value: unknown): boolean {
  if (typeof value === 'string') return !['', 'false', 'no', 'off', '0'].includes(value.trim().toLowerCase());
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

export function looseEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

export const isMapping = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Python's `item in container` for strings, lists and mappings (keys); anything else is an error, as in Python. */
export function contains(container: unknown, item: unknown): boolean {
  if (typeof container === 'string') return container.includes(pythonStr(item));
  if (Array.isArray(container)) return container.some((entry) => looseEquals(entry, item));
  if (isMapping(container)) return String(item) in container;
  throw new ExpressionError(`'in' needs a string, list or mapping on its right, not ${container === undefined ? 'nothing' : pythonStr(container)}`);
}

/** Python's repr(): how a value looks inside a printed list or mapping. */
export function pythonRepr(value: unknown): string {
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    const escaped = value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
    return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped) + quote;
  }
  return pythonStr(value);
}

/** Python's str(): how Jinja prints a value into text ('True', 'None', "['a', 'b']"). */
export function pythonStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${pythonRepr(key)}: ${pythonRepr(item)}`)
      .join(', ')}}`;
  }
  return String(value);
}

type Method = (self: never, ...args: unknown[]) => unknown;

const strip = (text: string, chars: unknown, where: 'both' | 'start' | 'end') => {
  const set = chars === undefined || chars === null ? ' \t\n\r\f\v' : String(chars);
  let start = 0;
  let end = text.length;
  if (where !== 'end') while (start < end && set.includes(text[start])) start++;
  if (where !== 'start') while (end > start && set.includes(text[end - 1])) end--;
  return text.slice(start, end);
};

/** Python's str.split: no separator splits on runs of whitespace; maxsplit keeps the rest whole. */
function split(text: string, separator?: unknown, maxsplit?: unknown): string[] {
  const limit = maxsplit === undefined || Number(maxsplit) < 0 ? Infinity : Number(maxsplit);
  if (separator === undefined || separator === null) {
    const words = text.trim().split(/\s+/).filter(Boolean);
    return limit >= words.length ? words : [...words.slice(0, limit), text.trim().split(/\s+/).slice(limit).join(' ')];
  }
  const parts = text.split(String(separator));
  return limit >= parts.length - 1 ? parts : [...parts.slice(0, limit), parts.slice(limit).join(String(separator))];
}

const stringMethods: Record<string, Method> = {
  split: (self: string, separator?: unknown, maxsplit?: unknown) => split(self, separator, maxsplit),
  splitlines: (self: string) => self.split(/\r?\n/).filter((line, index, all) => index < all.length - 1 || line !== ''),
  startswith: (self: string, prefix: unknown) => (Array.isArray(prefix) ? prefix : [prefix]).some((p) => self.startsWith(String(p))),
  endswith: (self: string, suffix: unknown) => (Array.isArray(suffix) ? suffix : [suffix]).some((s) => self.endsWith(String(s))),
  strip: (self: string, chars?: unknown) => strip(self, chars, 'both'),
  lstrip: (self: string, chars?: unknown) => strip(self, chars, 'start'),
  rstrip: (self: string, chars?: unknown) => strip(self, chars, 'end'),
  lower: (self: string) => self.toLowerCase(),
  upper: (self: string) => self.toUpperCase(),
  capitalize: (self: string) => self.charAt(0).toUpperCase() + self.slice(1).toLowerCase(),
  title: (self: string) => self.toLowerCase().replace(/(^|[^a-z])([a-z])/g, (_, before: string, letter: string) => before + letter.toUpperCase()),
  replace: (self: string, old: unknown, replacement: unknown) => self.split(String(old)).join(String(replacement)),
  find: (self: string, sub: unknown) => self.indexOf(String(sub)),
  count: (self: string, sub: unknown) => self.split(String(sub)).length - 1,
  join: (self: string, items: unknown) => (Array.isArray(items) ? items.map(pythonStr).join(self) : [...String(items)].join(self)),
  isdigit: (self: string) => /^\d+$/.test(self),
  format: (self: string, ...args: unknown[]) => {
    let next = 0;
    return self.replace(/\{(\d*)\}/g, (_, index: string) => pythonStr(args[index === '' ? next++ : Number(index)]));
  },
};

const listMethods: Record<string, Method> = {
  index: (self: unknown[], item: unknown) => {
    const found = self.findIndex((entry) => looseEquals(entry, item));
    if (found < 0) throw new ExpressionError(`${pythonRepr(item)} is not in the list`);
    return found;
  },
  count: (self: unknown[], item: unknown) => self.filter((entry) => looseEquals(entry, item)).length,
};

const mappingMethods: Record<string, Method> = {
  items: (self: Record<string, unknown>) => Object.entries(self),
  keys: (self: Record<string, unknown>) => Object.keys(self),
  values: (self: Record<string, unknown>) => Object.values(self),
  get: (self: Record<string, unknown>, key: unknown, fallback: unknown = null) => (String(key) in self ? self[String(key)] : fallback),
};

const methodsOf = (self: unknown): Record<string, Method> =>
  typeof self === 'string' ? stringMethods : Array.isArray(self) ? listMethods : isMapping(self) ? mappingMethods : {};

export const hasMethod = (self: unknown, name: string) => Object.prototype.hasOwnProperty.call(methodsOf(self), name);

/** Call a Python method on a value (`name.split(',')`, `d.items()`): only these, never a JavaScript function. */
export function callMethod(self: unknown, name: string, args: unknown[]): unknown {
  const table = methodsOf(self);
  const method = hasMethod(self, name) ? table[name] : undefined;
  if (!method) {
    const kind = typeof self === 'string' ? 'a string' : Array.isArray(self) ? 'a list' : isMapping(self) ? 'a mapping' : pythonStr(self);
    throw new ExpressionError(`${kind} has no method '${name}' (known: ${Object.keys(table).join(', ') || 'none'})`);
  }
  return (method as (...all: unknown[]) => unknown)(self, ...args);
}
