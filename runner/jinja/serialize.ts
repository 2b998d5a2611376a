import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { ExpressionError } from './errors.js';
import { floatRepr, isMapping } from './python.js';
import { Markup, PyFloat, PyTuple, Undefined } from './values.js';

// Python's json.dumps and PyYAML's dump as Ansible's to_json, to_nice_json, to_yaml and to_nice_yaml
// call them: separators ', ' and ': ', ASCII-only JSON text, floats written as Python writes them.

export interface JsonOptions {
  indent?: number | string | null;
  sortKeys?: boolean;
  separators?: [string, string];
  ensureAscii?: boolean;
}

const jsonString = (text: string, ensureAscii: boolean) =>
  ensureAscii ? JSON.stringify(text).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`) : JSON.stringify(text);

/** Python's json.dumps. */
export function jsonDumps(value: unknown, options: JsonOptions = {}): string {
  const indent =
    options.indent === null || options.indent === undefined ? undefined : typeof options.indent === 'number' ? ' '.repeat(options.indent) : options.indent;
  const [itemSeparator, keySeparator] = options.separators ?? (indent !== undefined ? [',', ': '] : [', ', ': ']);
  const ensureAscii = options.ensureAscii ?? true;
  const write = (item: unknown, depth: number): string => {
    if (item === null || item === undefined) return 'null';
    if (item === true) return 'true';
    if (item === false) return 'false';
    if (typeof item === 'string' || item instanceof Markup) return jsonString(String(item), ensureAscii);
    if (item instanceof PyFloat) return floatRepr(item.value);
    if (typeof item === 'number') {
      if (Number.isNaN(item)) return 'NaN';
      if (!Number.isFinite(item)) return item > 0 ? 'Infinity' : '-Infinity';
      return Number.isInteger(item) && Math.abs(item) < 1e16 ? String(item) : floatRepr(item);
    }
    if (item instanceof Undefined) throw new ExpressionError(`'${item.name}' is undefined`);
    const open = indent === undefined ? '' : `\n${indent.repeat(depth + 1)}`;
    const close = indent === undefined ? '' : `\n${indent.repeat(depth)}`;
    if (Array.isArray(item)) {
      if (!item.length) return '[]';
      return `[${open}${item.map((entry) => write(entry, depth + 1)).join(itemSeparator + open)}${close}]`;
    }
    if (isMapping(item)) {
      const keys = Object.keys(item);
      if (!keys.length) return '{}';
      if (options.sortKeys) keys.sort();
      return `{${open}${keys.map((key) => `${jsonString(key, ensureAscii)}${keySeparator}${write(item[key], depth + 1)}`).join(itemSeparator + open)}${close}}`;
    }
    throw new ExpressionError(`Object of type ${typeof item} is not JSON serializable`);
  };
  return write(value, 0);
}

/** PyYAML's implicit types: a plain scalar that would read back as one of these must be quoted. */
const IMPLICIT =
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*|<<|=)$/;

/** Characters PyYAML will not write unescaped: C0 controls other than tab and line feed, and DEL. */
const hasControl = (text: string) => [...text].some((char) => char.charCodeAt(0) === 0x7f || (char < ' ' && char !== '\t' && char !== '\n'));

/** Can PyYAML write this text without quotes (in a block, or inside a flow collection)? */
function plain(text: string, flow: boolean): boolean {
  if (text === '' || IMPLICIT.test(text) || text !== text.trim() || /[\n\r\t]/.test(text) || hasControl(text)) return false;
  if (/^[#,[\]{}&*!|>'"%@`]/.test(text) || /^[-?:](?:\s|$)/.test(text)) return false;
  if (/:(?:\s|$)|\s#/.test(text)) return false;
  return !(flow && /[,[\]{}?]/.test(text));
}

