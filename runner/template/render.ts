import Handlebars from 'handlebars';
import { UserError, type SourceLocation } from '../errors.js';
import { helpers } from './helpers.js';

/** One Handlebars environment for the whole run: no HTML escaping, strict about missing variables. */
const handlebars = Handlebars.create();
handlebars.registerHelper(helpers);
const compileOptions = { strict: true, noEscape: true } as const;

/** Where a template string came from, for errors: a task argument or a template file. */
export interface TemplateOrigin {
  loc: SourceLocation;
  what: string;
  /** True for template files: Handlebars' own line numbers are the file's. */
  isFile?: boolean;
}

type Compiled = (context: object, options?: { data?: Record<string, unknown> }) => string;
const compiled = new Map<string, Compiled>();
/** For a string that is exactly one {{expression}}: how to get the expression's native value. */
const natives = new Map<string, NativePlan | null>();

type NativePlan = { kind: 'path'; parts: string[]; original: string } | { kind: 'helper'; run: Compiled };

export const hasTemplate = (text: string) => text.includes('{{');

/** Parse a template without rendering it: used to validate every template before the first connection. */
export function checkTemplateSyntax(text: string, origin: TemplateOrigin): void {
  try {
    handlebars.parse(text);
  } catch (error) {
    throw templateError(error, text, origin);
  }
}

/** Render a string. A string that is a single {{expression}} keeps its native type (list, number, boolean). */
export function renderString(text: string, scope: object, origin: TemplateOrigin): unknown {
  if (!hasTemplate(text)) return text;
  try {
    const native = nativePlan(text);
    if (native?.kind === 'path') return lookupPath(scope, native.parts, native.original);
    if (native?.kind === 'helper') {
      const holder: { value?: unknown } = {};
      native.run(scope, { data: { nativeHolder: holder } });
      return holder.value;
    }
    return renderText(text, scope, origin);
  } catch (error) {
    throw templateError(error, text, origin);
  }
}

/** Render a template file's text: always a string, never a native value. */
export function renderText(text: string, scope: object, origin: TemplateOrigin): string {
  try {
    let template = compiled.get(text);
    if (!template) {
      template = handlebars.compile(text, compileOptions);
      compiled.set(text, template);
    }
    return template(scope);
  } catch (error) {
    throw templateError(error, text, origin);
  }
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

/** Receives a subexpression's raw value; the holder travels in Handlebars' data channel, not in the scope. */
handlebars.registerHelper('__native_capture', (value: unknown, options: { data: { nativeHolder: { value?: unknown } } }) => {
  options.data.nativeHolder.value = value;
  return '';
});

function nativePlan(text: string): NativePlan | null {
  if (natives.has(text)) return natives.get(text)!;
  let plan: NativePlan | null = null;
  // Only a string that is exactly one expression is native: any text around it, even a newline, makes a string.
  const match = /^\{\{(?!\{)([^{}]*)\}\}$/.exec(text);
  if (match) {
    const only = handlebars.parse(text).body[0] as hbs.AST.MustacheStatement;
    if (only.type === 'MustacheStatement' && only.path.type === 'PathExpression') {
      const path = only.path as hbs.AST.PathExpression;
      if (only.params.length === 0 && !only.hash && !(path.original in helpers)) {
        plan = { kind: 'path', parts: path.parts, original: path.original };
      } else {
        plan = { kind: 'helper', run: handlebars.compile(`{{__native_capture (${match[1].trim()})}}`, compileOptions) };
      }
    }
  }
  natives.set(text, plan);
  return plan;
}

function lookupPath(scope: object, parts: string[], original: string): unknown {
  let value: unknown = scope;
  for (const part of parts) {
    if (value === null || value === undefined || typeof value !== 'object' || !(part in (value as object))) {
      throw new UndefinedVariable(original);
    }
    value = (value as Record<string, unknown>)[part];
  }
  if (value === undefined) throw new UndefinedVariable(original);
  return value;
}

/** A template or condition named a variable that is not defined for this host. */
export class UndefinedVariable extends Error {
  constructor(readonly variable: string) {
    super(`undefined variable '${variable}'`);
  }
}

/** Variables that refer to each other in a circle. */
export class VariableCycle extends Error {
  constructor(readonly chain: string[]) {
    super(`variable '${chain[0]}' refers to itself: ${chain.join(' -> ')}`);
  }
}

function templateError(error: unknown, text: string, origin: TemplateOrigin): UserError {
  if (error instanceof UserError) return error;
  const hbError = error as Error & { lineNumber?: number; column?: number };
  const inFile = (line?: number, column?: number): SourceLocation =>
    origin.isFile && line ? { file: origin.loc.file, line, column: (column ?? 0) + 1 } : origin.loc;
  if (error instanceof UndefinedVariable) {
    return new UserError(
      `${origin.what} uses an undefined variable '${error.variable}'.`,
      origin.loc,
      'Define it (inventory, role defaults, vars or -e) or give a fallback with {{default name "value"}}.',
    );
  }
  if (error instanceof VariableCycle) {
    return new UserError(`${origin.what}: ${error.message}.`, origin.loc, 'Break the circle: one of these variables must hold a plain value.');
  }
  const notDefined = /^"(.+)" not defined in/.exec(hbError.message);
  if (notDefined && hbError.lineNumber) {
    const line = text.split('\n')[hbError.lineNumber - 1] ?? '';
    const expression = /^[\w@.[\]/-]+/.exec(line.slice(hbError.column ?? 0))?.[0] ?? notDefined[1];
    return new UserError(
      `${origin.what} uses an undefined variable '${expression}'.`,
      inFile(hbError.lineNumber, hbError.column),
      'Define it (inventory, role defaults, vars or -e) or give a fallback with {{default name "value"}}.',
    );
  }
  if (/Parse error|Expecting|Missing helper|doesn't match/.test(hbError.message)) {
    const parseLine = /on line (\d+)/.exec(hbError.message);
    const reason = hbError.message
      .split('\n')
      .filter((l) => !/^(-*\^|\.\.\.)/.test(l))
      .join(' ')
      .replace(/\s+/g, ' ');
    return new UserError(
      `${origin.what} is not a valid template: ${reason}.`,
      inFile(parseLine ? Number(parseLine[1]) : hbError.lineNumber, hbError.column),
      'Check the {{ }} braces; index lists as list.[0] or with {{first list}}.',
    );
  }
  return new UserError(
    `${origin.what} could not be rendered: ${hbError.message}.`,
    inFile(hbError.lineNumber, hbError.column),
    'Check that the variables it reads exist and have the expected type.',
  );
}
