import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { globSync } from 'tinyglobby';
import { compileTemplate } from './compile.js';
import { ExpressionError, UndefinedVariable } from './errors.js';
import { flatten } from './filters.js';
import { passwordHash } from './filters-ansible.js';
import { Environment, Frame } from './frame.js';
import { fileLoader } from './loader.js';
import { ansibleBoolean, isMapping, percentFormat, pyTruthy, pythonRepr, pythonStr, typeName } from './python.js';
import { pythonRegExp } from './python-regex.js';
import { literalOrText } from './literal.js';
import { decodeText, encodingExists } from '../text/encodings.js';
import { joinOutput, renderTemplate } from './statements.js';

/** A lookup plugin: the terms it is given, its keyword arguments and the scope; one value per result. */
type Lookup = (terms: unknown[], kwargs: Record<string, unknown>, scope: Record<string, unknown>, frame: Frame | undefined) => unknown[];

/** Where Ansible looks for a relative file on the controller: the role's (or playbook's) subdir, then the path itself. */
function searchPaths(scope: Record<string, unknown>, subdir: string, path: string): string[] {
  if (isAbsolute(path)) return [path];
  // Ansible's path_dwim_relative_stack: each of ansible_search_path (the role, the task's folder), then the playbook's folder.
  const stack = Array.isArray(scope.ansible_search_path) ? (scope.ansible_search_path as unknown[]) : [scope.role_path];
  const bases = [...new Set([...stack, scope.playbook_dir].filter((base): base is string => typeof base === 'string'))];
  return [
    ...bases.flatMap((base) => [join(base, subdir, path), join(base, path), ...(basename(base) === 'tasks' ? [join(dirname(base), subdir, path)] : [])]),
    path,
  ];
}

/** A controller file's text in the encoding a lookup is told (utf-8 unless told). */
function readText(file: string, encoding: string): string {
  if (!encodingExists(encoding)) throw new ExpressionError(`unknown encoding: ${encoding}`);
  return decodeText(readFileSync(file), encoding);
}

function findFile(scope: Record<string, unknown>, subdir: string, path: string, lookup: string): string {
  const found = searchPaths(scope, subdir, path).find((candidate) => existsSync(candidate));
  // Python's own words last, which content that expects the failure looks for.
  if (!found) throw new ExpressionError(`lookup('${lookup}') could not find '${path}' on the controller ([Errno 2] No such file or directory: '${path}')`);
  return found;
}

