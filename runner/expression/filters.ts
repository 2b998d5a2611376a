import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { posix, resolve } from 'node:path';
import iconv from 'iconv-lite';
import { quote } from 'shlex';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { ExpressionError, UndefinedVariable } from './errors.js';
import { isMapping, isTruthy, looseEquals, pythonStr } from './python.js';
import { pythonRegExp, pythonSub } from './python-regex.js';
import { runTest } from './tests.js';

/** A filter gets the value before '|', then its positional and keyword arguments. */
export type Filter = (value: unknown, args: unknown[], kwargs: Record<string, unknown>) => unknown;

const needList = (name: string, value: unknown): unknown[] => {
  if (Array.isArray(value)) return value;
  if (isMapping(value)) return Object.keys(value);
  if (typeof value === 'string') return [...value];
  throw new ExpressionError(`filter '${name}' needs a list, got ${pythonStr(value)}`);
};
const needMapping = (name: string, value: unknown): Record<string, unknown> => {
  if (isMapping(value)) return value;
  throw new ExpressionError(`filter '${name}' needs a mapping, got ${pythonStr(value)}`);
};

/** A Python regular expression as JavaScript reads it: (?P<name>...) groups. */
const regex = (pattern: unknown, flags: string) => pythonRegExp(String(pattern), flags);
const regexFlags = (kwargs: Record<string, unknown>, extra = '') => extra + (kwargs.ignorecase ? 'i' : '') + (kwargs.multiline ? 'm' : '');

/** The attribute 'a.b' of an item, as map/sort/selectattr take it. */
const attribute = (item: unknown, path: unknown): unknown =>
  String(path)
    .split('.')
    .reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), item);

/** combine's merge of two mappings (recursive: mappings inside merged too; listMerge: what happens to two lists). */
export function mergeMappings(a: Record<string, unknown>, b: Record<string, unknown>, recursive: boolean, listMerge: string): Record<string, unknown> {
  const out = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const old = out[key];
    if (recursive && isMapping(old) && isMapping(value)) out[key] = mergeMappings(old, value, recursive, listMerge);
    else if (Array.isArray(old) && Array.isArray(value) && listMerge !== 'replace') {
      out[key] = listMerge === 'prepend' ? [...value, ...old] : listMerge.endsWith('_rp') ? unique([...old, ...value]) : [...old, ...value];
    } else out[key] = value;
  }
  return out;
}

const unique = (items: unknown[]) => items.filter((item, index) => items.findIndex((other) => looseEquals(other, item)) === index);

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

export function flatten(items: unknown[], levels: number): unknown[] {
  return items.flatMap((item) => (Array.isArray(item) && levels > 0 ? flatten(item, levels - 1) : [item]));
}

function toInt(value: unknown, fallback: unknown = 0, base: unknown = 10): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  const text = String(value).trim();
  const parsed = Number(base) === 10 ? Number(text) : parseInt(text.replace(/^0[xob]/i, ''), Number(base));
  return Number.isFinite(parsed) ? Math.trunc(parsed) : (fallback as number);
}

const select =
  (name: string, keep: boolean): Filter =>
  (value, args) => {
    const [test, ...testArgs] = args;
    return needList(name, value).filter((item) => (test === undefined ? isTruthy(item) : runTest(String(test), item, testArgs)) === keep);
  };
const selectAttr =
  (name: string, keep: boolean): Filter =>
  (value, args) => {
    const [path, test, ...testArgs] = args;
    return needList(name, value).filter((item) => {
      const found = attribute(item, path);
      return (test === undefined ? isTruthy(found) : runTest(String(test), found, testArgs)) === keep;
    });
  };

const sortKeys = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(sortKeys)
    : isMapping(value)
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((key) => [key, sortKeys(value[key])]),
        )
      : value;

const hash = (algorithm: string) => (value: unknown) => createHash(algorithm).update(String(value)).digest('hex');

