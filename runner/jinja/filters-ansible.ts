import { createHash, randomBytes, randomInt } from 'node:crypto';
import { PyDateTime, strftime, strptime } from './datetime.js';
import { ExpressionError } from './errors.js';
import type { Filter } from './frame.js';
import { sha512Crypt, sha256Crypt, md5Crypt } from './crypt.js';
import { isMapping, pyTruthy, pythonStr, typeName } from './python.js';
import { tuple, unbox } from './values.js';

// Ansible's filters beyond Jinja's everyday ones: sizes, UUIDs, comments, combinatorics, URLs, dates,
// password hashes and subelements (plugins/filter/core.py, mathstuff.py, urls.py, urlsplit.py).

const text = (value: unknown) => (typeof value === 'string' ? value : pythonStr(value));
const list = (name: string, value: unknown): unknown[] => {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isMapping(value)) return Object.keys(value);
  throw new ExpressionError(`${name} needs a list, got ${typeName(value)}`);
};

const SIZE_UNITS = ['', 'K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];

/** Ansible's human_readable: bytes (or bits) with the largest unit that keeps the number at least 1. */
const humanReadable: Filter = (value, [isbits = false, unit], kw) => {
  const bits = pyTruthy(kw.isbits ?? isbits);
  const wanted = kw.unit ?? unit;
  const number = typeof value === 'boolean' ? Number.NaN : Number(unbox(value));
  if (Number.isNaN(number) || value === '' || value === null) throw new ExpressionError(`human_readable() failed on bad input: ${pythonStr(value)}`);
  const suffix = bits ? 'b' : 'B';
  let index = SIZE_UNITS.length - 1;
  if (wanted !== undefined && wanted !== null) index = Math.max(0, SIZE_UNITS.indexOf(String(wanted)[0].toUpperCase()));
  else while (index > 0 && number < 1024 ** index) index--;
  const scaled = number / 1024 ** index;
  const unitName = index === 0 ? (bits ? 'bits' : 'Bytes') : `${SIZE_UNITS[index]}${suffix}`;
  return `${scaled.toFixed(2)} ${unitName}`;
};

/** Ansible's human_to_bytes: '10 KB', '1.5M', '2Gb' (with isbits) to a whole number of bytes or bits. */
const humanToBytes: Filter = (value, [defaultUnit, isbits = false], kw) => {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(text(value));
  if (!match) throw new ExpressionError(`human_to_bytes() can't interpret following string: ${text(value)}`);
  const unit = match[2] || String(kw.default_unit ?? defaultUnit ?? '');
  const prefix = unit ? unit[0].toUpperCase() : '';
  const index = SIZE_UNITS.indexOf(prefix === 'B' ? '' : prefix);
  if (index < 0)
    throw new ExpressionError(`human_to_bytes() failed to convert ${text(value)}. Value is not a valid string (expected units: ${SIZE_UNITS.join(', ')})`);
  const bits = pyTruthy(kw.isbits ?? isbits);
  if (unit.length > 1 && unit.endsWith(bits ? 'B' : 'b') && unit !== 'b' && unit !== 'B')
    throw new ExpressionError(`human_to_bytes() failed to convert ${text(value)}. Value is not a valid string (expected ${bits ? 'bits' : 'bytes'})`);
  return Math.round(Number(match[1]) * 1024 ** index);
};

/** uuid5 (SHA-1 of a namespace and a name), as Python's uuid.uuid5. */
function uuid5(namespace: string, name: string): string {
  const bytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const digest = createHash('sha1')
    .update(Buffer.concat([bytes, Buffer.from(name, 'utf8')]))
    .digest();
  digest[6] = (digest[6] & 0x0f) | 0x50;
  digest[8] = (digest[8] & 0x3f) | 0x80;
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const COMMENT_STYLES: Record<string, { begin?: string; decoration: string; end?: string; prefix?: string; postfix?: string }> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { begin: '/*', decoration: ' * ', end: ' */' },
  xml: { begin: '<!--', decoration: ' - ', end: '-->' },
};

/** Ansible's comment filter: text as a comment block in a language's style. */
const comment: Filter = (value, [style = 'plain'], kw) => {
  const base = COMMENT_STYLES[String(kw.style ?? style)];
  if (!base) throw new ExpressionError(`comment: unknown style '${String(kw.style ?? style)}'`);
  const p = {
    newline: '\n',
    beginning: kw.beginning ?? base.begin,
    prefix: String(kw.prefix ?? (base.begin ? base.decoration : base.decoration.trimEnd())),
    prefix_count: Number(kw.prefix_count ?? 1),
    decoration: String(kw.decoration ?? base.decoration),
    postfix: String(kw.postfix ?? (base.begin ? base.decoration : base.decoration.trimEnd())),
    postfix_count: Number(kw.postfix_count ?? 1),
    end: kw.end ?? base.end,
  };
  const lines: string[] = [];
  if (p.beginning) lines.push(String(p.beginning));
  for (let i = 0; i < p.prefix_count; i++) lines.push(p.prefix);
  for (const line of text(value).split('\n')) lines.push((p.decoration + line).replace(/\s+$/, '') || p.decoration.trimEnd());
  for (let i = 0; i < p.postfix_count; i++) lines.push(p.postfix);
  if (p.end) lines.push(String(p.end));
  return lines.join(p.newline);
};

function combinations(items: unknown[], size: number): unknown[][] {
  if (size === 0) return [[]];
  return items.flatMap((item, index) => combinations(items.slice(index + 1), size - 1).map((rest) => [item, ...rest]));
}

function permutations(items: unknown[], size: number): unknown[][] {
  if (size === 0) return [[]];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)], size - 1).map((rest) => [item, ...rest]));
}