/** A term's 'key a=1 b=2' words: the first is the term itself, the rest its options (as Ansible's parse_kv reads them). */
function termOptions(term: string, defaults: Record<string, string>): { key: string; options: Record<string, string> } {
  const options = { ...defaults };
  const words = term.match(/(?:[^\s'"]+|'[^']*'|"[^"]*")+/g) ?? [];
  const keyWords: string[] = [];
  for (const word of words) {
    const match = /^(\w+)=(.*)$/s.exec(word);
    if (match && match[1] in defaults) options[match[1]] = match[2].replace(/^(['"])(.*)\1$/s, '$2');
    else if (match) throw new ExpressionError(`'${match[1]}' is not a valid option (${Object.keys(defaults).join(', ')})`);
    else keyWords.push(word);
  }
  return { key: keyWords.join(' '), options };
}

/** Python's int(text, 0): decimal, or 0x, 0o, 0b prefixed; undefined where Python raises ValueError. */
function intBase0(text: string): number | undefined {
  const match = /^\s*([+-]?)(0x[0-9a-f]+|0o[0-7]+|0b[01]+|0+|[1-9]\d*)\s*$/i.exec(text);
  if (!match) return undefined;
  const digits = match[2].toLowerCase();
  const value = Number(digits);
  return match[1] === '-' ? -value : value;
}

/**
 * Ansible's sequence lookup, its checks and messages: 'start=1 end=5 stride=2 format=host%02d', or
 * the short '[start-]end[/stride][:format]'; count=N ends at start + N * stride - 1, as Ansible computes it.
 */
function sequence(term: string): string[] {
  const spec: { start: number; end?: number; count?: number; stride: number; format: string } = { start: 1, stride: 1, format: '%d' };
  const integer = (key: string, raw: string) => {
    const value = intBase0(raw);
    if (value === undefined) throw new ExpressionError(`can't parse ${key}=${raw} as integer`);
    return value;
  };
  const short = /^((0?x?[0-9a-f]+)-)?(0?x?[0-9a-f]+)(\/(0?x?[0-9a-f]+))?(:(.+))?$/i.exec(term);
  if (short) {
    const [, , start, end, , stride, , format] = short;
    if (start !== undefined) spec.start = integer('start', start);
    spec.end = integer('end', end);
    if (stride !== undefined) spec.stride = integer('stride', stride);
    if (format !== undefined) spec.format = format;
  } else {
    const args = Object.fromEntries([...term.matchAll(/(\S+?)=(\S+)/g)].map(([, key, value]) => [key, value]));
    for (const key of ['start', 'end', 'count', 'stride'] as const) {
      if (args[key] === undefined) continue;
      spec[key] = integer(key, args[key]);
      delete args[key];
    }
    if (args.format !== undefined) spec.format = args.format;
    delete args.format;
    if (Object.keys(args).length) throw new ExpressionError(`unrecognized arguments to with_sequence: ${pythonRepr(Object.keys(args))}`);
  }
  if (spec.count === undefined && spec.end === undefined) throw new ExpressionError('must specify count or end in with_sequence');
  if (spec.count !== undefined && spec.end !== undefined) throw new ExpressionError("can't specify both count and end in with_sequence");
  if (spec.count !== undefined) {
    if (spec.count !== 0) spec.end = spec.start + spec.count * spec.stride - 1;
    else [spec.start, spec.end, spec.stride] = [0, 0, 0];
  }
  const end = spec.end!;
  if (spec.stride > 0 && end < spec.start) throw new ExpressionError('to count backwards make stride negative');
  if (spec.stride < 0 && end > spec.start) throw new ExpressionError("to count forward don't make stride negative");
  if (spec.format.split('%').length !== 2) throw new ExpressionError(`bad formatting string: ${spec.format}`);
  const out: string[] = [];
  if (spec.stride === 0) return out;
  for (let i = spec.start; spec.stride > 0 ? i <= end : i >= end; i += spec.stride) {
    if (out.length >= 100_000) throw new ExpressionError("lookup('sequence') makes at most 100000 items");
    try {
      out.push(percentFormat(spec.format, i));
    } catch {
      throw new ExpressionError(`problem formatting ${i} with ${pythonRepr(spec.format)}`);
    }
  }
  return out;
}

/**
 * Ansible's subelements lookup: each element (a list's items or a dict's values, skipped results left
 * out) paired with each member of its list at 'key' (or 'a.b'), that list taken out of the element.
 */
function subelements(terms: unknown[]): unknown[] {
  const termsError = (why = '') => new ExpressionError(`subelements lookup expects a list of two or three items, ${why}`);
  if (terms.length < 2 || terms.length > 3) throw termsError();
  const [given, key, flags = {}] = terms;
  // Ansible listifies the first term: a single value is a list of one.
  const list = Array.isArray(given) || isMapping(given) ? given : [given];
  if (typeof key !== 'string') throw termsError('first a dict or a list, second a string pointing to the subkey');
  if (isMapping(list) && list.skipped !== undefined && list.skipped !== false) return [];
  if (!isMapping(flags) || Object.keys(flags).some((flag) => flag !== 'skip_missing'))
    throw termsError("the optional third item must be a dict with flags ('skip_missing',)");
  const skipMissing = pyTruthy(flags.skip_missing ?? false);
  const keys = key.split('.');
  return (isMapping(list) ? Object.values(list) : list).flatMap((element) => {
    if (!isMapping(element)) throw new ExpressionError(`subelements lookup expects a dictionary, got '${pythonStr(element)}'`);
    if (element.skipped !== undefined && element.skipped !== false) return [];
    const item = { ...element };
    let holder: Record<string, unknown> = item;
    for (const [index, part] of keys.entries()) {
      if (!(part in holder)) {
        if (skipMissing) return [];
        throw new ExpressionError(`could not find '${part}' key in iterated item '${pythonStr(holder)}'`);
      }
      if (index < keys.length - 1) {
        if (!isMapping(holder[part])) {
          if (skipMissing) return [];
          throw new ExpressionError(`the key ${part} should point to a dictionary, got '${pythonStr(holder[part])}'`);
        }
        holder = holder[part] = { ...(holder[part] as Record<string, unknown>) };
        continue;
      }
      const members = holder[part];
      if (!Array.isArray(members)) throw new ExpressionError(`the key ${part} should point to a list, got '${pythonStr(members)}'`);
      delete holder[part];
      return members.map((member) => [item, member]);
    }
    return [];
  });
}

/** The value at column `col` of the first CSV row whose first field is the key (Ansible's csvfile). */
function csvfile(terms: unknown[], kwargs: Record<string, unknown>, scope: Record<string, unknown>): unknown[] {
  return terms.map((term) => {
    const { key, options } = termOptions(String(term), {
      file: String(kwargs.file ?? 'ansible.csv'),
      col: String(kwargs.col ?? '1'),
      delimiter: String(kwargs.delimiter ?? 'TAB'),
      default: String(kwargs.default ?? ''),
      encoding: String(kwargs.encoding ?? 'utf-8'),
    });
    if (!key) throw new ExpressionError('Search key is required but was not found');
    const delimiter = options.delimiter === 'TAB' || options.delimiter === '\\t' ? '\t' : options.delimiter;
    const lines = readText(findFile(scope, 'files', options.file, 'csvfile'), options.encoding).split(/\r?\n/);
    for (const line of lines) {
      const fields = splitCsv(line, delimiter);
      if (fields[0] === key) return fields[Number(options.col)] ?? options.default;
    }
    return kwargs.default ?? options.default;
  });
}

/** One CSV line's fields, quotes honoured as Python's csv module reads them. */
function splitCsv(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') field += line[++i];
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (line.startsWith(delimiter, i)) {
      fields.push(field);
      field = '';
      i += delimiter.length - 1;
    } else field += char;
  }
  fields.push(field);
  return fields;
}

/** An option given as a word ('True', 'yes', ...) or a boolean, as Ansible's option parsing takes it. */
const optionFlag = (value: unknown) => ansibleBoolean(value) ?? (typeof value === 'string' ? false : pyTruthy(value));

/**
 * An INI file's sections as Python's configparser reads them: 'key = value' or 'key: value', values
 * continued on indented lines, # and ; comments, [DEFAULT] under every section, keys lowercased
 * unless case-sensitive, a key without a value only with allowNoValue, a key twice refused.
 */
function readIni(text: string, file: string, caseSensitive: boolean, allowNoValue: boolean): Map<string, Map<string, string | null>> {
  const sections = new Map<string, Map<string, string | null>>();
  let current: Map<string, string | null> | undefined;
  let currentName = '';
  let last: string | undefined;
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (/^\s*[#;]/.test(line) || !line.trim()) {
      last = line.trim() ? last : undefined;
      continue;
    }
    if (/^\s/.test(line) && current && last !== undefined && current.get(last) !== null) {
      current.set(last, `${current.get(last)}\n${line.trim()}`);
      continue;
    }
    const header = /^\[([^\]]+)\]/.exec(line);
    if (header) {
      if (!sections.has(header[1])) sections.set(header[1], new Map());
      current = sections.get(header[1]);
      currentName = header[1];
      last = undefined;
      continue;
    }
    const pair = /^\s*(.*?)\s*([=:])\s*(.*?)\s*$/.exec(line);
    const rawKey = pair ? pair[1] : line.trim();
    if (!current) throw new ExpressionError(`File contains no section headers.\nfile: '${file}', line: ${index + 1}\n${pythonRepr(line)}`);
    if (!pair && !allowNoValue)
      throw new ExpressionError(`Source contains parsing errors: '${file}'\n\t[line ${String(index + 1).padStart(2)}]: ${pythonRepr(line)}`);
    const key = caseSensitive ? rawKey : rawKey.toLowerCase();
    if (current.has(key))
      throw new ExpressionError(
        `While reading from '${file}' [line ${String(index + 1).padStart(2)}]: option '${key}' in section '${currentName}' already exists`,
      );
    current.set(key, pair ? pair[3] : null);
    last = key;
  }
  const defaults = sections.get('DEFAULT');
  if (defaults)
    for (const [name, section] of sections) if (name !== 'DEFAULT') for (const [key, value] of defaults) if (!section.has(key)) section.set(key, value);
  return sections;
}

/** A key's value in an INI file's section, or in a .properties file: Ansible's ini lookup, its options and messages. */
function ini(terms: unknown[], kwargs: Record<string, unknown>, scope: Record<string, unknown>): unknown[] {
  const known = ['file', 'section', 'default', 're', 'type', 'encoding', 'case_sensitive', 'allow_no_value', 'allow_none'];
  for (const name of Object.keys(kwargs)) if (!known.includes(name)) throw new ExpressionError(`${name} is not a valid option.`);
  return terms.flatMap((term) => {
    const options: Record<string, unknown> = {
      file: 'ansible.ini',
      section: 'global',
      default: '',
      re: false,
      type: 'ini',
      encoding: 'utf-8',
      case_sensitive: false,
      ...kwargs,
    };
    let key = String(term);
    // Options written in the term itself: 'key section=s file=f'.
    if (key.includes('=') || key.trim().includes(' ')) {
      const words = key.trim().split(/\s+/);
      let found: string | undefined;
      for (const word of words) {
        if (word.includes('=')) {
          const [name, value] = word.split('=');
          if (!known.includes(name)) throw new ExpressionError(`${name} is not a valid option.`);
          options[name] = value;
        } else found ??= word;
      }
      if (found === undefined) throw new ExpressionError(`No key to lookup was provided as first term with in string inline options: ${key}`);
      key = found;
    }
    const file = String(options.file);
    let text = readText(findFile(scope, 'files', file, 'ini'), String(options.encoding));
    let section = String(options.section);
    if (options.type === 'properties') [text, section] = [`[java_properties]\n${text}`, 'java_properties'];
    let sections: ReturnType<typeof readIni>;
    try {
      sections = readIni(text, file, optionFlag(options.case_sensitive), optionFlag(options.allow_no_value ?? options.allow_none ?? false));
    } catch (error) {
      if (error instanceof ExpressionError && / already exists$/.test(error.message))
        throw new ExpressionError(`Duplicate option in '${file}': ${error.message}`);
      throw error;
    }
    const values = sections.get(section);
    if (!values) throw new ExpressionError(`No section '${section}' in ${file}`);
    if (optionFlag(options.re)) {
      const pattern = pythonRegExp(`^(?:${key})`);
      return [...values].filter(([name]) => pattern.test(name)).map(([, value]) => value);
    }
    const wanted = optionFlag(options.case_sensitive) ? key : key.toLowerCase();
    if (!values.has(wanted)) return [options.default];
    // A key without a value (allow_no_value) gives nothing, as Ansible skips None.
    return values.get(wanted) === null ? [] : [values.get(wanted)];
  });
}

/** The characters of a salt Ansible's password lookup makes. */
const SALT_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./';

const CHARACTER_SETS: Record<string, string> = {
  ascii_letters: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ascii_lowercase: 'abcdefghijklmnopqrstuvwxyz',
  ascii_uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  hexdigits: '0123456789abcdefABCDEF',
  octdigits: '01234567',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
};

/** Ansible's password lookup: the password kept in a file on the controller, made (0600) the first time. */
function password(terms: unknown[], kwargs: Record<string, unknown>, scope: Record<string, unknown>): unknown[] {
  return terms.map((term) => {
    const { key: path, options } = termOptions(String(term), {
      length: String(kwargs.length ?? '20'),
      chars: String(kwargs.chars ?? 'ascii_letters,digits,.,:-_'),
      encrypt: String(kwargs.encrypt ?? ''),
      seed: String(kwargs.seed ?? ''),
      ident: '',
    });
    const file = isAbsolute(path) || path === '/dev/null' ? path : join(typeof scope.playbook_dir === 'string' ? scope.playbook_dir : '.', path);
    // With encrypt, the file keeps 'PASSWORD salt=SALT' and the lookup gives the hash, as Ansible's does.
    const hashed = (plain: string, salt: string | undefined) => {
      if (!options.encrypt) return plain;
      const kept = salt ?? Array.from({ length: 8 }, () => SALT_CHARS[randomInt(SALT_CHARS.length)]).join('');
      if (salt === undefined && file !== '/dev/null') writeFileSync(file, `${plain} salt=${kept}\n`, { mode: 0o600 });
      return passwordHash(plain, [options.encrypt, kept], {});
    };
    if (file !== '/dev/null' && existsSync(file)) {
      const [, plain, salt] = /^(.*?)(?: salt=(\S+))?$/.exec(readFileSync(file, 'utf8').split('\n')[0])!;
      return hashed(plain, salt);
    }
    const alphabet = [...new Set(options.chars.split(/,(?!,)/).flatMap((name) => [...(CHARACTER_SETS[name] ?? name)]))].join('');
    let state = options.seed ? [...options.seed].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, 7) : undefined;
    const next = (limit: number) => {
      if (state === undefined) return randomInt(limit);
      state = (state * 1_103_515_245 + 12_345) >>> 0;
      return state % limit;
    };
    const value = Array.from({ length: Number(options.length) }, () => alphabet[next(alphabet.length)]).join('');
    if (file !== '/dev/null') {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, `${value}\n`, { mode: 0o600 });
    }
    return hashed(value, undefined);
  });
}

/** Settings Ansible's config lookup is asked for most, with ansible-core's defaults. */
const CONFIG_DEFAULTS: Record<string, unknown> = {
  DEFAULT_BECOME_USER: 'root',
  DEFAULT_BECOME_METHOD: 'sudo',
  DEFAULT_HASH_BEHAVIOUR: 'replace',
  DEFAULT_JINJA2_NATIVE: false,
  DEFAULT_TIMEOUT: 10,
  DEFAULT_FORKS: 5,
  DEFAULT_GATHERING: 'implicit',
  DEFAULT_UNDEFINED_VAR_BEHAVIOR: true,
  DEFAULT_KEEP_REMOTE_FILES: false,
  DEFAULT_REMOTE_USER: null,
  DEFAULT_MANAGED_STR: 'Ansible managed',
  DEFAULT_NULL_REPRESENTATION: null,
  DEFAULT_POLL_INTERVAL: 15,
  DEFAULT_PRIVATE_ROLE_VARS: false,
  ANSIBLE_FORCE_COLOR: false,
  ANSIBLE_NOCOLOR: false,
  ANY_ERRORS_FATAL: false,
  HOST_KEY_CHECKING: true,
  RETRY_FILES_ENABLED: false,
  STRING_CONVERSION_ACTION: 'warn',
  COLOR_OK: 'green',
  COLOR_CHANGED: 'yellow',
  COLOR_ERROR: 'red',
  COLOR_SKIP: 'cyan',
};

/** A template file rendered with the task's variables (and template_vars), as Ansible's template lookup does. */
function template(terms: unknown[], kwargs: Record<string, unknown>, scope: Record<string, unknown>, frame: Frame | undefined): unknown[] {
  if (!frame) throw new ExpressionError("lookup('template') is only for expressions");
  return terms.map((term) => {
    const file = findFile(scope, 'templates', String(term), 'template');
    const delimiters = {
      ...(kwargs.variable_start_string ? { variableStart: String(kwargs.variable_start_string) } : {}),
      ...(kwargs.variable_end_string ? { variableEnd: String(kwargs.variable_end_string) } : {}),
      ...(kwargs.comment_start_string ? { commentStart: String(kwargs.comment_start_string) } : {}),
      ...(kwargs.comment_end_string ? { commentEnd: String(kwargs.comment_end_string) } : {}),
    };
    const env = new Environment(frame.env.library, { trimBlocks: pyTruthy(kwargs.trim_blocks ?? true), delimiters }, fileLoader(file, []));
    const inner = new Frame(env, scope, undefined, file);
    for (const [name, value] of Object.entries(isMapping(kwargs.template_vars) ? kwargs.template_vars : {})) inner.set(name, value);
    const out: unknown[] = [];
    const source = readFileSync(file, 'utf8');
    renderTemplate(compileTemplate(source, env.lex, file), inner, out);
    const joined = joinOutput(out);
    const missing = source.length - source.replace(/\n+$/, '').length - (joined.length - joined.replace(/\n+$/, '').length);
    const rendered = missing > 0 ? joined + '\n'.repeat(missing) : joined;
    // convert_data (true unless told): text that reads as a list, mapping or boolean becomes one, as templating gives it.
    return pyTruthy(kwargs.convert_data ?? true) ? literalOrText(rendered) : rendered;
  });
}

/** Lookups run on the controller, as Ansible's do. */
export const lookups: Record<string, Lookup> = {
  env: (terms, kw) => terms.map((name) => process.env[String(name)] ?? kw.default ?? ''),
  file: (terms, kw, scope) =>
    terms.map((path) => {
      const text = readFileSync(findFile(scope, 'files', String(path), 'file'), 'utf8');
      const stripped = kw.rstrip === false ? text : text.trimEnd();
      return kw.lstrip === true ? stripped.trimStart() : stripped;
    }),
  vars: (terms, kw, scope, frame) =>
    terms.map((name) => {
      if (typeof name !== 'string')
        throw new ExpressionError(`Invalid setting identifier, "${pythonStr(name)}" is not a string, its a <class '${typeName(name)}'>`);
      if (frame?.hasLocal(String(name))) return frame.lookup(String(name));
      if (String(name) in scope) return scope[String(name)];
      if ('default' in kw) return kw.default;
      throw new UndefinedVariable(String(name), `No variable found with this name: ${String(name)}`);
    }),
  varnames: (terms, _kw, scope) =>
    terms.flatMap((term) => {
      if (typeof term !== 'string') throw new ExpressionError(`Invalid setting identifier, "${pythonStr(term)}" is not a string, it is a ${typeName(term)}`);
      let pattern: RegExp;
      try {
        pattern = pythonRegExp(term);
      } catch (error) {
        throw new ExpressionError(`Unable to use "${term}" as a search parameter: ${(error as Error).message}`);
      }
      return Object.keys(scope).filter((name) => pattern.test(name));
    }),
  config: (terms, kw) =>
    terms.flatMap((name) => {
      if (Object.prototype.hasOwnProperty.call(CONFIG_DEFAULTS, String(name))) return [CONFIG_DEFAULTS[String(name)]];
      if (kw.on_missing === 'skip' || kw.on_missing === 'warn') return [];
      throw new ExpressionError(`Unable to find setting ${String(name)}`);
    }),
  pipe: (terms) => terms.map((command) => runOnController(String(command), 'pipe')),
  lines: (terms) => terms.flatMap((command) => runOnController(String(command), 'lines').split('\n')),
  items: (terms) => flatten(terms, 1, false),
  list: (terms) => terms,
  flattened: (terms) => flatten(terms, Infinity),
  indexed_items: (terms) => terms.flat().map((item, index) => [index, item]),
  dict: (terms) =>
    terms.flatMap((term) => {
      if (!isMapping(term)) throw new ExpressionError('with_dict expects a dict');
      return Object.entries(term).map(([key, value]) => ({ key, value }));
    }),
  together: (terms) => {
    if (!terms.length) throw new ExpressionError('with_together requires at least one element in each list');
    const lists = terms.map((term) => (Array.isArray(term) ? term : [term]));
    return Array.from({ length: Math.max(0, ...lists.map((list) => list.length)) }, (_, i) => lists.map((list) => list[i] ?? null));
  },
  nested: (terms) => nested(terms),
  cartesian: (terms) => nested(terms),
  sequence: (terms) => terms.flatMap((term) => sequence(String(term))),
  subelements,
  random_choice: (terms) => (terms.length ? [terms[randomInt(terms.length)]] : []),
  csvfile,
  ini,
  password,
  template,
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

/** A term holding {{ }} is rendered first, as Ansible templates lookup terms. */
function renderTerm(term: unknown, frame: Frame | undefined): unknown {
  if (!frame || typeof term !== 'string' || !term.includes('{{')) return term;
  const out: unknown[] = [];
  renderTemplate(compileTemplate(term, frame.env.lex), frame, out);
  return out.length === 1 && typeof out[0] !== 'string' ? out[0] : joinOutput(out);
}

/**
 * Runs a lookup; undefined when it failed and errors='ignore' (or 'warn') says to go on, as Ansible's
 * lookup() then gives None and query() an empty list. `at` is the frame of the expression that called it
 * (a with_* loop has none: its terms are already rendered), or the scope alone.
 */
export function runLookup(args: unknown[], kwargs: Record<string, unknown>, at: Frame | object): unknown[] | undefined {
  const frame = at instanceof Frame ? at : undefined;
  const scope = (frame ? frame.scope : at) as Record<string, unknown>;
  const [name, ...terms] = args;
  const short = lookupName(String(name));
  const lookup = Object.prototype.hasOwnProperty.call(lookups, short) ? lookups[short] : undefined;
  if (!lookup) throw new ExpressionError(`lookup plugin (${String(name)}) not found (known: ${Object.keys(lookups).join(', ')})`);
  const { errors = 'strict', wantlist: _wantlist, ...options } = kwargs;
  if (!['strict', 'warn', 'ignore'].includes(String(errors)))
    throw new ExpressionError(`lookup's errors must be strict, warn or ignore, not '${String(errors)}'`);
  try {
    return lookup(
      terms.map((term) => renderTerm(term, frame)),
      options,
      scope,
      frame,
    );
  } catch (error) {
    if (errors === 'strict' || !(error instanceof ExpressionError)) throw error;
    return undefined;
  }
}
