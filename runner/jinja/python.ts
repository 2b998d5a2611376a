import { ExpressionError, UndefinedVariable } from './errors.js';
import { Callable, isFloat, isNumber, Markup, Namespace, PyFloat, PyObject, PyTuple, tuple, Undefined, unbox } from './values.js';

// Ansible evaluates Jinja over Python values; these give JavaScript values the same meaning.

/** Fails on an undefined value, naming what was missing (Ansible's StrictUndefined). */
export function defined<T>(value: T): Exclude<T, Undefined> {
  if (value instanceof Undefined) throw new UndefinedVariable(value.name, value.hint);
  return value as Exclude<T, Undefined>;
}

/** Python's str() of a value for output: a lenient undefined prints as nothing, any other fails. */
export function printable(value: unknown): unknown {
  if (value instanceof Undefined && value.lenient) return '';
  return defined(value);
}

/** Fails on an undefined value unless it is lenient (then it stands for an empty string). */
function definedOrEmpty<T>(value: T): Exclude<T, Undefined> {
  if (value instanceof Undefined && value.lenient) return '' as Exclude<T, Undefined>;
  return defined(value);
}

/** Python's truthiness, as Jinja's `if` and `not` judge a value. */
export function pyTruthy(value: unknown): boolean {
  if (value instanceof Undefined) return pyTruthy(definedOrEmpty(value));
  if (value === null || value === undefined || value === false || value === '' || value === 0) return false;
  if (value instanceof PyFloat) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Markup) return value.text !== '';
  if (isMapping(value)) return Object.keys(value).length > 0;
  return true;
}

/** Ansible's boolean(): the words and numbers it takes for true and false, undefined for anything else. */
export function ansibleBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const word = typeof value === 'string' ? value.trim().toLowerCase() : isNumber(value) ? String(Number(unbox(value))) : undefined;
  if (word === undefined) return undefined;
  if (['y', 'yes', 'on', '1', 'true', 't'].includes(word)) return true;
  if (['n', 'no', 'off', '0', 'false', 'f'].includes(word)) return false;
  return undefined;
}

/**
 * Truthiness of a value given where Ansible wants a boolean after templating (a keyword such as become,
 * or a rendered condition): the words Ansible takes for false ('false', 'no', 'off', '0', '') are false.
 */
export function isTruthy(value: unknown): boolean {
  if (typeof value === 'string') return !['', 'false', 'no', 'off', '0'].includes(value.trim().toLowerCase());
  return pyTruthy(value);
}

/** Python's ==: numbers (and booleans, which are numbers there) by value, lists in order, mappings by their items. */
export function looseEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Undefined || b instanceof Undefined) defined(a instanceof Undefined ? a : b);
  const numeric = (value: unknown) => isNumber(value) || typeof value === 'boolean';
  if (numeric(a) && numeric(b)) return Number(unbox(a)) === Number(unbox(b));
  if (a instanceof Markup || b instanceof Markup) return String(a) === String(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => looseEquals(item, b[index]));
  if (isMapping(a) && isMapping(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && looseEquals(a[key], b[key]));
  }
  return false;
}

/** A plain mapping (a dict), not a list, float, markup or any object of the engine's own. */
export const isMapping = (value: unknown): value is Record<string, unknown> =>
  value !== null &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  !(
    value instanceof PyFloat ||
    value instanceof Undefined ||
    value instanceof Markup ||
    value instanceof Callable ||
    value instanceof Namespace ||
    value instanceof PyObject
  );

/** Python's `item in container` for strings, lists and mappings (keys); anything else is an error, as in Python. */
export function contains(container: unknown, item: unknown): boolean {
  if (typeof container === 'string' || container instanceof Markup) {
    if (typeof item !== 'string' && !(item instanceof Markup))
      throw new ExpressionError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return String(container).includes(String(item));
  }
  if (Array.isArray(container)) return container.some((entry) => looseEquals(entry, item));
  if (isMapping(container)) return typeof item === 'string' ? Object.prototype.hasOwnProperty.call(container, item) : pythonStr(item) in container;
  defined(container);
  throw new ExpressionError(`argument of type '${typeName(container)}' is not iterable`);
}