/** map(attribute='x') picks an attribute of each item; map('name', args) runs a filter on each. */
/** Ansible's extract: container[item], then each of morekeys ('h1' | extract(hostvars, 'ansible_host')). */
const extract: Filter = (value, [container, morekeys]) => {
  const keys = morekeys === undefined ? [] : Array.isArray(morekeys) ? morekeys : [morekeys];
  return [value, ...keys].reduce<unknown>((found, key) => {
    const next = found !== null && typeof found === 'object' ? (found as Record<string, unknown>)[String(key)] : undefined;
    if (next === undefined) throw new UndefinedVariable(`${pythonStr(value)}${keys.map((k) => `.${pythonStr(k)}`).join('')}`);
    return next;
  }, container);
};

const map: Filter = (value, [name, ...rest], kw) => {
  const items = needList('map', value);
  if (kw.attribute !== undefined) {
    return items.map((item) => {
      const found = attribute(item, kw.attribute);
      if (found === undefined && !('default' in kw)) throw new UndefinedVariable(`item.${String(kw.attribute)}`);
      return found === undefined ? kw.default : found;
    });
  }
  const filter = Object.prototype.hasOwnProperty.call(filters, String(name)) ? filters[String(name)] : undefined;
  if (!filter) throw new ExpressionError(`map() needs a filter name or attribute=..., got ${pythonStr(name)}`);
  return items.map((item) => filter(item, rest, {}));
};

/** default(value, boolean=false): the fallback when the value is undefined (or, with boolean, false as Python judges it).
 * Not in the table below: it is given undefined where every other filter is given a value. */
export const defaultFilter: Filter = (value, [fallback, boolean], kw) =>
  value === undefined || ((boolean ?? kw.boolean) === true && !isTruthy(value)) ? (fallback ?? kw.default_value ?? '') : value;

