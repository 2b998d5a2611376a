import type { Expr, Template } from './ast.js';
import { normalizeSource, tokenize, type LexOptions } from './lexer.js';
import { Parser } from './parser.js';

// Parsing is done once per distinct text and options: a run evaluates the same task's expressions for
// every host and item.

const templates = new Map<string, Template>();
const expressions = new Map<string, Expr>();
/** Bounds the caches for long-lived processes; a run's distinct texts stay far below it. */
const MAX_CACHED = 20_000;

const optionsKey = (options: LexOptions) =>
  options.delimiters || options.trimBlocks || options.lstripBlocks || options.keepTrailingNewline || options.rawVariableStrings ? JSON.stringify(options) : '';

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, value);
  return value;
}

/** Parse a template (text with {{ }}, {% %} and {# #}). Throws TemplateSyntaxError with the offset in `source` as normalized. */
export function compileTemplate(source: string, options: LexOptions = {}, file?: string): Template {
  const key = `${optionsKey(options)}\0${file ?? ''}\0${source}`;
  const found = templates.get(key);
  if (found) return found;
  const text = normalizeSource(source, options.keepTrailingNewline);
  const body = new Parser(tokenize(text, options)).parseTemplate();
  return remember(templates, key, { body, source: text, file });
}

/** Parse one expression alone (a condition, a loop's value). */
export function compileExpression(text: string): Expr {
  const found = expressions.get(text);
  if (found) return found;
  const tokens = tokenize(`{{ ${text} }}`, {});
  // Offsets are reported in the expression's own text, without the braces added around it.
  for (const token of tokens) token.pos = Math.max(0, token.pos - 3);
  const inner = tokens.slice(1, -2);
  inner.push({ type: 'eof', value: '', pos: text.length });
  return remember(expressions, text, new Parser(inner).parseStandaloneExpression());
}
