import { createHash, randomInt } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { posix, resolve } from 'node:path';
import { quote } from 'shlex';
import { ExpressionError, UndefinedVariable } from './errors.js';
import { getattr, getitem } from './evaluate.js';
import type { Filter } from './frame.js';
import { defined, isMapping, looseEquals, percentFormat, pyCompare, pyTruthy, pythonRepr, pythonStr, typeName } from './python.js';
import { pythonRegExp, pythonSub } from './python-regex.js';
import { fromYaml, fromYamlAll, jsonDumps, yamlDump } from './serialize.js';
import { runTest } from './tests.js';
import { isFloat, isNumber, Markup, PyFloat, toFloat, tuple, Undefined, unbox } from './values.js';
import { decodeText, encodeText } from '../text/encodings.js';
import { extraFilters } from './filters-ansible.js';

// Jinja's builtin filters (jinja2/filters.py, 3.1) and Ansible's core filters (plugins/filter/core.py,
// mathstuff.py, urls.py, urlsplit.py), with their argument names and Python's results.

const needList = (name: string, value: unknown): unknown[] => {
  if (Array.isArray(value)) return value;
  if (isMapping(value)) return Object.keys(value);
  if (typeof value === 'string' || value instanceof Markup) return [...String(value)];
  defined(value);
  throw new ExpressionError(`'${typeName(value)}' object is not iterable (filter '${name}')`);
};
const needMapping = (name: string, value: unknown): Record<string, unknown> => {
  if (isMapping(value)) return value;
  throw new ExpressionError(`${name} expects a dictionary, got ${typeName(value)}`);
};
/** A number for Ansible's math filters, which take numbers only. */
const number = (name: string, value: unknown): number => {
  if (!isNumber(value) && typeof value !== 'boolean') throw new ExpressionError(`${name}() can only be used on numbers: ${typeName(value)}`);
  return Number(unbox(value));
};
const text = (value: unknown) => (typeof value === 'string' ? value : pythonStr(defined(value)));
const int = (value: unknown, fallback = 0) => (value === undefined || value === null ? fallback : Math.trunc(Number(unbox(value))));

/** Jinja's attribute path ('a.b', '0' an index) read from an item; undefined where missing. */
export function attributeOf(item: unknown, path: unknown): unknown {
  let value = item;
  for (const part of typeof path === 'number' ? [path] : String(path).split('.')) {
    value = /^\d+$/.test(String(part)) ? getitem(value, Number(part)) : getattr(value, String(part));
  }
  return value;
}

/** A sort key: strings lowercased unless case matters (Jinja's ignore_case). */
const sortKey = (value: unknown, caseSensitive: boolean) => (!caseSensitive && typeof value === 'string' ? value.toLowerCase() : value);

/** combine's merge of two mappings (recursive: mappings inside merged too; listMerge: what happens to two lists). */
export function mergeMappings(a: Record<string, unknown>, b: Record<string, unknown>, recursive: boolean, listMerge: string): Record<string, unknown> {
  const out = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const old = out[key];
    if (recursive && isMapping(old) && isMapping(value)) out[key] = mergeMappings(old, value, recursive, listMerge);
    else if (Array.isArray(old) && Array.isArray(value) && listMerge !== 'replace') {
      if (listMerge === 'keep') out[key] = old;
      else if (listMerge === 'append') out[key] = [...old, ...value];
      else if (listMerge === 'prepend') out[key] = [...value, ...old];
      else if (listMerge === 'append_rp') out[key] = [...old.filter((item) => !value.some((other) => looseEquals(other, item))), ...value];
      else out[key] = [...value, ...old.filter((item) => !value.some((other) => looseEquals(other, item)))];
    } else out[key] = value;
  }
  return out;
}

const unique = (items: unknown[], caseSensitive = true, attribute?: unknown) => {
  const seen: unknown[] = [];
  return items.filter((item) => {
    const key = sortKey(attribute === undefined ? item : attributeOf(item, attribute), caseSensitive);
    if (seen.some((other) => looseEquals(other, key))) return false;
    seen.push(key);
    return true;
  });
};

/** Ansible's flatten: lists inside lists, to `levels` deep; None items dropped unless skip_nulls is false. */
export function flatten(items: unknown[], levels: number, skipNulls = true): unknown[] {
  return items.flatMap((item) => {
    if (skipNulls && (item === null || item === 'None')) return [];
    return Array.isArray(item) && levels > 0 ? flatten(item, levels - 1, skipNulls) : [item];
  });
}

