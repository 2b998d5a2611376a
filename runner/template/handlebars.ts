import Handlebars from 'handlebars';
import { UserError, type SourceLocation } from '../errors.js';
import type { TemplateOrigin } from '../jinja/templar.js';
import { helpers } from './helpers.js';

// The project's own template files (.hbs) are Handlebars: logic-less, strict about missing variables.
const handlebars = Handlebars.create();
handlebars.registerHelper(helpers);
const compileOptions = { strict: true, noEscape: true } as const;
const compiled = new Map<string, (context: object) => string>();

/** Parse a Handlebars template without rendering it. */
export function checkHandlebars(text: string, origin: TemplateOrigin): void {
  try {
    handlebars.parse(text);
  } catch (error) {
    throw handlebarsError(error, text, origin);
  }
}

/** Render a Handlebars template file's text. */
export function renderHandlebars(text: string, scope: object, origin: TemplateOrigin): string {
  try {
    let template = compiled.get(text);
    if (!template) {
      template = handlebars.compile(text, compileOptions);
      compiled.set(text, template);
    }
    return template(scope);
  } catch (error) {
    throw handlebarsError(error, text, origin);
  }
}

function handlebarsError(error: unknown, text: string, origin: TemplateOrigin): unknown {
  if (error instanceof UserError) return error;
  const hbError = error as Error & { lineNumber?: number; column?: number };
  const at = (line?: number, column?: number): SourceLocation => (line ? { file: origin.loc.file, line, column: (column ?? 0) + 1 } : origin.loc);
  const notDefined = /^"(.+)" not defined in/.exec(hbError.message);
  if (notDefined && hbError.lineNumber) {
    const line = text.split('\n')[hbError.lineNumber - 1] ?? '';
    const expression = /^[\w@.[\]/-]+/.exec(line.slice(hbError.column ?? 0))?.[0] ?? notDefined[1];
    return new UserError(
      `${origin.what} uses an undefined variable '${expression}'.`,
      at(hbError.lineNumber, hbError.column),
      'Define it (inventory, role defaults, vars or -e) or give a fallback with {{default name "value"}}.',
    );
  }
  if (!/Parse error|Expecting|Missing helper|doesn't match/.test(hbError.message)) {
    return new UserError(
      `${origin.what} could not be rendered: ${hbError.message}.`,
      at(hbError.lineNumber, hbError.column),
      'Check that the variables it reads exist and have the expected type.',
    );
  }
  const parseLine = /on line (\d+)/.exec(hbError.message);
  const reason = hbError.message
    .split('\n')
    .filter((l) => !/^(-*\^|\.\.\.)/.test(l))
    .join(' ')
    .replace(/\s+/g, ' ');
  return new UserError(
    `${origin.what} is not a valid Handlebars template: ${reason}.`,
    at(parseLine ? Number(parseLine[1]) : hbError.lineNumber, hbError.column),
    'Check the {{ }} braces; index lists as list.[0] or with {{first list}}.',
  );
}
