import { UndefinedVariableError, UserError, type SourceLocation } from '../errors.js';
import { excerpt as sourceExcerpt } from '../yaml/source.js';
import type { Expr, Template } from './ast.js';
import { compileExpression, compileTemplate } from './compile.js';
import { literalOrText, nativeLiteralOrText } from './literal.js';
import { ExpressionError, positionOf, TemplateSyntaxError, UndefinedVariable, VariableCycle } from './errors.js';
import { evalExpr } from './evaluate.js';
import { filters } from './filters.js';
import { Environment, Frame, type Library } from './frame.js';
import { fileLoader } from './loader.js';
import { globalFunctions, globalValues } from './globals.js';
import type { Delimiters, LexOptions } from './lexer.js';
import { isMapping, printable, pyTruthy } from './python.js';
import { finalize, joinOutput, positionOfError, renderTemplate } from './statements.js';
import { tests } from './tests.js';
import { toPlainValue, Undefined } from './values.js';
import { UnsafeText } from '../text/unsafe.js';

// Ansible's Templar (lib/ansible/template/__init__.py, 2.14) on this engine: how a playbook value, a
// condition and a template file are rendered, with the types Ansible gives the results.

/** Where an expression or template came from, for errors: a task argument, a condition or a template file. */
export interface TemplateOrigin {
  loc: SourceLocation;
  what: string;
  /** True for template files: positions in the text are the file's own lines. */
  isFile?: boolean;
}

export const library: Library = { filters, tests, functions: globalFunctions, values: globalValues };
const valueEnvironment = new Environment(library, { trimBlocks: true, rawVariableStrings: true });
const conditionEnvironment = new Environment(library, { trimBlocks: true });

/** Could this text hold a template? (Ansible's is_possibly_template) */
export const hasTemplate = (text: string) => text.includes('{{') || text.includes('{%') || text.includes('{#');

/** The filters whose text Ansible keeps as text even when it looks like a list (C.STRING_TYPE_FILTERS). */
const STRING_TYPE_FILTERS = new Set(['string', 'to_json', 'to_nice_json', 'to_yaml', 'to_nice_yaml', 'ppretty', 'json']);
const SINGLE_VARIABLE = /^\{\{\s*(\w*)\s*\}\}$/;

/** Ansible's jinja2_native setting (ANSIBLE_JINJA2_NATIVE): a value keeps the type its template computes. */
let jinja2Native = false;
export const useJinja2Native = (on: boolean) => {
  jinja2Native = on;
};
export const isJinja2Native = () => jinja2Native;

/** A syntax or evaluation error as the user's error: where, what, and the line with a caret. */
function userError(error: unknown, source: string, origin: TemplateOrigin): unknown {
  if (error instanceof UserError) return error;
  const pos = error instanceof TemplateSyntaxError ? error.pos : positionOfError(error);
  const at = pos === undefined ? undefined : positionOf(source, pos);
  const loc = origin.isFile && at ? { file: origin.loc.file, line: at.line, column: at.column } : origin.loc;
  const excerpt = at ? sourceExcerpt(source, { file: origin.loc.file, line: at.line, column: at.column }) : undefined;
  const where = at && !origin.isFile ? ` (line ${at.line}, column ${at.column} of the text)` : '';
  if (error instanceof TemplateSyntaxError) {
    return new UserError(
      `${origin.what} is not a valid ${origin.isFile ? 'Jinja2 template' : 'template'}: ${error.message}${where}.`,
      loc,
      handlebarsHint(source) ?? 'Check the {{ }} and {% %} pairs, quotes and brackets, and the names of filters and tests.',
      undefined,
      excerpt,
    );
  }
  if (error instanceof UndefinedVariable) {
    return new UndefinedVariableError(
      error.variable,
      `${origin.what} uses an undefined variable '${error.variable}'${where}${origin.isFile ? '' : ` in ${JSON.stringify(source)}`}: ${error.reason}.`,
      loc,
      "Define it (inventory, role defaults, vars or -e), test it first with 'is defined', or give a fallback with '| default(...)'.",
      origin.isFile ? excerpt : undefined,
    );
  }
  if (error instanceof VariableCycle)
    return new UserError(`${origin.what}: ${error.message}.`, loc, 'Break the circle: one of these variables must hold a plain value.');
  if (error instanceof ExpressionError) {
    return new UserError(
      `${origin.what}: ${error.message}${where}${origin.isFile ? '' : ` in ${JSON.stringify(source)}`}.`,
      loc,
      'Fix the expression.',
      undefined,
      origin.isFile ? excerpt : undefined,
    );
  }
  return error;
}