/** Jinja's int: the number in text (in a base), a float's whole part, or the default. */
function toInt(value: unknown, fallback: unknown = 0, base: unknown = 10): unknown {
  if (typeof value === 'boolean') return Number(value);
  if (isNumber(value)) return Math.trunc(unbox(value) as number);
  const source = pythonStr(value).trim().replaceAll('_', '');
  const radix = int(base, 10);
  if (radix === 10 && /^[+-]?\d+$/.test(source)) return Number(source);
  if (radix !== 10) {
    const digits = source.replace(/^([+-]?)0[xob]/i, '$1');
    const parsed = parseInt(digits, radix);
    if (!Number.isNaN(parsed) && /^[+-]?[0-9a-z]+$/i.test(digits)) return parsed;
  }
  const float = Number(source);
  return source !== '' && Number.isFinite(float) ? Math.trunc(float) : fallback;
}

function toFloatValue(value: unknown, fallback: unknown = toFloat(0)): unknown {
  if (typeof value === 'boolean') return toFloat(Number(value));
  if (isNumber(value)) return toFloat(unbox(value) as number);
  const source = pythonStr(value).trim().toLowerCase();
  if (['inf', '+inf', 'infinity'].includes(source)) return Infinity;
  if (['-inf', '-infinity'].includes(source)) return -Infinity;
  if (source === 'nan') return NaN;
  const parsed = Number(source.replaceAll('_', ''));
  return source !== '' && !Number.isNaN(parsed) ? toFloat(parsed) : fallback;
}

/** Python's round(): the exact binary value rounded to `digits` places, an exact half to the even neighbour. */
function roundHalfEven(value: number, digits: number): number {
  if (digits < 0) {
    const factor = 10 ** -digits;
    return roundHalfEven(value / factor, 0) * factor;
  }
  const magnitude = Math.abs(value);
  // toFixed rounds the exact binary value (2.675 is 2.67499...); only an exact tie (2.5, 0.125) goes to the even neighbour.
  const exact = magnitude.toFixed(Math.min(100, digits + 60));
  const tie = /^50*$/.test(exact.slice(exact.indexOf('.') + 1 + digits));
  const kept = exact.slice(0, exact.indexOf('.') + (digits > 0 ? 1 + digits : 0));
  const lastDigit = Number(kept.replace('.', '').at(-1));
  const rounded = tie ? (lastDigit % 2 === 0 ? Number(kept) : Number(kept) + 10 ** -digits) : Number(magnitude.toFixed(digits));
  return Math.sign(value) * Number(rounded.toFixed(digits));
}

const select =
  (name: string, keep: boolean): Filter =>
  (value, [test, ...testArgs], kwargs) =>
    needList(name, value).filter((item) => (test === undefined ? pyTruthy(item) : runTest(String(test), item, testArgs, kwargs)) === keep);

const selectAttr =
  (name: string, keep: boolean): Filter =>
  (value, [path, test, ...testArgs], kwargs) =>
    needList(name, value).filter((item) => {
      const found = attributeOf(item, path);
      return (test === undefined ? pyTruthy(found) : runTest(String(test), found, testArgs, kwargs)) === keep;
    });

const hash = (algorithm: string) => (value: unknown) => createHash(algorithm).update(text(value)).digest('hex');

/** map('filter', args) runs a filter on each item; map(attribute='x', default=...) reads an attribute of each. */
const map: Filter = (value, [name, ...rest], kwargs) => {
  const items = needList('map', value);
  if (kwargs.attribute !== undefined) {
    return items.map((item) => {
      const found = attributeOf(item, kwargs.attribute);
      return found instanceof Undefined && 'default' in kwargs ? kwargs.default : found;
    });
  }
  if (name === undefined) throw new ExpressionError('map() needs a filter name or attribute=...');
  const short = String(name).slice(String(name).lastIndexOf('.') + 1);
  const filter = Object.prototype.hasOwnProperty.call(filters, short) ? filters[short] : undefined;
  if (!filter) throw new ExpressionError(`no filter named '${String(name)}'`);
  return items.map((item) => filter(item, rest, kwargs));
};