function scalar(value: unknown, flow: boolean, indent: string): string {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (value instanceof PyFloat) return floatRepr(value.value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : floatRepr(value);
  if (value instanceof Undefined) throw new ExpressionError(`'${value.name}' is undefined`);
  const text = String(value);
  if (plain(text, flow)) return text;
  if (hasControl(text)) return JSON.stringify(text);
  // Single quotes; a line break is written as an empty line, the next line indented.
  return `'${text.replace(/'/g, "''").replace(/\n/g, `\n\n${indent}`)}'`;
}

const isCollection = (value: unknown) => Array.isArray(value) || isMapping(value);
const sortedKeys = (value: Record<string, unknown>) => Object.keys(value).sort();

function flowCollection(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => (isCollection(item) ? flowCollection(item) : scalar(item, true, ''))).join(', ')}]`;
  const mapping = value as Record<string, unknown>;
  return `{${sortedKeys(mapping)
    .map((key) => `${scalar(key, true, '')}: ${isCollection(mapping[key]) ? flowCollection(mapping[key]) : scalar(mapping[key], true, '')}`)
    .join(', ')}}`;
}

/**
 * PyYAML's dump as Ansible calls it: keys sorted, block style (to_nice_yaml), or with collections of
 * scalars alone written inline (to_yaml, default_flow_style=None); lists under a key not indented, a
 * list item's mapping starting on the dash's line.
 */
export function yamlDump(value: unknown, options: { indent?: number; flowLeaves: boolean }): string {
  const step = options.indent ?? 2;
  const inline = (item: unknown) =>
    isCollection(item) &&
    ((Array.isArray(item) ? item : Object.values(item as object)).length === 0 ||
      (options.flowLeaves && !(Array.isArray(item) ? item : Object.values(item as object)).some(isCollection)));
  /** Lines of a collection written at `column`; `first` is what the first line starts with (a dash, for a list item). */
  const block = (item: unknown, column: number): string[] => {
    const pad = ' '.repeat(column);
    if (Array.isArray(item)) {
      return item.flatMap((entry) => {
        const dash = `${pad}-${' '.repeat(step - 1)}`;
        if (inline(entry)) return [`${pad}- ${flowCollection(entry)}`];
        if (!isCollection(entry)) return [`${pad}- ${scalar(entry, false, ' '.repeat(column + step))}`];
        const inner = block(entry, column + step);
        return [dash + inner[0].slice(column + step), ...inner.slice(1)];
      });
    }
    const mapping = item as Record<string, unknown>;
    return sortedKeys(mapping).flatMap((key) => {
      const entry = mapping[key];
      const name = `${pad}${scalar(key, false, pad)}:`;
      if (inline(entry)) return [`${name} ${flowCollection(entry)}`];
      if (!isCollection(entry)) return [`${name} ${scalar(entry, false, ' '.repeat(column + step))}`];
      return [name, ...block(entry, Array.isArray(entry) ? column : column + step)];
    });
  };
  const plainValue = plainForYaml(value);
  if (inline(plainValue)) return `${flowCollection(plainValue)}\n`;
  if (!isCollection(plainValue)) {
    const text = scalar(plainValue, false, ' '.repeat(step));
    return /^'|^"/.test(text) ? `${text}\n` : `${text}\n...\n`;
  }
  return `${block(plainValue, 0).join('\n')}\n`;
}

/** A value as YAML reads it back: floats as numbers, tuples as lists, markup as text. */
const plainForYaml = (value: unknown): unknown => {
  if (value instanceof Markup) return value.text;
  if (value instanceof PyTuple) return [...value].map(plainForYaml);
  if (Array.isArray(value)) return value.map(plainForYaml);
  if (value instanceof Undefined) throw new ExpressionError(`'${value.name}' is undefined`);
  if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plainForYaml(item)]));
  return value;
};

export const fromYaml = (text: string): unknown => parseYaml(text);
export const fromYamlAll = (text: string): unknown[] => parseAllDocuments(text).map((document) => document.toJS());