/** Python's name of a value's type, as type_debug and error messages say it. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'str';
  if (value instanceof Markup) return 'Markup';
  if (isNumber(value)) return isFloat(value) ? 'float' : 'int';
  if (value instanceof PyTuple) return 'tuple';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Undefined) return 'AnsibleUndefined';
  if (value instanceof Callable) return 'function';
  if (value instanceof Namespace) return 'Namespace';
  if (value instanceof PyObject) return value.typeName;
  return 'dict';
}

/** Python's repr() of a float: the shortest text that reads back, exponent from 1e16 and below 1e-4. */
export function floatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const digits = mantissa.includes('.') ? mantissa : mantissa;
    return `${digits}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const text = value.toFixed(Math.max(0, (mantissa.split('.')[1]?.length ?? 0) - exponent));
  return text.includes('.') ? text : `${text}.0`;
}

/** Python's repr(): how a value looks inside a printed list or mapping. */
export function pythonRepr(value: unknown): string {
  if (typeof value === 'string' || value instanceof Markup) {
    const text = String(value);
    const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
    let out = '';
    for (const char of text) {
      const code = char.codePointAt(0)!;
      if (char === '\\') out += '\\\\';
      else if (char === quote) out += `\\${quote}`;
      else if (char === '\n') out += '\\n';
      else if (char === '\t') out += '\\t';
      else if (char === '\r') out += '\\r';
      else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
      else out += char;
    }
    return quote + out + quote;
  }
  return pythonStr(value);
}

/** Python's str(): how Jinja prints a value into text ('True', 'None', "['a', 'b']", '3.0'). */
export function pythonStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 1e16 ? String(value) : floatRepr(value);
  if (value instanceof PyFloat) return floatRepr(value.value);
  if (value instanceof Markup) return value.text;
  if (value instanceof Undefined) return defined(value) as never;
  if (value instanceof PyTuple) return value.length === 1 ? `(${pythonRepr(value[0])},)` : `(${value.map(pythonRepr).join(', ')})`;
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (value instanceof Callable) return `<function ${value.name}>`;
  if (value instanceof Namespace) return `<Namespace ${pythonStr(value.attrs)}>`;
  if (value instanceof PyObject) return value.str();
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${pythonRepr(key)}: ${pythonRepr(item)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/** An integer from a Python argument (index, count, width). */
const int = (value: unknown, fallback = 0): number => (value === undefined || value === null ? fallback : Math.trunc(Number(unbox(value))));

type Method = (self: never, args: unknown[], kwargs: Record<string, unknown>) => unknown;

const WHITESPACE = ' \t\n\r\f\v';
const strip = (text: string, chars: unknown, where: 'both' | 'start' | 'end') => {
  const set = chars === undefined || chars === null ? WHITESPACE : String(chars);
  let start = 0;
  let end = text.length;
  if (where !== 'end') while (start < end && set.includes(text[start])) start++;
  if (where !== 'start') while (end > start && set.includes(text[end - 1])) end--;
  return text.slice(start, end);
};

/** Python's str.split: no separator splits on runs of whitespace; maxsplit keeps the rest whole. */
export function pySplit(text: string, separator?: unknown, maxsplit?: unknown): string[] {
  const limit = maxsplit === undefined || maxsplit === null || int(maxsplit) < 0 ? Infinity : int(maxsplit);
  if (separator === undefined || separator === null) {
    const out: string[] = [];
    let rest = text.replace(/^\s+/, '');
    while (rest) {
      if (out.length >= limit) {
        out.push(rest);
        break;
      }
      const match = /\s+/.exec(rest);
      out.push(match ? rest.slice(0, match.index) : rest);
      rest = match ? rest.slice(match.index + match[0].length) : '';
    }
    return out;
  }
  const sep = String(separator);
  if (sep === '') throw new ExpressionError('empty separator');
  const parts = text.split(sep);
  return limit >= parts.length - 1 ? parts : [...parts.slice(0, limit), parts.slice(limit).join(sep)];
}

function rsplit(text: string, separator?: unknown, maxsplit?: unknown): string[] {
  const limit = maxsplit === undefined || maxsplit === null || int(maxsplit) < 0 ? Infinity : int(maxsplit);
  if (limit === Infinity) return pySplit(text, separator);
  const reversed = [...text].reverse().join('');
  const sep = separator === undefined || separator === null ? separator : [...String(separator)].reverse().join('');
  return pySplit(reversed, sep, limit)
    .map((part) => [...part].reverse().join(''))
    .reverse();
}

const pad = (text: string, width: unknown, fill: unknown, where: 'left' | 'right' | 'center') => {
  const total = int(width);
  const char = fill === undefined ? ' ' : String(fill);
  const missing = Math.max(0, total - text.length);
  if (where === 'right') return char.repeat(missing) + text;
  if (where === 'left') return text + char.repeat(missing);
  const left = Math.floor(missing / 2) + (missing % 2 && total % 2 ? 1 : 0);
  return char.repeat(left) + text + char.repeat(missing - left);
};

const find = (self: string, sub: unknown, start?: unknown, end?: unknown) => {
  const from = start === undefined || start === null ? 0 : int(start) < 0 ? Math.max(0, self.length + int(start)) : int(start);
  const to = end === undefined || end === null ? self.length : int(end) < 0 ? self.length + int(end) : int(end);
  const found = self.slice(0, to).indexOf(String(sub), from);
  return found;
};

const stringMethods: Record<string, Method> = {
  split: (self: string, [separator, maxsplit], kw) => pySplit(self, separator ?? kw.sep, maxsplit ?? kw.maxsplit),
  rsplit: (self: string, [separator, maxsplit], kw) => rsplit(self, separator ?? kw.sep, maxsplit ?? kw.maxsplit),
  splitlines: (self: string, [keepends]) => {
    const lines = self.split(/(?<=\r\n|\n|\r)/);
    return lines.map((line) => (keepends ? line : line.replace(/\r?\n$|\r$/, '')));
  },
  startswith: (self: string, [prefix, start]) => (Array.isArray(prefix) ? prefix : [prefix]).some((p) => self.slice(int(start)).startsWith(String(p))),
  endswith: (self: string, [suffix]) => (Array.isArray(suffix) ? suffix : [suffix]).some((s) => self.endsWith(String(s))),
  strip: (self: string, [chars]) => strip(self, chars, 'both'),
  lstrip: (self: string, [chars]) => strip(self, chars, 'start'),
  rstrip: (self: string, [chars]) => strip(self, chars, 'end'),
  lower: (self: string) => self.toLowerCase(),
  upper: (self: string) => self.toUpperCase(),
  casefold: (self: string) => self.toLowerCase(),
  swapcase: (self: string) => [...self].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  capitalize: (self: string) => self.charAt(0).toUpperCase() + self.slice(1).toLowerCase(),
  title: (self: string) => self.toLowerCase().replace(/(^|[^\p{L}])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase()),
  replace: (self: string, [old, replacement, count]) => {
    const limit = count === undefined || int(count) < 0 ? Infinity : int(count);
    const parts = self.split(String(old));
    if (limit >= parts.length - 1) return parts.join(String(replacement));
    return parts.slice(0, limit + 1).join(String(replacement)) + String(old) + parts.slice(limit + 1).join(String(old));
  },
  find: (self: string, [sub, start, end]) => find(self, sub, start, end),
  rfind: (self: string, [sub]) => self.lastIndexOf(String(sub)),
  index: (self: string, [sub, start, end]) => {
    const found = find(self, sub, start, end);
    if (found < 0) throw new ExpressionError('substring not found');
    return found;
  },
  rindex: (self: string, [sub]) => {
    const found = self.lastIndexOf(String(sub));
    if (found < 0) throw new ExpressionError('substring not found');
    return found;
  },
  count: (self: string, [sub]) => self.split(String(sub)).length - 1,
  join: (self: string, [items]) =>
    iterate(items)
      .map((item) => (typeof item === 'string' ? item : pythonStr(defined(item))))
      .join(self),
  isdigit: (self: string) => /^\d+$/.test(self),
  isnumeric: (self: string) => /^\p{N}+$/u.test(self),
  isdecimal: (self: string) => /^\d+$/.test(self),
  isalpha: (self: string) => /^\p{L}+$/u.test(self),
  isalnum: (self: string) => /^[\p{L}\p{N}]+$/u.test(self),
  isspace: (self: string) => /^\s+$/.test(self),
  islower: (self: string) => /\p{Ll}/u.test(self) && self === self.toLowerCase(),
  isupper: (self: string) => /\p{Lu}/u.test(self) && self === self.toUpperCase(),
  istitle: (self: string) => self !== '' && stringMethods.title(self as never, [], {}) === self,
  isidentifier: (self: string) => /^[\p{L}_][\p{L}\p{N}_]*$/u.test(self),
  zfill: (self: string, [width]) => {
    const sign = /^[+-]/.test(self) ? self[0] : '';
    return sign + self.slice(sign.length).padStart(int(width) - sign.length, '0');
  },
  center: (self: string, [width, fill]) => pad(self, width, fill, 'center'),
  ljust: (self: string, [width, fill]) => pad(self, width, fill, 'left'),
  rjust: (self: string, [width, fill]) => pad(self, width, fill, 'right'),
  partition: (self: string, [sep]) => {
    const at = self.indexOf(String(sep));
    return at < 0 ? tuple([self, '', '']) : tuple([self.slice(0, at), String(sep), self.slice(at + String(sep).length)]);
  },
  rpartition: (self: string, [sep]) => {
    const at = self.lastIndexOf(String(sep));
    return at < 0 ? tuple(['', '', self]) : tuple([self.slice(0, at), String(sep), self.slice(at + String(sep).length)]);
  },
  expandtabs: (self: string, [size]) => self.replace(/\t/g, ' '.repeat(int(size, 8))),
  removeprefix: (self: string, [prefix]) => (self.startsWith(String(prefix)) ? self.slice(String(prefix).length) : self),
  removesuffix: (self: string, [suffix]) => (String(suffix) && self.endsWith(String(suffix)) ? self.slice(0, -String(suffix).length) : self),
  encode: (self: string) => self,
  decode: (self: string) => self,
  format: (self: string, args, kwargs) => strFormat(self, args, kwargs),
};

/** Python's in-place list methods return None. */
const none = (_done: unknown) => null;

const listMethods: Record<string, Method> = {
  index: (self: unknown[], [item]) => {
    const found = self.findIndex((entry) => looseEquals(entry, item));
    if (found < 0) throw new ExpressionError(`${pythonRepr(item)} is not in list`);
    return found;
  },
  count: (self: unknown[], [item]) => self.filter((entry) => looseEquals(entry, item)).length,
  append: (self: unknown[], [item]) => none(self.push(item)),
  extend: (self: unknown[], [items]) => none(self.push(...iterate(items))),
  insert: (self: unknown[], [index, item]) => none(self.splice(int(index), 0, item)),
  pop: (self: unknown[], [index]) => {
    if (!self.length) throw new ExpressionError('pop from empty list');
    return self.splice(index === undefined ? -1 : int(index), 1)[0];
  },
  remove: (self: unknown[], [item]) => {
    const found = self.findIndex((entry) => looseEquals(entry, item));
    if (found < 0) throw new ExpressionError('list.remove(x): x not in list');
    self.splice(found, 1);
    return null;
  },
  reverse: (self: unknown[]) => none(self.reverse()),
  sort: (self: unknown[], _args, kw) => {
    self.sort(pyCompare);
    if (kw.reverse === true) self.reverse();
    return null;
  },
  copy: (self: unknown[]) => [...self],
  clear: (self: unknown[]) => none(self.splice(0)),
};

const mappingMethods: Record<string, Method> = {
  items: (self: Record<string, unknown>) => Object.entries(self).map((entry) => tuple(entry)),
  keys: (self: Record<string, unknown>) => Object.keys(self),
  values: (self: Record<string, unknown>) => Object.values(self),
  get: (self: Record<string, unknown>, [key, fallback = null]) => (Object.prototype.hasOwnProperty.call(self, String(key)) ? self[String(key)] : fallback),
  copy: (self: Record<string, unknown>) => ({ ...self }),
  update: (self: Record<string, unknown>, [other], kw) => {
    Object.assign(self, isMapping(other) ? other : Object.fromEntries(iterate(other ?? []) as [string, unknown][]), kw);
    return null;
  },
  pop: (self: Record<string, unknown>, [key, ...fallback]) => {
    const name = String(key);
    if (!Object.prototype.hasOwnProperty.call(self, name)) {
      if (fallback.length) return fallback[0];
      throw new ExpressionError(`KeyError: ${pythonRepr(key)}`);
    }
    const value = self[name];
    delete self[name];
    return value;
  },
  setdefault: (self: Record<string, unknown>, [key, fallback = null]) => {
    const name = String(key);
    if (!Object.prototype.hasOwnProperty.call(self, name)) self[name] = fallback;
    return self[name];
  },
};

const methodsOf = (self: unknown): Record<string, Method> =>
  typeof self === 'string' || self instanceof Markup ? stringMethods : Array.isArray(self) ? listMethods : isMapping(self) ? mappingMethods : {};

export const hasMethod = (self: unknown, name: string) => Object.prototype.hasOwnProperty.call(methodsOf(self), name);

/** Call a Python method on a value (`name.split(',')`, `d.items()`): only these, never a JavaScript function. */
export function callMethod(self: unknown, name: string, args: unknown[], kwargs: Record<string, unknown> = {}): unknown {
  const table = methodsOf(self);
  const method = hasMethod(self, name) ? table[name] : undefined;
  if (!method) throw new ExpressionError(`'${typeName(self)}' object has no attribute '${name}'`);
  return (method as (...all: unknown[]) => unknown)(self instanceof Markup ? self.text : self, args, kwargs);
}

/** The items a for loop or a filter walks: a list's items, a mapping's keys, a string's characters. */
export function iterate(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value instanceof Undefined && value.lenient) return [];
  if (typeof value === 'string' || value instanceof Markup) return [...String(value)];
  if (isMapping(value)) return Object.keys(value);
  defined(value);
  throw new ExpressionError(`'${typeName(value)}' object is not iterable`);
}

/** Python's ordering of two values (numbers by value, strings by code point, lists item by item). */
export function pyCompare(a: unknown, b: unknown): number {
  const x = unbox(a);
  const y = unbox(b);
  if ((typeof x === 'number' || typeof x === 'boolean') && (typeof y === 'number' || typeof y === 'boolean')) return Number(x) - Number(y);
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  if (Array.isArray(x) && Array.isArray(y)) {
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const order = pyCompare(x[i], y[i]);
      if (order) return order;
    }
    return x.length - y.length;
  }
  defined(x);
  defined(y);
  throw new ExpressionError(`'<' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