/** 'default x "y"' is how values were written before they were Jinja (Handlebars helpers): say how to write it now. */
function handlebarsHint(text: string): string | undefined {
  const helper = /^(?:\{\{\s*)?(default|quote|join|first|last|lower|upper|basename|b64decode|b64encode|replace|eq|lookup)\s+([\w.]+)/.exec(text.trim());
  return helper
    ? `Values are Jinja expressions, as in Ansible: write "${helper[2]} | ${helper[1]}(...)" instead of the Handlebars helper "${helper[1]} ${helper[2]} ...".`
    : undefined;
}

/** Parse an expression once; a syntax error names the expression and where it was written. */
export function parseExpression(text: string, origin: TemplateOrigin): Expr {
  try {
    return compileExpression(text);
  } catch (error) {
    if (!(error instanceof TemplateSyntaxError)) throw error;
    const at = positionOf(text, error.pos);
    throw new UserError(
      `${origin.what} is not a valid expression: ${error.message} (column ${at.column}) in ${JSON.stringify(text)}.`,
      origin.loc,
      handlebarsHint(text) ?? 'Write expressions as in Ansible, e.g. "result.rc == 0 and \'ok\' in result.stdout" or "name | default(\'x\')".',
      undefined,
      sourceExcerpt(text, { file: origin.loc.file, line: at.line, column: at.column }),
    );
  }
}

/** Evaluate an expression (a condition's text, a loop's value) to its value, as Jinja computes it. */
export function evaluate(text: string, scope: object, origin: TemplateOrigin): unknown {
  const expr = parseExpression(text, origin);
  try {
    return toPlainValue(deepDefined(evalExpr(expr, new Frame(conditionEnvironment, scope))));
  } catch (error) {
    throw userError(error, text, origin);
  }
}

/** A value with no undefined part (Ansible's _fail_on_undefined). */
function deepDefined(value: unknown): unknown {
  if (value instanceof Undefined) return printable(value);
  if (Array.isArray(value)) value.forEach(deepDefined);
  else if (isMapping(value)) Object.values(value).forEach(deepDefined);
  return value;
}

/** Ansible's conditional: a boolean as it is; a templated one rendered first; then the expression's truth. */
export function conditionHolds(condition: unknown, scope: object, origin: TemplateOrigin): boolean {
  if (typeof condition === 'boolean') return condition;
  if (typeof condition !== 'string') return pyTruthy(condition ?? null);
  let text: unknown = condition;
  if (hasTemplate(condition)) {
    text = renderValue(condition, scope, origin);
    if (typeof text !== 'string' || text === '') return pyTruthy(text);
  }
  const expr = parseExpression(String(text), origin);
  try {
    return pyTruthy(evalExpr(expr, new Frame(conditionEnvironment, scope)));
  } catch (error) {
    throw userError(error, String(text), origin);
  }
}

function compileValue(text: string, origin: TemplateOrigin): Template {
  try {
    return compileTemplate(text, valueEnvironment.lex);
  } catch (error) {
    throw userError(error, text, origin);
  }
}

/** Parse every expression in a value without evaluating it: run on every task before the first connection. */
export function checkTemplateSyntax(text: string, origin: TemplateOrigin): void {
  if (hasTemplate(text)) compileValue(text, origin);
}

const trailingNewlines = (text: string) => text.length - text.replace(/\n+$/, '').length;

/**
 * Render a playbook value as Ansible 2.14 does: `{{ name }}` of a defined variable is the variable;
 * otherwise the output is text, turned back into a list, mapping or boolean when it reads as one
 * (ansible_eval_concat), except the text of to_json and the other string filters.
 */
export function renderValue(text: string, scope: object, origin: TemplateOrigin): unknown {
  if (!hasTemplate(text)) return text;
  const single = SINGLE_VARIABLE.exec(text);
  if (single && single[1] in scope) {
    let value: unknown;
    try {
      value = (scope as Record<string, unknown>)[single[1]];
    } catch (error) {
      throw userError(error, text, origin);
    }
    if (value === null || typeof value === 'boolean' || typeof value === 'number') return value;
  }
  const template = compileValue(text, origin);
  try {
    const out: unknown[] = [];
    renderTemplate(template, new Frame(valueEnvironment, scope), out);
    const result = jinja2Native ? nativeConcatenated(out, template) : concatenated(out, template);
    const missing = typeof result === 'string' ? trailingNewlines(text) - trailingNewlines(result) : 0;
    return missing > 0 ? result + '\n'.repeat(missing) : result;
  } catch (error) {
    throw userError(error, template.source, origin);
  }
}

/** Is the template one string filter's output ({{ x | to_json }})? Ansible keeps that text as text (NativeJinjaText). */
function isStringFilterOutput(template: Template): boolean {
  const [node] = template.body;
  return node.t === 'output' && node.expr.t === 'filter' && STRING_TYPE_FILTERS.has(node.expr.name.replace(/^ansible\.builtin\./, ''));
}

/** Ansible's ansible_eval_concat: one output keeps a list, mapping or boolean (or the text of a string filter); text that reads as one becomes one. */
function concatenated(out: unknown[], template: Template): unknown {
  if (out.length === 0) return '';
  if (out.length > 1) return literalOrText(joinOutput(out));
  const [only] = out;
  if (isStringFilterOutput(template)) return finalize(only);
  if (typeof only === 'boolean') return only;
  if (Array.isArray(only) || isMapping(only)) return toPlainValue(deepDefined(only));
  return literalOrText(finalize(only));
}

/**
 * Ansible's ansible_native_concat: one output that is not text keeps its type (None too); text, or
 * several outputs joined, is read as a Python literal when it is one.
 */
function nativeConcatenated(out: unknown[], template: Template): unknown {
  if (out.length === 0) return null;
  if (out.length === 1) {
    const [only] = out;
    if (isStringFilterOutput(template)) return finalize(only);
    if (typeof only !== 'string') return toPlainValue(deepDefined(only));
    return nativeLiteralOrText(only);
  }
  return nativeLiteralOrText(out.map((value) => (value === null ? 'None' : finalize(value))).join(''));
}

/** Render every string inside a value (lists and mappings included). */
export function renderDeep(value: unknown, scope: object, origin: TemplateOrigin): unknown {
  if (typeof value === 'string') return renderValue(value, scope, origin);
  if (value instanceof UnsafeText) return value.text;
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, scope, origin));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderDeep(item, scope, { ...origin, what: `${origin.what}.${key}` })]));
  }
  return value;
}