/** Ansible's extract: container[item], then each of morekeys ('h1' | extract(hostvars, 'ansible_host')). */
const extract: Filter = (value, [container, morekeys]) => {
  const keys = morekeys === undefined ? [] : Array.isArray(morekeys) ? morekeys : [morekeys];
  const found = [value, ...keys].reduce<unknown>((current, key) => getitem(current, key), container);
  if (found instanceof Undefined) throw new UndefinedVariable(`${pythonStr(value)}${keys.map((k) => `.${pythonStr(k)}`).join('')}`);
  return found;
};

/** default(value, boolean=false): the fallback when the value is undefined (or, with boolean, false as Python judges it). */
const defaultFilter: Filter = (value, [fallback, boolean], kw) => {
  const useDefault = value instanceof Undefined || (pyTruthy(boolean ?? kw.boolean ?? false) && !pyTruthy(value));
  return useDefault ? (fallback ?? kw.default_value ?? '') : value;
};

const minMax =
  (name: string, pick: (order: number) => boolean): Filter =>
  (value, _args, kw) => {
    const items = needList(name, value);
    if (!items.length) return new Undefined(name, `No aggregated item, sequence was empty.`);
    const key = (item: unknown) => sortKey(kw.attribute === undefined ? item : attributeOf(item, kw.attribute), pyTruthy(kw.case_sensitive ?? false));
    return items.reduce((best, item) => (pick(pyCompare(key(item), key(best))) ? item : best));
  };

const dictItems = (value: Record<string, unknown>) => Object.entries(value).map((entry) => tuple(entry));

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
const escapeHtml = (value: unknown) => (value instanceof Markup ? value : new Markup(text(value).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char])));

