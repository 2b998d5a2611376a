import { extname } from 'node:path';
import { UserError, type SourceLocation } from '../errors.js';
import { ExpressionError, UndefinedVariable, VariableCycle } from '../expression/errors.js';
import { evaluate, expressionFailure, parseExpression, type TemplateOrigin } from '../expression/expression.js';
import { pythonStr } from '../expression/python.js';
import { checkHandlebars, renderHandlebars } from './handlebars.js';
import { parseJinja, renderJinja, type JinjaOptions } from './jinja.js';

// Values in playbooks, roles and inventories use Ansible's language: {{ expression }} is a Jinja
// expression (evaluated by the same engine as 'when'), {% ... %} a Jinja statement.

export const hasTemplate = (text: string) => text.includes('{{') || text.includes('{%');

/** A value split into its text and its {{ expressions }}. */
type Part = string | { expression: string };
const splits = new Map<string, Part[] | 'statements'>();

/** Split at each {{ }}, honouring quotes inside the expression and Jinja's {{- -}} whitespace control. */
function parts(text: string): Part[] | 'statements' {
  let found = splits.get(text);
  if (found) return found;
  if (text.includes('{%') || text.includes('{#')) {
    splits.set(text, 'statements');
    return 'statements';
  }
  found = [];
  let rest = text;
  let trimNext = false;
  while (rest) {
    const open = rest.indexOf('{{');
    let literal = open < 0 ? rest : rest.slice(0, open);
    if (trimNext) literal = literal.trimStart();
    if (open < 0) {
      if (literal) found.push(literal);
      break;
    }
    let close = -1;
    let quote = '';
    for (let i = open + 2; i < rest.length - 1; i++) {
      if (quote) {
        if (rest[i] === '\\') i++;
        else if (rest[i] === quote) quote = '';
      } else if (rest[i] === "'" || rest[i] === '"') quote = rest[i];
      else if (rest[i] === '}' && rest[i + 1] === '}') {
        close = i;
        break;
      }
    }
    if (close < 0) throw new SyntaxError(`'{{' at character ${text.length - rest.length + open + 1} is never closed with '}}'`);
    let expression = rest.slice(open + 2, close);
    if (expression.startsWith('-')) literal = literal.trimEnd();
    trimNext = expression.endsWith('-');
    expression = expression.replace(/^-/, '').replace(/-$/, '').trim();
    if (literal) found.push(literal);
    found.push({ expression });
    rest = rest.slice(close + 2);
  }
  splits.set(text, found);
  return found;
}

const notValidTemplate = (origin: TemplateOrigin, error: unknown) =>
  new UserError(`${origin.what} is not a valid template: ${firstLine(error)}.`, origin.loc, 'Check the {{ }} and {% %} pairs.');

/** A value's parts; a {{ never closed is the user's error, named where the value was written. */
function partsOf(text: string, origin: TemplateOrigin): Part[] | 'statements' {
  try {
    return parts(text);
  } catch (error) {
    throw notValidTemplate(origin, error);
  }
}

/** Parse every expression in a value without evaluating it: run on every task before the first connection. */
export function checkTemplateSyntax(text: string, origin: TemplateOrigin): void {
  const split = partsOf(text, origin);
  if (split === 'statements') {
    try {
      parseJinja(text);
    } catch (error) {
      throw notValidTemplate(origin, error);
    }
    return;
  }
  for (const part of split) if (typeof part !== 'string') parseExpression(part.expression, origin);
}

/**
 * Render a value. A value that is exactly one {{ expression }} keeps its type (list, number,
 * boolean), as in Ansible. None comes out as '' (Ansible's finalize), except from a template that
 * one variable's name alone (a variable that exists), which gives the variable as it is.
 */
export function renderString(text: string, scope: object, origin: TemplateOrigin): unknown {
  if (!hasTemplate(text)) return text;
  const split = partsOf(text, origin);
  if (split === 'statements') return renderJinjaValue(text, scope, origin);
  const values = split.map((part) => (typeof part === 'string' ? part : evaluate(part.expression, scope, origin)));
  const [only] = split;
  if (values.length === 1 && typeof only !== 'string')
    return values[0] === null && !(/^\w+$/.test(only.expression) && only.expression in scope) ? '' : values[0];
  return values.map((value) => (value === null ? '' : pythonStr(value))).join('');
}

/** Render every string inside a value (lists and mappings included). */
export function renderDeep(value: unknown, scope: object, origin: TemplateOrigin): unknown {
  if (typeof value === 'string') return renderString(value, scope, origin);
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, scope, origin));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderDeep(item, scope, { ...origin, what: `${origin.what}.${key}` })]));
  }
  return value;
}

/** Handlebars for .hbs files (the project's own roles), Jinja2 for every other template, as Ansible reads them. */
export const isHandlebars = (file: string) => extname(file) === '.hbs';

/** Parse a template file without rendering it. */
export function checkTemplateFileSyntax(text: string, file: string): void {
  const origin = { loc: { file, line: 1, column: 1 }, what: 'this template', isFile: true };
  if (isHandlebars(file)) return checkHandlebars(text, origin);
  try {
    parseJinja(text);
  } catch (error) {
    throw jinjaError(error, origin);
  }
}

/** Render a template file's text: always a string. */
export function renderTemplateFile(text: string, file: string, scope: object, options: JinjaOptions = {}): string {
  const origin = { loc: { file, line: 1, column: 1 }, what: `template ${file}`, isFile: true };
  if (isHandlebars(file)) return renderHandlebars(text, scope, origin);
  try {
    return renderJinja(text, scope, file, options);
  } catch (error) {
    throw jinjaError(error, origin);
  }
}

function renderJinjaValue(text: string, scope: object, origin: TemplateOrigin): string {
  try {
    return renderJinja(text, scope, undefined);
  } catch (error) {
    throw jinjaError(error, origin);
  }
}

const firstLine = (error: unknown) => String((error as Error).message ?? error).split('\n')[0];

/** nunjucks says "(path) [Line 3, Column 5]\n  reason": turn that into the file's line and the reason. */
function jinjaError(error: unknown, origin: TemplateOrigin): unknown {
  if (error instanceof UserError) return error;
  if (error instanceof VariableCycle || error instanceof ExpressionError) return expressionFailure(error, 'this template', origin);
  const message = String((error as Error).message ?? error);
  const position = /\[Line (\d+), Column (\d+)\]/.exec(message);
  const reason = message
    .replace(/^.*?\(.*?\)(\s*\[Line \d+, Column \d+\])?\s*/s, '')
    .replace(/^Error: /, '')
    .trim();
  const loc: SourceLocation = origin.isFile && position ? { file: origin.loc.file, line: Number(position[1]), column: Number(position[2]) } : origin.loc;
  const undefinedName = /undefined variable '(.*)'/.exec(reason)?.[1] ?? (error instanceof UndefinedVariable ? error.variable : undefined);
  if (undefinedName !== undefined) {
    return new UserError(
      `${origin.what} uses an undefined variable '${undefinedName}'.`,
      loc,
      "Define it (inventory, role defaults, vars or -e), test it with 'is defined', or give a fallback with '| default(...)'.",
    );
  }
  if (/expected|unexpected|unknown block tag|parse|Unable to call/i.test(reason)) {
    return new UserError(
      `${origin.what} is not a valid Jinja2 template: ${reason}.`,
      loc,
      'Check the {{ }} and {% %} pairs and the names of filters and tests.',
    );
  }
  return new UserError(`${origin.what} could not be rendered: ${reason}.`, loc, 'Check that the variables it reads exist and have the expected type.');
}
