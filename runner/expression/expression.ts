import type { Expression } from 'jsep';
import { UserError, type SourceLocation } from '../errors.js';
import { ExpressionError, UndefinedVariable, VariableCycle } from './errors.js';
import { evalNode } from './evaluate.js';
import { parseJinjaExpression } from './syntax.js';

/** Where an expression or template came from, for errors: a task argument, a condition or a template file. */
export interface TemplateOrigin {
  loc: SourceLocation;
  what: string;
  /** True for template files: the engine's own line numbers are the file's. */
  isFile?: boolean;
}

/** Parse an expression once; a syntax error names the expression and where it was written. */
export function parseExpression(text: string, origin: TemplateOrigin): Expression {
  try {
    return parseJinjaExpression(text);
  } catch (error) {
    // 'default x "y"' is how values were written before they were Jinja (Handlebars helpers): say what it is now.
    const helper = /^(default|quote|join|first|last|lower|upper|basename|b64decode|b64encode|replace|eq|lookup)\s+(\S+)/.exec(text.trim());
    throw new UserError(
      `${origin.what} is not a valid expression: ${(error as Error).message} in ${JSON.stringify(text)}.`,
      origin.loc,
      helper
        ? `Values are Jinja expressions, as in Ansible: write "${helper[2]} | ${helper[1]}(...)" instead of the Handlebars helper "${helper[1]} ${helper[2]} ...".`
        : 'Write expressions as in Ansible, e.g. "result.rc == 0 and \'ok\' in result.stdout" or "name | default(\'x\')".',
    );
  }
}

/** Evaluate an Ansible (Jinja) expression against a scope; errors name the expression and where it was written. */
export function evaluate(text: string, scope: object, origin: TemplateOrigin): unknown {
  const ast = parseExpression(text, origin);
  try {
    return evalNode(ast, scope);
  } catch (error) {
    throw expressionFailure(error, text, origin);
  }
}

/** The user's message for an expression that failed while being evaluated. */
export function expressionFailure(error: unknown, text: string, origin: TemplateOrigin): unknown {
  if (error instanceof UndefinedVariable) {
    return new UserError(
      `${origin.what} uses an undefined variable '${error.variable}' in ${JSON.stringify(text)}.`,
      origin.loc,
      "Define it (inventory, role defaults, vars or -e), test it first with 'is defined', or give a fallback with '| default(...)'.",
    );
  }
  if (error instanceof VariableCycle) {
    return new UserError(`${origin.what}: ${error.message}.`, origin.loc, 'Break the circle: one of these variables must hold a plain value.');
  }
  if (error instanceof ExpressionError) return new UserError(`${origin.what}: ${error.message} in ${JSON.stringify(text)}.`, origin.loc, 'Fix the expression.');
  return error;
}