const product: Filter = (value, others, kw) => {
  const lists = [list('product', value), ...others.map((other) => list('product', other))];
  const repeated = Array.from({ length: Number(kw.repeat ?? 1) }, () => lists).flat();
  return repeated
    .reduce<unknown[][]>((products, items) => products.flatMap((prefix) => items.map((item) => [...prefix, item])), [[]])
    .map((items) => tuple(items));
};

/** Python's urllib.parse.urlsplit, with Ansible's names for the parts. */
function urlsplit(url: string): Record<string, unknown> {
  const match = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(url)!;
  const netloc = match[2] ?? '';
  const auth = netloc.includes('@') ? netloc.slice(0, netloc.lastIndexOf('@')) : '';
  const hostPort = netloc.slice(netloc.lastIndexOf('@') + 1);
  const hostMatch = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(hostPort);
  const host = hostMatch?.[1].replace(/^\[|\]$/g, '') ?? '';
  return {
    scheme: (match[1] ?? '').toLowerCase(),
    netloc,
    path: match[3] ?? '',
    query: match[4] ?? '',
    fragment: match[5] ?? '',
    username: auth ? decodeURIComponent(auth.split(':')[0]) : null,
    password: auth.includes(':') ? decodeURIComponent(auth.slice(auth.indexOf(':') + 1)) : null,
    hostname: host ? host.toLowerCase() : null,
    port: hostMatch?.[2] ? Number(hostMatch[2]) : null,
  };
}

const urlsplitFilter: Filter = (value, [query = '']) => {
  const parts = urlsplit(text(value));
  if (!query) return parts;
  if (!(String(query) in parts)) throw new ExpressionError(`urlsplit: unknown URL component: ${String(query)}`);
  return parts[String(query)];
};

const urldecode: Filter = (value) => decodeURIComponent(text(value).replace(/\+/g, ' '));

const SALT_CHARS = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Ansible's password_hash: a crypt(3) hash (sha512 by default) with a random or given salt. */
export const passwordHash: Filter = (value, [hashtype = 'sha512', salt, saltSize, rounds], kw) => {
  const type = String(kw.hashtype ?? hashtype);
  const given = kw.salt ?? salt;
  const size = Number(kw.salt_size ?? saltSize ?? (type === 'md5' ? 8 : 16));
  const saltText = given === undefined || given === null ? Array.from({ length: size }, () => SALT_CHARS[randomInt(SALT_CHARS.length)]).join('') : text(given);
  // passlib's defaults, which ansible-core uses where passlib is installed (as Debian's ansible brings it).
  const roundCount = kw.rounds ?? rounds ?? { sha512: 656_000, sha512_crypt: 656_000, sha256: 535_000, sha256_crypt: 535_000 }[type];
  switch (type) {
    case 'sha512':
    case 'sha512_crypt':
      return sha512Crypt(text(value), saltText, roundCount === undefined || roundCount === null ? undefined : Number(roundCount));
    case 'sha256':
    case 'sha256_crypt':
      return sha256Crypt(text(value), saltText, roundCount === undefined || roundCount === null ? undefined : Number(roundCount));
    case 'md5':
    case 'md5_crypt':
      return md5Crypt(text(value), saltText);
  }
  throw new ExpressionError(`password_hash: '${type}' is not a supported hash type here (sha512, sha256, md5)`);
};