/** Python's urllib.parse.quote: letters, digits and _.-~ are kept, and the safe characters. */
export function urlQuote(value: string, safe = '/'): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.\-~]/.test(char) || safe.includes(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const urlencode: Filter = (value) => {
  if (typeof value === 'string') return urlQuote(value);
  const pairs = isMapping(value) ? Object.entries(value) : (needList('urlencode', value) as unknown[][]);
  return pairs.map(([key, item]) => `${urlQuote(text(key), '').replaceAll('%20', '+')}=${urlQuote(text(item), '').replaceAll('%20', '+')}`).join('&');
};

/** Jinja's truncate: at most `length` characters (with `leeway` to spare), ending in `end`, words kept whole unless killwords. */
const truncate: Filter = (value, [length = 255, killwords = false, end = '...', leeway], kw) => {
  const s = text(value);
  const max = int(kw.length ?? length);
  const tail = String(kw.end ?? end);
  const spare = int(kw.leeway ?? leeway, 5);
  if (s.length <= max + spare) return s;
  if (pyTruthy(kw.killwords ?? killwords)) return s.slice(0, max - tail.length) + tail;
  const cut = s.slice(0, max - tail.length);
  const lastSpace = cut.lastIndexOf(' ');
  return (lastSpace >= 0 ? cut.slice(0, lastSpace) : cut) + tail;
};

const wordwrap: Filter = (value, [width = 79, breakLongWords = true, wrapstring], kw) => {
  const limit = int(kw.width ?? width);
  const separator = String(kw.wrapstring ?? wrapstring ?? '\n');
  const breakLong = pyTruthy(kw.break_long_words ?? breakLongWords);
  return text(value)
    .split(/\r?\n/)
    .map((paragraph) => {
      const lines: string[] = [];
      let line = '';
      for (let word of paragraph.split(/\s+/).filter(Boolean)) {
        while (breakLong && word.length > limit) {
          if (line) lines.push(line);
          lines.push(word.slice(0, limit));
          word = word.slice(limit);
          line = '';
        }
        if (!line) line = word;
        else if (line.length + 1 + word.length <= limit) line += ` ${word}`;
        else {
          lines.push(line);
          line = word;
        }
      }
      if (line) lines.push(line);
      return lines.join(separator);
    })
    .join(separator);
};

const filesizeformat: Filter = (value, [binary = false]) => {
  const bytes = Number(unbox(value));
  const base = pyTruthy(binary) ? 1024 : 1000;
  const prefixes = pyTruthy(binary) ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  if (bytes === 1) return '1 Byte';
  if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
  let unit = base;
  for (let i = 0; i < prefixes.length; i++) {
    unit = base ** (i + 2);
    if (bytes < unit) return `${((base * bytes) / unit).toFixed(1)} ${prefixes[i]}`;
  }
  return `${((base * bytes) / unit).toFixed(1)} ${prefixes.at(-1)}`;
};

const groupby: Filter = (value, [attribute, fallback], kw) => {
  const path = kw.attribute ?? attribute;
  const caseSensitive = pyTruthy(kw.case_sensitive ?? false);
  const keyOf = (item: unknown) => {
    const found = attributeOf(item, path);
    return found instanceof Undefined ? (kw.default ?? fallback ?? defined(found)) : found;
  };
  const sorted = [...needList('groupby', value)].sort((a, b) => pyCompare(sortKey(keyOf(a), caseSensitive), sortKey(keyOf(b), caseSensitive)));
  const groups: [unknown, unknown[]][] = [];
  for (const item of sorted) {
    const key = keyOf(item);
    const last = groups.at(-1);
    if (last && looseEquals(sortKey(last[0], caseSensitive), sortKey(key, caseSensitive))) last[1].push(item);
    else groups.push([key, [item]]);
  }
  return groups.map((group) => tuple(group));
};

const batch: Filter = (value, [count, fillWith]) => {
  const items = needList('batch', value);
  const size = int(count);
  const out: unknown[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  const last = out.at(-1);
  if (last && fillWith !== undefined && fillWith !== null) while (last.length < size) last.push(fillWith);
  return out;
};

const sliceFilter: Filter = (value, [slices, fillWith]) => {
  const items = needList('slice', value);
  const count = int(slices);
  const perSlice = Math.floor(items.length / count);
  const withExtra = items.length % count;
  const out: unknown[][] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const size = perSlice + (i < withExtra ? 1 : 0);
    const part = items.slice(offset, offset + size);
    offset += size;
    if (fillWith !== undefined && fillWith !== null && i >= withExtra && withExtra > 0) part.push(fillWith);
    out.push(part);
  }
  return out;
};

const indent: Filter = (value, [width = 4, first = false, blank = false], kw) => {
  const w = kw.width ?? width;
  const pad = typeof w === 'string' ? w : ' '.repeat(int(w));
  const lines = text(value).split('\n');
  const withBlank = pyTruthy(kw.blank ?? blank);
  const indentFirst = pyTruthy(kw.first ?? first);
  return lines.map((line, index) => ((index > 0 || indentFirst) && (line !== '' || withBlank) ? pad + line : line)).join('\n');
};

const round: Filter = (value, [precision = 0, method = 'common'], kw) => {
  const digits = int(kw.precision ?? precision);
  const how = String(kw.method ?? method);
  const number = Number(unbox(value));
  if (how === 'common') return isFloat(value) || digits !== 0 || !Number.isInteger(number) ? toFloat(roundHalfEven(number, digits)) : number;
  if (how !== 'ceil' && how !== 'floor') throw new ExpressionError('method must be common, ceil or floor');
  const factor = 10 ** digits;
  return toFloat((how === 'ceil' ? Math.ceil : Math.floor)(number * factor) / factor);
};

const sum: Filter = (value, [attribute, start = 0], kw) => {
  const path = kw.attribute ?? attribute;
  const items = needList('sum', value).map((item) => (path === undefined || path === null ? item : attributeOf(item, path)));
  let total: unknown = kw.start ?? start;
  for (const item of items) {
    if (Array.isArray(total) && Array.isArray(item)) total = [...total, ...item];
    else if (!isNumber(item) && typeof item !== 'boolean')
      throw new ExpressionError(`unsupported operand type(s) for +: '${typeName(total)}' and '${typeName(item)}'`);
    else total = isFloat(total) || isFloat(item) ? toFloat(Number(unbox(total)) + Number(unbox(item))) : Number(unbox(total)) + Number(unbox(item));
  }
  return total;
};

const sort: Filter = (value, [reverse = false, caseSensitive = false, attribute], kw) => {
  const path = kw.attribute ?? attribute;
  const exact = pyTruthy(kw.case_sensitive ?? caseSensitive);
  const key = (item: unknown) => sortKey(path === undefined || path === null ? item : attributeOf(item, path), exact);
  const paths = path === undefined || path === null ? undefined : String(path).split(',');
  const sorted = [...needList('sort', value)].sort((a, b) => {
    if (paths && paths.length > 1) {
      for (const one of paths) {
        const order = pyCompare(sortKey(attributeOf(a, one.trim()), exact), sortKey(attributeOf(b, one.trim()), exact));
        if (order) return order;
      }
      return 0;
    }
    return pyCompare(key(a), key(b));
  });
  return pyTruthy(kw.reverse ?? reverse) ? sorted.reverse() : sorted;
};

const dictsort: Filter = (value, [caseSensitive = false, by = 'key', reverse = false], kw) => {
  const position = String(kw.by ?? by) === 'value' ? 1 : 0;
  const exact = pyTruthy(kw.case_sensitive ?? caseSensitive);
  const items = dictItems(needMapping('dictsort', value)).sort((a, b) => pyCompare(sortKey(a[position], exact), sortKey(b[position], exact)));
  return pyTruthy(kw.reverse ?? reverse) ? items.reverse() : items;
};

const combine: Filter = (value, others, kw) => {
  const all = [value, ...others.flatMap((other) => (Array.isArray(other) ? other : [other]))].map((item) => needMapping('combine', item));
  return all.reduce((out, next) => mergeMappings(out, next, pyTruthy(kw.recursive ?? false), String(kw.list_merge ?? 'replace')));
};

const regexFlags = (kw: Record<string, unknown>, extra = '') =>
  extra + (pyTruthy(kw.ignorecase ?? false) ? 'i' : '') + (pyTruthy(kw.multiline ?? false) ? 'm' : '');

/** Ansible's regex_search: the match, or the groups named by '\\1' and '\\g<name>' arguments (read before searching, as Ansible does). */
const regexSearch: Filter = (value, [pattern, ...groups], kw) => {
  const references = groups.map((group) => {
    const reference = /^\\(\d+)|^\\g<(\S+)>/.exec(String(group));
    if (!reference) throw new ExpressionError(String(group).startsWith('\\') ? `regex_search: cannot read the group ${pythonRepr(group)}` : 'Unknown argument');
    return reference[1] !== undefined ? Number(reference[1]) : reference[2];
  });
  const found = pythonRegExp(String(pattern), regexFlags(kw)).exec(text(value));
  if (!found) return null;
  if (!references.length) return found[0];
  return references.map((reference) => (typeof reference === 'number' ? (found[reference] ?? null) : (found.groups?.[reference] ?? null)));
};

const regexFindall: Filter = (value, [pattern], kw) =>
  [...text(value).matchAll(pythonRegExp(String(pattern), regexFlags(kw, 'g')))].map((m) =>
    m.length > 2 ? tuple(m.slice(1).map((g) => g ?? '')) : (m[1] ?? m[0]),
  );

const ternary: Filter = (value, [yes, no, none]) => (value === null && none !== undefined ? none : pyTruthy(value) ? yes : no);

/** Jinja's builtin filters and Ansible's core ones, by name. */
export const filters: Record<string, Filter> = {
  // Jinja's
  abs: (value) => {
    if (typeof value === 'boolean') return Number(value);
    if (!isNumber(value)) throw new ExpressionError(`bad operand type for abs(): '${typeName(value)}'`);
    return value instanceof PyFloat ? toFloat(Math.abs(value.value)) : Math.abs(value);
  },
  attr: (value, [name]) => getattr(value, String(name)),
  batch,
  capitalize: (value) => text(value).charAt(0).toUpperCase() + text(value).slice(1).toLowerCase(),
  center: (value, [width = 80]) => {
    const s = text(value);
    const missing = Math.max(0, int(width) - s.length);
    const left = Math.floor(missing / 2) + (missing % 2 && int(width) % 2 ? 1 : 0);
    return ' '.repeat(left) + s + ' '.repeat(missing - left);
  },
  count: (value, args, kw) => filters.length(value, args, kw),
  default: defaultFilter,
  d: defaultFilter,
  dictsort,
  escape: escapeHtml,
  e: escapeHtml,
  forceescape: (value) => new Markup(text(value).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char])),
  filesizeformat,
  first: (value) => {
    const items = needList('first', value);
    return items.length ? items[0] : new Undefined('first', 'No first item, sequence was empty.');
  },
  float: (value, [fallback]) => toFloatValue(value, fallback ?? toFloat(0)),
  format: (value, args, kwargs) => (Object.keys(kwargs).length ? percentFormat(text(value), kwargs) : percentFormat(text(value), tuple(args))),
  groupby,
  indent,
  int: (value, [fallback = 0, base = 10], kw) => toInt(value, kw.default ?? fallback, kw.base ?? base),
  items: (value) => (value instanceof Undefined ? [] : dictItems(needMapping('items', value))),
  join: (value, [separator = '', attribute], kw) => {
    const path = kw.attribute ?? attribute;
    return needList('join', value)
      .map((item) => text(path === undefined || path === null ? item : attributeOf(item, path)))
      .join(String(kw.d ?? separator));
  },
  last: (value) => {
    const items = needList('last', value);
    return items.length ? items.at(-1) : new Undefined('last', 'No last item, sequence was empty.');
  },
  length: (value) => {
    if (typeof value === 'string' || value instanceof Markup) return [...String(value)].length;
    if (Array.isArray(value)) return value.length;
    if (isMapping(value)) return Object.keys(value).length;
    throw new ExpressionError(`object of type '${typeName(value)}' has no len()`);
  },
  list: (value) => [...needList('list', value)],
  lower: (value) => text(value).toLowerCase(),
  map,
  max: minMax('max', (order) => order > 0),
  min: minMax('min', (order) => order < 0),
  pprint: (value) => pythonRepr(value),
  random: (value, args, kwargs) => {
    const [start = kwargs.start ?? 0, step = kwargs.step ?? 1] = args;
    if (isNumber(value)) {
      const end = Number(unbox(value));
      const choices = Math.max(0, Math.ceil((end - Number(start)) / Number(step)));
      if (choices === 0) throw new ExpressionError('random: empty range for randrange()');
      return Number(start) + randomInt(choices) * Number(step);
    }
    const items = needList('random', value);
    if (!items.length) throw new ExpressionError('random: cannot choose from an empty sequence');
    return items[randomInt(items.length)];
  },
  reject: select('reject', false),
  rejectattr: selectAttr('rejectattr', false),
  replace: (value, [old, replacement, count]) => {
    const s = text(value);
    const limit = count === undefined || count === null ? Infinity : int(count);
    const parts = s.split(text(old));
    if (limit >= parts.length - 1) return parts.join(text(replacement));
    return parts.slice(0, limit + 1).join(text(replacement)) + text(old) + parts.slice(limit + 1).join(text(old));
  },
  reverse: (value) => (typeof value === 'string' ? [...value].reverse().join('') : [...needList('reverse', value)].reverse()),
  round,
  safe: (value) => new Markup(text(value)),
  select: select('select', true),
  selectattr: selectAttr('selectattr', true),
  slice: sliceFilter,
  sort,
  string: (value) => text(value),
  striptags: (value) =>
    text(value)
      .replace(/<!--[\s\S]*?-->|<[^>]*>/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  sum,
  title: (value) => text(value).replace(/([\p{L}\p{N}]+[^\s\-()[\]{}]*)/gu, (word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase()),
  tojson: (value, [indentBy], kw) =>
    new Markup(
      jsonDumps(value, { indent: (kw.indent ?? indentBy ?? null) as number | null, sortKeys: true }).replace(
        /[<>&']/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      ),
    ),
  trim: (value, [chars]) => {
    const s = text(value);
    if (chars === undefined || chars === null) return s.trim();
    const set = String(chars);
    let [start, end] = [0, s.length];
    while (start < end && set.includes(s[start])) start++;
    while (end > start && set.includes(s[end - 1])) end--;
    return s.slice(start, end);
  },
  truncate,
  unique: (value, [caseSensitive, attribute], kw) => {
    const items = needList('unique', value);
    const exact = kw.case_sensitive ?? caseSensitive;
    // Ansible's fallback for lists Jinja cannot hash (mappings, lists) knows no case_sensitive=False.
    if (exact === false && items.some((item) => typeof item === 'object' && item !== null))
      throw new ExpressionError("Jinja2's unique filter failed and we cannot fall back to Ansible's version as it does not support the parameters supplied");
    return unique(items, pyTruthy(exact ?? false), kw.attribute ?? attribute);
  },
  upper: (value) => text(value).toUpperCase(),
  urlencode,
  urlize: (value) => text(value).replace(/\b(https?:\/\/[^\s<]+)/g, '<a href="$1" rel="noopener">$1</a>'),
  wordcount: (value) => (text(value).match(/\w+/g) ?? []).length,
  wordwrap,
  xmlattr: (value, [autospace = true]) => {
    const attrs = Object.entries(needMapping('xmlattr', value))
      .filter(([, item]) => item !== null && !(item instanceof Undefined))
      .map(([key, item]) => `${key}="${text(item).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char])}"`)
      .join(' ');
    return new Markup(attrs && pyTruthy(autospace) ? ` ${attrs}` : attrs);
  },
  // Ansible's core
  bool: (value) => {
    if (value === null || typeof value === 'boolean') return value;
    if (typeof value === 'string') return ['yes', 'on', '1', 'true'].includes(value.toLowerCase());
    return isNumber(value) ? Number(unbox(value)) === 1 : false;
  },
  ternary,
  mandatory: (value, [message], kw) => {
    if (value instanceof Undefined) throw new ExpressionError(String(kw.msg ?? message ?? `Mandatory variable '${value.name}' not defined.`));
    return value;
  },
  to_json: (value, _args, kw) =>
    jsonDumps(value, {
      indent: (kw.indent ?? null) as number | null,
      sortKeys: pyTruthy(kw.sort_keys ?? false),
      ensureAscii: pyTruthy(kw.ensure_ascii ?? true),
      ...(Array.isArray(kw.separators) ? { separators: kw.separators.map(String) as [string, string] } : {}),
    }),
  to_nice_json: (value, [indentBy = 4, sortKeys = true], kw) =>
    jsonDumps(value, {
      indent: int(kw.indent ?? indentBy),
      sortKeys: pyTruthy(kw.sort_keys ?? sortKeys),
      separators: [',', ': '],
      ensureAscii: pyTruthy(kw.ensure_ascii ?? true),
    }),
  from_json: (value) => {
    try {
      return JSON.parse(text(value));
    } catch (error) {
      throw new ExpressionError(`from_json: ${(error as Error).message}`);
    }
  },
  to_yaml: (value, _args, kw) => yamlDump(value, { flowLeaves: kw.default_flow_style !== false, indent: kw.indent === undefined ? 2 : int(kw.indent) }),
  to_nice_yaml: (value, [indentBy = 4], kw) => yamlDump(value, { flowLeaves: false, indent: int(kw.indent ?? indentBy) }),
  from_yaml: (value) => (typeof value === 'string' ? fromYaml(value) : value),
  from_yaml_all: (value) => (typeof value === 'string' ? fromYamlAll(value) : value),
  quote: (value) => quote(value === null ? '' : text(value)),
  b64decode: (value, [encoding], kw) => decodeText(Buffer.from(text(value), 'base64'), String(kw.encoding ?? encoding ?? 'utf-8')),
  b64encode: (value, [encoding], kw) => encodeText(text(value), String(kw.encoding ?? encoding ?? 'utf-8')).toString('base64'),
  hash: (value, [algorithm = 'sha1']) => hash(String(algorithm))(value),
  md5: hash('md5'),
  sha1: hash('sha1'),
  checksum: hash('sha1'),
  regex_replace: (value, [pattern = '', replacement = '', ignorecase, multiline, count], kw) => {
    const limit = int(kw.count ?? count, 0);
    const flags = regexFlags({ ignorecase: kw.ignorecase ?? ignorecase ?? false, multiline: kw.multiline ?? multiline ?? false });
    if (limit > 0) {
      let s = text(value);
      const one = pythonRegExp(String(pattern), flags);
      let done = 0;
      let offset = 0;
      while (done < limit) {
        const rest = s.slice(offset);
        const found = one.exec(rest);
        if (!found) break;
        const replaced = pythonSub(found[0], pythonRegExp(String(pattern), flags), String(replacement)).text;
        s = s.slice(0, offset + found.index) + replaced + rest.slice(found.index + found[0].length);
        offset += found.index + replaced.length + (found[0].length ? 0 : 1);
        done++;
      }
      return s;
    }
    return pythonSub(text(value), pythonRegExp(String(pattern), `g${flags}`), String(replacement)).text;
  },
  regex_search: regexSearch,
  regex_findall: regexFindall,
  regex_escape: (value, [type = 'python']) => {
    if (type === 'posix_basic') return text(value).replace(/[.^$*[\]\\]/g, '\\$&');
    return text(value).replace(/[^A-Za-z0-9_]/g, '\\$&');
  },
  combine,
  extract,
  flatten: (value, [levels], kw) => {
    const depth = kw.levels ?? levels;
    return flatten(needList('flatten', value), depth === undefined || depth === null ? Infinity : int(depth), pyTruthy(kw.skip_nulls ?? true));
  },
  dict2items: (value, _args, kw) => {
    if (!isMapping(value)) throw new ExpressionError(`dict2items requires a dictionary, got ${typeName(value)} instead.`);
    return Object.entries(value).map(([key, item]) => ({ [String(kw.key_name ?? 'key')]: key, [String(kw.value_name ?? 'value')]: item }));
  },
  items2dict: (value, _args, kw) => {
    const keyName = String(kw.key_name ?? 'key');
    const valueName = String(kw.value_name ?? 'value');
    return Object.fromEntries(
      needList('items2dict', value).map((item) => {
        if (!isMapping(item)) throw new ExpressionError(`items2dict requires a list of dictionaries, got ${typeName(item)} instead.`);
        if (!(keyName in item) || !(valueName in item))
          throw new ExpressionError(`items2dict requires each dictionary to have keys '${keyName}' and '${valueName}'`);
        return [text(item[keyName]), item[valueName]];
      }),
    );
  },
  type_debug: (value) => typeName(value),
  split: (value, [separator, maxsplit]) => {
    const s = text(value);
    if (separator === undefined || separator === null) return s.trim().split(/\s+/).filter(Boolean);
    const parts = s.split(String(separator));
    const limit = maxsplit === undefined ? Infinity : int(maxsplit);
    return limit >= parts.length - 1 ? parts : [...parts.slice(0, limit), parts.slice(limit).join(String(separator))];
  },
  basename: (value) => posix.basename(text(value)),
  dirname: (value) => posix.dirname(text(value)).replace(/^\.$/, ''),
  // Ansible's filters run on the controller: '~' is this machine's home.
  expanduser: (value) => text(value).replace(/^~(?=$|\/)/, homedir()),
  expandvars: (value) =>
    text(value).replace(/\$(\w+)|\$\{(\w+)\}/g, (whole, a: string | undefined, b: string | undefined) => process.env[a ?? b ?? ''] ?? whole),
  // os.path.realpath on the controller: links resolved; a path that does not exist is made absolute all the same.
  realpath: (value) => {
    try {
      return realpathSync(text(value));
    } catch {
      return resolve(text(value));
    }
  },
  relpath: (value, [start]) => posix.relative(start === undefined ? process.cwd() : text(start), text(value)) || '.',
  splitext: (value) => {
    const s = text(value);
    const extension = posix.extname(s);
    return tuple([s.slice(0, s.length - extension.length), extension]);
  },
  path_join: (value) => {
    const parts = typeof value === 'string' ? [value] : needList('path_join', value).map(text);
    return parts.reduce((joined, part) => (part.startsWith('/') ? part : joined === '' || joined.endsWith('/') ? joined + part : `${joined}/${part}`), '');
  },
  // Ansible's mathstuff
  union: (value, [other]) => unique([...needList('union', value), ...needList('union', other)]),
  intersect: (value, [other]) => unique(needList('intersect', value).filter((item) => needList('intersect', other).some((o) => looseEquals(o, item)))),
  difference: (value, [other]) => unique(needList('difference', value).filter((item) => !needList('difference', other).some((o) => looseEquals(o, item)))),
  symmetric_difference: (value, [other], kw) => {
    const both = filters.intersect(value, [other], kw) as unknown[];
    return unique([...needList('symmetric_difference', value), ...needList('symmetric_difference', other)]).filter(
      (item) => !both.some((o) => looseEquals(o, item)),
    );
  },
  zip: (value, others) => {
    const lists = [needList('zip', value), ...others.map((other) => needList('zip', other))];
    const length = Math.min(...lists.map((list) => list.length));
    return Array.from({ length }, (_, index) => tuple(lists.map((list) => list[index])));
  },
  zip_longest: (value, others, kw) => {
    const lists = [needList('zip_longest', value), ...others.map((other) => needList('zip_longest', other))];
    const length = Math.max(...lists.map((list) => list.length));
    return Array.from({ length }, (_, index) => tuple(lists.map((list) => (index < list.length ? list[index] : (kw.fillvalue ?? null)))));
  },
  log: (value, [base]) => {
    const x = number('log', value);
    if (x <= 0) throw new ExpressionError('log() math domain error');
    return toFloat(base === undefined ? Math.log(x) : Math.log(x) / Math.log(number('log', base)));
  },
  pow: (value, [exponent]) => toFloat(number('pow', value) ** number('pow', exponent)),
  root: (value, [base = 2]) => {
    const x = number('root', value);
    if (x < 0) throw new ExpressionError('root() math domain error');
    return toFloat(Number(base) === 2 ? Math.sqrt(x) : x ** (1 / number('root', base)));
  },
  ...extraFilters,
};
