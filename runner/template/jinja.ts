import { dirname } from 'node:path';
import nunjucks from 'nunjucks';
import { UndefinedVariable } from '../expression/errors.js';
import { defaultFilter, filters, type Filter } from '../expression/filters.js';
import { globalFunctions, globalValues } from '../expression/globals.js';
import { callMethod, hasMethod, isMapping, pythonStr } from '../expression/python.js';
import { bracketNumericAttributes } from '../expression/syntax.js';
import { tests } from '../expression/tests.js';

// Jinja2 template files (.j2, and any template that is not .hbs) are rendered by nunjucks, with Ansible's
// filters, tests and lookups from the expression layer, so a filter means the same in a file and in a task.
// Four of nunjucks' runtime hooks are replaced so templates behave as Jinja2 does in Ansible:
// variables are read from the host's lazy scope (nunjucks would copy, and so render, every variable),
// values print as Python prints them ('True', "['a', 'b']"), None prints, and attribute access reaches
// plain data and Python's string/list/dict methods only, never a JavaScript function (no sandbox escape).
// nunjucks' own Jinja compatibility adds Python's slices (x[1:], x[::-1]) to the parser; the hooks below replace the rest of it.
nunjucks.installJinjaCompat();
const runtime = nunjucks.runtime as unknown as Record<string, unknown>;
const SCOPE = '__k3s_playbook_scope';
type Context = { ctx: Record<string, unknown>; env: { globals: Record<string, unknown> } };
type Frame = { lookup(name: string): unknown };
const scopeOf = (context: Context): object => (context.ctx[SCOPE] as object | undefined) ?? context.ctx;
// nunjucks passes a missing name on as undefined (so 'is defined' and 'default' work) and only learns it
// was missing when printing it; the name last found missing is kept to say which one.
let lastMissing = '';
runtime.contextOrFrameLookup = (context: Context, frame: Frame, name: string) => {
  const local = frame.lookup(name);
  if (local !== undefined) return local;
  if (name in context.ctx) return context.ctx[name];
  const scope = scopeOf(context);
  const value = name in scope ? (scope as Record<string, unknown>)[name] : context.env.globals[name];
  if (value === undefined) lastMissing = name;
  return value;
};
runtime.suppressValue = (value: unknown) => (value instanceof nunjucks.runtime.SafeString ? String(value) : pythonStr(value));
runtime.ensureDefined = (value: unknown, line: number, column: number) => {
  if (value === undefined) throw new nunjucks.lib.TemplateError(`undefined variable '${lastMissing}'`, line + 1, column + 1);
  return value;
};
runtime.memberLookup = (object: unknown, key: unknown, ...slice: unknown[]) => {
  if (object === undefined || object === null) return undefined;
  if (slice.length === 2) return sliceOf(object, key, slice[0], slice[1]);
  const name = String(key);
  if (typeof object === 'string' || Array.isArray(object)) {
    if (/^-?\d+$/.test(name)) return object[Number(name) < 0 ? object.length + Number(name) : Number(name)];
    return hasMethod(object, name) ? (...args: unknown[]) => callMethod(object, name, args) : undefined;
  }
  if (typeof object !== 'object') return undefined;
  if (isMapping(object) && hasMethod(object, name) && !(name in object)) return (...args: unknown[]) => callMethod(object, name, args);
  if (Object.prototype.hasOwnProperty.call(object, name)) return (object as Record<string, unknown>)[name];
  lastMissing = `…${name}`;
  return undefined;
};

/** Python's value[start:stop:step] for lists and strings. */
function sliceOf(value: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  const items = typeof value === 'string' ? [...value] : Array.isArray(value) ? value : [];
  const by = Number(step ?? 1) || 1;
  const clamp = (index: unknown, fallback: number) =>
    index === null || index === undefined ? fallback : Number(index) < 0 ? Math.max(items.length + Number(index), -1) : Math.min(Number(index), items.length);
  const out: unknown[] = [];
  const [from, to] = by > 0 ? [clamp(start, 0), clamp(stop, items.length)] : [clamp(start, items.length - 1), clamp(stop, -1)];
  for (let i = Math.max(from, by > 0 ? 0 : -1); by > 0 ? i < to : i > to && i >= 0; i += by) if (i < items.length) out.push(items[i]);
  return typeof value === 'string' ? out.join('') : out;
}

/** Ansible's template options that change how a file is read. */
export interface JinjaOptions {
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
  /** Other delimiters than {% %}, {{ }} and {# #} (Ansible's block_start_string, ...). */
  tags?: { blockStart?: string; blockEnd?: string; variableStart?: string; variableEnd?: string; commentStart?: string; commentEnd?: string };
}