/** Ansible's template module options that change how a file is read. */
export interface JinjaOptions {
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
  /** Other delimiters than {% %}, {{ }} and {# #} (Ansible's block_start_string, ...). */
  tags?: Partial<Delimiters>;
  /** Where {% include %} looks besides the template's own folder. */
  searchPath?: string[];
}

const fileLex = (options: JinjaOptions): LexOptions => ({
  trimBlocks: options.trimBlocks ?? true,
  lstripBlocks: options.lstripBlocks ?? false,
  ...(options.tags ? { delimiters: options.tags } : {}),
});

/** Parse a template file's text without rendering it. */
export function checkJinjaFile(text: string, file: string, options: JinjaOptions = {}): void {
  try {
    compileTemplate(text, fileLex(options), file);
  } catch (error) {
    throw userError(error, text.replace(/\r\n?/g, '\n'), { loc: { file, line: 1, column: 1 }, what: 'this template', isFile: true });
  }
}

/** Render a template file: always text, ending in as many newlines as the file does (Ansible keeps them). */
export function renderJinjaFile(text: string, file: string, scope: object, options: JinjaOptions = {}): string {
  const origin = { loc: { file, line: 1, column: 1 }, what: `template ${file}`, isFile: true };
  const env = new Environment(library, fileLex(options), fileLoader(file, options.searchPath ?? []));
  let template: Template;
  try {
    template = compileTemplate(text, env.lex, file);
  } catch (error) {
    throw userError(error, text.replace(/\r\n?/g, '\n'), origin);
  }
  const out: unknown[] = [];
  try {
    renderTemplate(template, new Frame(env, scope, undefined, file), out);
  } catch (error) {
    throw userError(error, template.source, origin);
  }
  const rendered = joinOutput(out);
  const missing = trailingNewlines(text) - trailingNewlines(rendered);
  return missing > 0 ? rendered + '\n'.repeat(missing) : rendered;
}