// ---------- Python's string formatting: 'text %s' % value and 'text {}'.format(value) ----------

interface Spec {
  fill: string;
  align: string;
  sign: string;
  alternate: boolean;
  zero: boolean;
  width: number;
  grouping: string;
  precision?: number;
  type: string;
}

function formatNumber(value: unknown, spec: Spec): string {
  const type = spec.type;
  let number = Number(unbox(typeof value === 'boolean' ? Number(value) : value));
  if (typeof value === 'string' && !/^[sr]?$/.test(type)) throw new ExpressionError(`Unknown format code '${type}' for object of type 'str'`);
  let body: string;
  const negative = number < 0 || Object.is(number, -0);
  number = Math.abs(number);
  switch (type) {
    case 'd':
    case 'i':
    case 'u':
      body = String(Math.trunc(number));
      break;
    case 'x':
    case 'X':
      body = Math.trunc(number).toString(16);
      if (spec.alternate) body = `0x${body}`;
      if (type === 'X') body = body.toUpperCase();
      break;
    case 'o':
      body = (spec.alternate ? '0o' : '') + Math.trunc(number).toString(8);
      break;
    case 'b':
      body = (spec.alternate ? '0b' : '') + Math.trunc(number).toString(2);
      break;
    case 'e':
    case 'E': {
      const [m, e] = number.toExponential(spec.precision ?? 6).split('e');
      body = `${m}e${e.startsWith('-') ? '-' : '+'}${e.replace(/^[+-]/, '').padStart(2, '0')}`;
      if (type === 'E') body = body.toUpperCase();
      break;
    }
    case 'f':
    case 'F':
      body = number.toFixed(spec.precision ?? 6);
      break;
    case '%':
      body = `${(number * 100).toFixed(spec.precision ?? 6)}%`;
      break;
    case 'g':
    case 'G':
    case '': {
      if (type === '' && spec.precision === undefined) {
        body = isFloat(value) ? floatRepr(number) : String(number);
        break;
      }
      const precision = spec.precision === 0 ? 1 : (spec.precision ?? 6);
      const exponent = number === 0 ? 0 : Math.floor(Math.log10(number));
      if (exponent < -4 || exponent >= precision) {
        const [m, e] = number.toExponential(precision - 1).split('e');
        const mantissa = spec.alternate ? m : m.replace(/\.?0+$/, '');
        body = `${mantissa}e${e.startsWith('-') ? '-' : '+'}${e.replace(/^[+-]/, '').padStart(2, '0')}`;
      } else {
        body = number.toFixed(Math.max(0, precision - 1 - exponent));
        if (!spec.alternate && body.includes('.')) body = body.replace(/\.?0+$/, '');
      }
      if (type === 'G') body = body.toUpperCase();
      break;
    }
    default:
      throw new ExpressionError(`unsupported format character '${type}'`);
  }
  if (spec.grouping) {
    const [whole, fraction] = body.split('.');
    body = whole.replace(/\B(?=(\d{3})+(?!\d))/g, spec.grouping) + (fraction !== undefined ? `.${fraction}` : '');
  }
  const sign =
    negative && number !== 0 ? '-' : negative && type !== 'd' && !Number.isInteger(number) ? '-' : spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : '';
  if (spec.zero && !spec.align) return sign + body.padStart(spec.width - sign.length, '0');
  return align(sign + body, spec, '>');
}