/** nunjucks passes name=value arguments as a last object marked __keywords. */
function splitKeywords(args: unknown[]): { positional: unknown[]; keywords: Record<string, unknown> } {
  const last = args.at(-1);
  if (isMapping(last) && last.__keywords === true) {
    const { __keywords: _marker, ...keywords } = last;
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: args, keywords: {} };
}

/** One of our filters as nunjucks calls it; only 'default' may be given an undefined value. */
function nunjucksFilter(name: string, filter: Filter, { seesUndefined = false } = {}) {
  return (value: unknown, ...args: unknown[]) => {
    if (value === undefined && !seesUndefined) throw new UndefinedVariable(`the value given to filter '${name}'`);
    const { positional, keywords } = splitKeywords(args);
    return filter(value, positional, keywords);
  };
}

const environments = new Map<string, nunjucks.Environment>();

function environment(searchPath: string, options: JinjaOptions): nunjucks.Environment {
  const key = JSON.stringify([searchPath, options]);
  let env = environments.get(key);
  if (env) return env;
  // noCache: a run reads each template file once; a long-lived process must see files edited since.
  env = new nunjucks.Environment(new nunjucks.FileSystemLoader(searchPath, { noCache: true }), {
    autoescape: false,
    throwOnUndefined: true,
    trimBlocks: options.trimBlocks ?? true,
    lstripBlocks: options.lstripBlocks ?? false,
    ...(options.tags ? { tags: options.tags } : {}),
  });
  for (const [name, filter] of Object.entries(filters)) env.addFilter(name, nunjucksFilter(name, filter));
  for (const name of ['default', 'd']) env.addFilter(name, nunjucksFilter(name, defaultFilter, { seesUndefined: true }));
  const withTests = env as nunjucks.Environment & { addTest(name: string, test: (value: unknown, ...args: unknown[]) => boolean): void };
  for (const [name, test] of Object.entries(tests)) withTests.addTest(name, (value: unknown, ...args: unknown[]) => test(value, ...args));
  for (const [name, fn] of Object.entries(globalFunctions)) {
    env.addGlobal(name, function (this: Context, ...args: unknown[]) {
      const { positional, keywords } = splitKeywords(args);
      return fn(positional, keywords, scopeOf(this));
    });
  }
  for (const [name, value] of Object.entries({ ...globalValues, True: true, False: false, None: null })) env.addGlobal(name, value);
  environments.set(key, env);
  return env;
}

const trailingNewlines = (text: string) => text.length - text.replace(/\n+$/, '').length;

/**
 * Jinja's `list.0` is `list[0]`; nunjucks reads only the brackets, so write them inside each tag.
 * An include always sees the caller's variables in nunjucks: Jinja's 'with context' is dropped.
 * Jinja's `{% for (key, value) in ... %}` unpacks as nunjucks' `{% for key, value in ... %}` does,
 * and its `in` test (`x is in y`, `x is not in y`) is nunjucks' `in` operator.
 */
const withBrackets = (text: string) =>
  text
    .replace(/(\{%-?\s*include\s[^%]*?)\s+with(out)?\s+context(\s*-?%\})/g, '$1$3')
    .replace(/(\{%-?\s*for\s+)\(\s*([\w\s,]+?)\s*\)(\s+in\s)/g, '$1$2$3')
    .replace(/(\{\{|\{%)([\s\S]*?)(\}\}|%\})/g, (_, open: string, body: string, close: string) => open + inTest(bracketNumericAttributes(body)) + close);

/** 'is in' and 'is not in' as the operators, outside quoted strings. */
const inTest = (body: string) =>
  body
    .split(/('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/)
    .map((part, index) => (index % 2 ? part : part.replace(/\bis\s+(not\s+)?in\b/g, '$1in')))
    .join('');

/** Parse without rendering, to find syntax errors before the first connection. */
export function parseJinja(text: string): void {
  (nunjucks as unknown as { parser: { parse(text: string): unknown } }).parser.parse(withBrackets(text));
}

/** Render Jinja2 text; `file` (when given) is where {% include %} and {% import %} look for other templates. */
export function renderJinja(text: string, scope: object, file: string | undefined, options: JinjaOptions = {}): string {
  const env = environment(file ? dirname(file) : process.cwd(), options);
  // Jinja's trim_blocks drops the newline after a comment too; nunjucks only after a block tag.
  const commentEnd = options.tags?.commentEnd ?? '#}';
  const source = (options.trimBlocks ?? true) ? text.replaceAll(`${commentEnd}\n`, commentEnd) : text;
  const out = env.renderString(withBrackets(source), { [SCOPE]: scope });
  // As Ansible does: the output ends in at least as many newlines as the template (trim_blocks eats one after a tag).
  const missing = trailingNewlines(text) - trailingNewlines(out);
  return missing > 0 ? out + '\n'.repeat(missing) : out;
}