/** Ansible's subelements filter: each element paired with each member of its list at `key`. */
const subelements: Filter = (value, [key, skipMissing = false], kw) => {
  const elements = isMapping(value) ? Object.values(value) : list('subelements', value);
  const skip = isMapping(skipMissing) ? pyTruthy(skipMissing.skip_missing ?? false) : pyTruthy(kw.skip_missing ?? skipMissing);
  return elements.flatMap((element) => {
    let sub: unknown = element;
    for (const part of String(key).split('.')) {
      if (!isMapping(sub) || !(part in sub)) {
        if (skip) return [];
        throw new ExpressionError(`could not find '${String(key)}' key in iterated item '${pythonStr(element)}'`);
      }
      sub = sub[part];
    }
    if (!Array.isArray(sub)) throw new ExpressionError(`the key '${String(key)}' should point to a list, got '${pythonStr(sub)}'`);
    return sub.map((member) => tuple([element, member]));
  });
};

/** Ansible's rekey_on_member: a list (or dict) of mappings keyed by one of their members. */
const rekeyOnMember: Filter = (value, [key, duplicates = 'error'], kw) => {
  const onDuplicate = String(kw.duplicates ?? duplicates);
  if (onDuplicate !== 'error' && onDuplicate !== 'overwrite')
    throw new ExpressionError(`duplicates parameter to rekey_on_member has unknown value: ${onDuplicate}`);
  if (!isMapping(value) && !Array.isArray(value)) throw new ExpressionError(`Type is not a valid list, set, or dict`);
  const out: Record<string, unknown> = {};
  for (const item of isMapping(value) ? Object.values(value) : value) {
    if (!isMapping(item)) throw new ExpressionError(`List item is not a valid dict`);
    if (!(String(key) in item)) throw new ExpressionError(`Key ${String(key)} was not found`);
    const name = text(item[String(key)]);
    if (name in out && onDuplicate === 'error') throw new ExpressionError(`Key ${name} is not unique, cannot correctly turn into dict`);
    if (!(name in out) || onDuplicate === 'overwrite') out[name] = item;
  }
  return out;
};

export const extraFilters: Record<string, Filter> = {
  human_readable: humanReadable,
  human_to_bytes: humanToBytes,
  to_uuid: (value, [namespace = '361E6D51-FAEC-444A-9079-341386DA8E2E']) => uuid5(String(namespace), text(value)),
  comment,
  combinations: (value, [size]) => combinations(list('combinations', value), Number(size)).map((items) => tuple(items)),
  permutations: (value, [size]) => {
    const items = list('permutations', value);
    return permutations(items, size === undefined || size === null ? items.length : Number(size)).map((group) => tuple(group));
  },
  product,
  shuffle: (value, [seed]) => {
    const items = [...list('shuffle', value)];
    // A seed gives the same order every time (Ansible's Random(seed)); the order is ours, not Python's.
    let state = seed === undefined ? undefined : [...text(seed)].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, 7);
    const next = (limit: number) => {
      if (state === undefined) return randomInt(limit);
      state = (state * 1_103_515_245 + 12_345) >>> 0;
      return state % limit;
    };
    for (let i = items.length - 1; i > 0; i--) {
      const j = next(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  },
  urlsplit: urlsplitFilter,
  urldecode,
  to_datetime: (value, [format = '%Y-%m-%d %H:%M:%S']) => strptime(text(value), String(format)),
  strftime: (value, [second, utc = false], kw) => {
    const seconds = kw.second ?? second;
    const date = seconds === undefined || seconds === null ? new Date() : new Date(Number(unbox(seconds)) * 1000);
    return strftime(text(value), PyDateTime.fromDate(date, pyTruthy(kw.utc ?? utc)));
  },
  password_hash: passwordHash,
  subelements,
  rekey_on_member: rekeyOnMember,
  random_mac: (value) => {
    const prefix = text(value).split(':').filter(Boolean);
    if (prefix.length > 5 || prefix.some((part) => !/^[0-9a-f]{2}$/i.test(part)))
      throw new ExpressionError(`Invalid value (${text(value)}) for random_mac: 5 colon(:) separated items max`);
    return [...prefix, ...[...randomBytes(6 - prefix.length)].map((byte) => byte.toString(16).padStart(2, '0'))].join(':');
  },
};