/** Jinja's built-in filters and Ansible's most used ones. */
export const filters: Record<string, Filter> = {
  map,
  extract,
  length: (value) => (typeof value === 'string' || Array.isArray(value) ? value.length : isMapping(value) ? Object.keys(value).length : 0),
  count: (value, args, kw) => filters.length(value, args, kw),
  bool: (value) => (typeof value === 'string' ? ['true', 'yes', 'on', '1', 'y', 't'].includes(value.trim().toLowerCase()) : Boolean(value)),
  int: (value, [fallback, base]) => toInt(value, fallback, base),
  float: (value, [fallback = 0]) => (Number.isFinite(Number(value)) && String(value).trim() !== '' ? Number(value) : fallback),
  string: (value) => pythonStr(value),
  abs: (value) => Math.abs(Number(value)),
  round: (value, [precision = 0, method = 'common']) => {
    const factor = 10 ** Number(precision);
    const rounder = method === 'ceil' ? Math.ceil : method === 'floor' ? Math.floor : Math.round;
    return rounder(Number(value) * factor) / factor;
  },
  lower: (value) => pythonStr(value).toLowerCase(),
  upper: (value) => pythonStr(value).toUpperCase(),
  capitalize: (value) => pythonStr(value).charAt(0).toUpperCase() + pythonStr(value).slice(1).toLowerCase(),
  title: (value) => pythonStr(value).replace(/\w\S*/g, (word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase()),
  trim: (value) => pythonStr(value).trim(),
  replace: (value, [old, replacement, count]) => {
    let left = count === undefined ? Infinity : Number(count);
    return pythonStr(value)
      .split(String(old))
      .reduce((out, part, index) => (index === 0 ? part : out + (left-- > 0 ? String(replacement) : String(old)) + part), '');
  },
  split: (value, [separator]) => (separator === undefined ? pythonStr(value).trim().split(/\s+/) : pythonStr(value).split(String(separator))),
  indent: (value, [width = 4, first = false], kw) => {
    const pad = typeof width === 'string' ? width : ' '.repeat(Number(width));
    const lines = pythonStr(value).split('\n');
    const blank = kw.blank === true;
    return lines.map((line, index) => ((index > 0 || first || kw.first) && (line !== '' || blank) ? pad + line : line)).join('\n');
  },
  first: (value) => needList('first', value)[0],
  last: (value) => needList('last', value).at(-1),
  join: (value, [separator = '']) => needList('join', value).map(pythonStr).join(String(separator)),
  list: (value) => needList('list', value),
  reverse: (value) => (typeof value === 'string' ? [...value].reverse().join('') : [...needList('reverse', value)].reverse()),
  unique: (value) => unique(needList('unique', value)),
  // A random item of a list, or (Ansible) a random number below N: range(start, N, step).
  random: (value, args, kwargs) => {
    const [start = kwargs.start ?? 0, step = kwargs.step ?? 1] = args;
    if (typeof value === 'number') {
      const choices = Math.max(0, Math.ceil((value - Number(start)) / Number(step)));
      if (choices === 0) throw new ExpressionError('random: the range is empty');
      return Number(start) + Math.floor(Math.random() * choices) * Number(step);
    }
    const items = typeof value === 'string' ? [...value] : needList('random', value);
    if (items.length === 0) throw new ExpressionError('random: the list is empty');
    return items[Math.floor(Math.random() * items.length)];
  },
  sort: (value, [reverse = false], kw) => {
    const by = kw.attribute;
    const sorted = [...needList('sort', value)].sort((a, b) => (by === undefined ? compare(a, b) : compare(attribute(a, by), attribute(b, by))));
    return reverse || kw.reverse ? sorted.reverse() : sorted;
  },
  min: (value) => [...needList('min', value)].sort(compare)[0],
  max: (value) => [...needList('max', value)].sort(compare).at(-1),
  sum: (value, [start = 0], kw) =>
    needList('sum', value).reduce<number>(
      (total, item) => total + Number(kw.attribute === undefined ? item : attribute(item, kw.attribute)),
      Number(kw.start ?? start),
    ),
  flatten: (value, [levels], kw) => flatten(needList('flatten', value), Number(kw.levels ?? levels ?? Infinity)),
  union: (value, [other]) => unique([...needList('union', value), ...needList('union', other)]),
  intersect: (value, [other]) => unique(needList('intersect', value).filter((item) => needList('intersect', other).some((o) => looseEquals(o, item)))),
  difference: (value, [other]) => unique(needList('difference', value).filter((item) => !needList('difference', other).some((o) => looseEquals(o, item)))),
  symmetric_difference: (value, [other], kw) => [
    ...(filters.difference(value, [other], kw) as unknown[]),
    ...(filters.difference(other, [value], kw) as unknown[]),
  ],
  zip: (value, others) => needList('zip', value).map((item, index) => [item, ...others.map((other) => needList('zip', other)[index])]),
  select: select('select', true),
  reject: select('reject', false),
  selectattr: selectAttr('selectattr', true),
  rejectattr: selectAttr('rejectattr', false),
  dict2items: (value, _args, kw) =>
    Object.entries(needMapping('dict2items', value)).map(([key, item]) => ({ [String(kw.key_name ?? 'key')]: key, [String(kw.value_name ?? 'value')]: item })),
  items2dict: (value, _args, kw) =>
    Object.fromEntries(needList('items2dict', value).map((item) => [String(attribute(item, kw.key_name ?? 'key')), attribute(item, kw.value_name ?? 'value')])),
  combine: (value, others, kw) => {
    const all = [value, ...others.flatMap((other) => (Array.isArray(other) ? other : [other]))].map((item) => needMapping('combine', item));
    return all.reduce((out, next) => mergeMappings(out, next, kw.recursive === true, String(kw.list_merge ?? 'replace')));
  },
  ternary: (value, [yes, no, none]) => (value === null && none !== undefined ? none : isTruthy(value) ? yes : no),
  mandatory: (value, [message]) => {
    if (value === undefined) throw new ExpressionError(String(message ?? 'a mandatory variable is not defined'));
    return value;
  },
  // Ansible's encoding= (utf-8 unless told): the text's bytes in that encoding.
  b64decode: (value, [encoding], kw) => iconv.decode(Buffer.from(pythonStr(value), 'base64'), String(kw.encoding ?? encoding ?? 'utf-8')),
  b64encode: (value, [encoding], kw) => iconv.encode(pythonStr(value), String(kw.encoding ?? encoding ?? 'utf-8')).toString('base64'),
  from_json: (value) => JSON.parse(pythonStr(value)),
  to_json: (value) => JSON.stringify(value),
  tojson: (value) => JSON.stringify(value),
  // Ansible's to_nice_json sorts keys unless told not to.
  to_nice_json: (value, _args, kw) => JSON.stringify(kw.sort_keys === false ? value : sortKeys(value), null, Number(kw.indent ?? 4)),
  from_yaml: (value) => parseYaml(pythonStr(value)),
  to_yaml: (value) => toYaml(value),
  to_nice_yaml: (value, _args, kw) => toYaml(value, { indent: Number(kw.indent ?? 4) }),
  basename: (value) => posix.basename(pythonStr(value)),
  // Ansible's filters run on the controller: '~' is this machine's home.
  expanduser: (value) => pythonStr(value).replace(/^~(?=$|\/)/, homedir()),
  // os.path.realpath on the controller: links resolved; a path that does not exist is made absolute all the same.
  realpath: (value) => {
    const path = pythonStr(value);
    try {
      return realpathSync(path);
    } catch {
      return resolve(path);
    }
  },
  dirname: (value) => posix.dirname(pythonStr(value)),
  // os.path.relpath: the path from start (default: the controller's working directory).
  relpath: (value, [start]) => posix.relative(start === undefined ? process.cwd() : pythonStr(start), pythonStr(value)) || '.',
  splitext: (value) => {
    const extension = posix.extname(pythonStr(value));
    return [pythonStr(value).slice(0, pythonStr(value).length - extension.length), extension];
  },
  quote: (value) => quote(pythonStr(value)),
  regex_replace: (value, [pattern, replacement = ''], kw) => pythonSub(pythonStr(value), regex(pattern, regexFlags(kw, 'g')), String(replacement)).text,
  regex_search: (value, groups, kw) => {
    const found = regex(groups[0], regexFlags(kw)).exec(pythonStr(value));
    if (!found) return null;
    if (groups.length === 1) return found[0];
    return groups.slice(1).map((group) => {
      const reference = /^\\(\d+)$|^\\g<(\w+)>$/.exec(String(group));
      return reference?.[1] ? found[Number(reference[1])] : found.groups?.[reference?.[2] ?? ''];
    });
  },
  regex_findall: (value, [pattern], kw) =>
    [...pythonStr(value).matchAll(regex(pattern, regexFlags(kw, 'g')))].map((m) => (m.length > 2 ? m.slice(1) : (m[1] ?? m[0]))),
  regex_escape: (value) => pythonStr(value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  hash: (value, [algorithm = 'sha1']) => hash(String(algorithm))(value),
  md5: hash('md5'),
  sha1: hash('sha1'),
  checksum: hash('sha1'),
  type_debug: (value) =>
    value === null
      ? 'NoneType'
      : Array.isArray(value)
        ? 'list'
        : typeof value === 'string'
          ? 'str'
          : typeof value === 'boolean'
            ? 'bool'
            : typeof value === 'number'
              ? Number.isInteger(value)
                ? 'int'
                : 'float'
              : 'dict',
  urlsplit: (value, [part]) => {
    const url = new URL(pythonStr(value));
    const parts: Record<string, unknown> = {
      scheme: url.protocol.replace(/:$/, ''),
      hostname: url.hostname,
      port: url.port ? Number(url.port) : null,
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      fragment: url.hash.replace(/^#/, ''),
      netloc: url.host,
    };
    return part === undefined ? parts : parts[String(part)];
  },
};