function align(text: string, spec: Spec, fallback: string): string {
  const missing = spec.width - text.length;
  if (missing <= 0) return text;
  const fill = spec.fill || ' ';
  switch (spec.align || fallback) {
    case '<':
      return text + fill.repeat(missing);
    case '^':
      return fill.repeat(Math.floor(missing / 2)) + text + fill.repeat(Math.ceil(missing / 2));
    case '=': {
      const sign = /^[+\- ]/.test(text) ? text[0] : '';
      return sign + fill.repeat(missing) + text.slice(sign.length);
    }
    default:
      return fill.repeat(missing) + text;
  }
}

/** One value formatted by a format spec of str.format ('>10', '05.1f', ',d'). */
function formatSpec(value: unknown, text: string): string {
  const match = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/s.exec(text);
  if (!match) throw new ExpressionError(`Invalid format specifier '${text}'`);
  const spec: Spec = {
    fill: match[1] ?? (match[5] && !match[2] ? '0' : ' '),
    align: match[2] ?? (match[5] ? '=' : ''),
    sign: match[3] ?? '',
    alternate: Boolean(match[4]),
    zero: false,
    width: Number(match[6] ?? 0),
    grouping: match[7] ?? '',
    precision: match[8] === undefined ? undefined : Number(match[8]),
    type: match[9] ?? '',
  };
  if (spec.type === 's' || ((typeof value === 'string' || value === null || Array.isArray(value) || isMapping(value)) && !spec.type)) {
    const body = pythonStr(value);
    return align(spec.precision === undefined ? body : body.slice(0, spec.precision), spec, '<');
  }
  if (spec.type === 'c') return align(String.fromCodePoint(Number(unbox(value))), spec, '<');
  return formatNumber(value, spec);
}

/** Python's str.format: {} and {0} by position, {name} by keyword, {0[key]} and {0.attr}, with format specs and !r/!s. */
export function strFormat(format: string, args: unknown[], kwargs: Record<string, unknown>): string {
  let next = 0;
  return format.replace(
    /\{\{|\}\}|\{([^{}!:]*)(?:!([rsa]))?(?::([^{}]*))?\}/g,
    (whole, field: string | undefined, conversion: string | undefined, spec: string | undefined) => {
      if (whole === '{{') return '{';
      if (whole === '}}') return '}';
      const [head, ...path] = (field ?? '').split(/(?=[.[])/);
      let value: unknown = head === '' ? args[next++] : /^\d+$/.test(head) ? args[Number(head)] : kwargs[head];
      for (const step of path) {
        const key = step.startsWith('.') ? step.slice(1) : step.slice(1, -1);
        value = Array.isArray(value) && /^\d+$/.test(key) ? value[Number(key)] : isMapping(value) ? value[key] : undefined;
      }
      if (value === undefined) throw new ExpressionError(`format: no value for field '${field}'`);
      const converted = conversion === 'r' || conversion === 'a' ? pythonRepr(value) : conversion === 's' ? pythonStr(value) : value;
      return spec ? formatSpec(converted, spec) : pythonStr(converted);
    },
  );
}

/** Python's printf-style formatting: 'text %s' % value, '%(name)s' % mapping, '%05.1f', '%-10s', '%x', '%%'. */
export function percentFormat(format: string, values: unknown): string {
  const list = values instanceof PyTuple ? [...values] : [values];
  let index = 0;
  const take = () => {
    if (index >= list.length) throw new ExpressionError('not enough arguments for format string');
    return list[index++];
  };
  const out = format.replace(
    /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g,
    (_, name, flags: string, width, precision, type: string) => {
      if (type === '%') return '%';
      const widthValue = width === '*' ? Number(take()) : Number(width ?? 0);
      const precisionValue = precision === '*' ? Number(take()) : precision === undefined ? undefined : Number(precision);
      const value = name !== undefined ? (isMapping(values) ? values[name] : undefined) : take();
      if (name !== undefined && value === undefined) throw new ExpressionError(`KeyError: ${pythonRepr(name)}`);
      const spec: Spec = {
        fill: ' ',
        align: flags.includes('-') ? '<' : '',
        sign: flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '',
        alternate: flags.includes('#'),
        zero: flags.includes('0') && !flags.includes('-'),
        width: widthValue,
        grouping: '',
        precision: precisionValue,
        type: type === 'F' ? 'f' : type,
      };
      if (type === 's' || type === 'r' || type === 'a') {
        const text = type === 's' ? pythonStr(value) : pythonRepr(value);
        return align(precisionValue === undefined ? text : text.slice(0, precisionValue), spec, '>');
      }
      if (type === 'c') return align(typeof value === 'string' ? value : String.fromCodePoint(Number(unbox(value))), spec, '>');
      if (typeof value === 'string') throw new ExpressionError(`%${type} format: a real number is required, not str`);
      if (['d', 'i', 'u'].includes(type)) spec.precision = undefined;
      return formatNumber(value, { ...spec, type: type === 'g' && precisionValue === undefined ? 'g' : spec.type });
    },
  );
  if (!isMapping(values) && index < list.length) throw new ExpressionError('not all arguments converted during string formatting');
  return out;
}
