import jsep, { type Expression } from 'jsep';
import { UserError } from '../errors.js';
import { hasTemplate, renderString, UndefinedVariable, type TemplateOrigin } from '../template/render.js';
import { ExpressionError } from './expression-error.js';
import { filters, tests } from './functions.js';
import { isTruthy, looseEquals } from './values.js';

// Jinja's words on top of jsep's operators. Filters ('|') bind tighter than anything else, as in Jinja.
jsep.addBinaryOp('or', 1);
jsep.addBinaryOp('and', 2);
for (const op of ['in', 'not in', 'is', 'is not']) jsep.addBinaryOp(op, 6);
jsep.removeBinaryOp('|');
jsep.addBinaryOp('|', 12);
jsep.addBinaryOp('~', 9);
jsep.addUnaryOp('not');
for (const [word, value] of Object.entries({ True: true, False: false, None: null, none: null })) jsep.addLiteral(word, value);

const parsed = new Map<string, Expression>();

/** Parse an expression once; a syntax error names the expression and where it was written. */
export function parseExpression(text: string, origin: TemplateOrigin): Expression {
  let ast = parsed.get(text);
  if (!ast) {
    try {
      ast = notBindsLoosely(jsep(text));
    } catch (error) {
      throw new UserError(
        `${origin.what} is not a valid expression: ${(error as Error).message} in ${JSON.stringify(text)}.`,
        origin.loc,
        'Write conditions as in Ansible, e.g. "result.rc == 0 and \'ok\' in result.stdout".',
      );
    }
    parsed.set(text, ast);
  }
  return ast;
}

/** In Jinja 'not a == b' means 'not (a == b)'; jsep binds unary operators tightly, so lift 'not' over the comparison. */
function notBindsLoosely(node: Expression): Expression {
  for (const key of ['left', 'right', 'argument', 'object', 'test', 'consequent', 'alternate'] as const) {
    if (node[key]) node[key] = notBindsLoosely(node[key] as Expression);
  }
  if (node.type === 'BinaryExpression' && !['and', 'or'].includes(node.operator as string)) {
    const left = node.left as Expression;
    if (left.type === 'UnaryExpression' && left.operator === 'not') {
      return { type: 'UnaryExpression', operator: 'not', prefix: true, argument: { ...node, left: left.argument } };
    }
  }
  return node;
}

/** Evaluate an Ansible-style expression (the 'when' language) against a scope. No eval, no Function. */
export function evaluate(text: string, scope: object, origin: TemplateOrigin): unknown {
  try {
    return evalNode(parseExpression(text, origin), scope);
  } catch (error) {
    if (error instanceof UndefinedVariable) {
      throw new UserError(
        `${origin.what} uses an undefined variable '${error.variable}' in ${JSON.stringify(text)}.`,
        origin.loc,
        "Define it, or test it first with 'is defined' or give a fallback with '| default(...)'.",
      );
    }
    if (error instanceof ExpressionError)
      throw new UserError(`${origin.what}: ${error.message} in ${JSON.stringify(text)}.`, origin.loc, 'Fix the expression.');
    throw error;
  }
}

/** A list of conditions (when, changed_when, ...) holds when every one of them does. */
export function conditionsHold(conditions: ReadonlyArray<string | boolean>, scope: object, origin: TemplateOrigin): boolean {
  return conditions.every((condition) => {
    if (typeof condition === 'boolean') return condition;
    // '{{ x }}' in a condition is allowed as in old Ansible: render first, then judge the value.
    const value = hasTemplate(condition) ? renderString(condition, scope, origin) : evaluate(condition, scope, origin);
    return isTruthy(value);
  });
}

function evalNode(node: Expression, scope: object): unknown {
  switch (node.type) {
    case 'Literal':
      return node.value;
    case 'Identifier': {
      const name = node.name as string;
      if (!(name in scope)) throw new UndefinedVariable(name);
      return (scope as Record<string, unknown>)[name];
    }
    case 'MemberExpression':
      return member(node, scope);
    case 'ArrayExpression':
      return (node.elements as Expression[]).map((element) => evalNode(element, scope));
    case 'UnaryExpression': {
      const value = evalNode(node.argument as Expression, scope);
      if (node.operator === 'not' || node.operator === '!') return !isTruthy(value);
      if (node.operator === '-') return -Number(value);
      return Number(value);
    }
    case 'ConditionalExpression':
      return isTruthy(evalNode(node.test as Expression, scope))
        ? evalNode(node.consequent as Expression, scope)
        : evalNode(node.alternate as Expression, scope);
    case 'BinaryExpression':
      return binary(node, scope);
    case 'CallExpression':
      throw new ExpressionError(
        `'${describeNode(node.callee as Expression)}(...)' is not a function here; use filters like "x | default('y')" and tests like "x is defined"`,
      );
    default:
      throw new ExpressionError(`'${node.type}' is not supported`);
  }
}

function member(node: Expression, scope: object): unknown {
  const object = evalNode(node.object as Expression, scope);
  const key = node.computed ? evalNode(node.property as Expression, scope) : ((node.property as Expression).name as string);
  const path = describeNode(node);
  if (object === null || object === undefined) throw new UndefinedVariable(path);
  if (Array.isArray(object) && typeof key === 'number') {
    const index = key < 0 ? object.length + key : key;
    if (index < 0 || index >= object.length) throw new UndefinedVariable(path);
    return object[index];
  }
  if (typeof object !== 'object' || !(String(key) in object)) throw new UndefinedVariable(path);
  return (object as Record<string, unknown>)[String(key)];
}

function binary(node: Expression, scope: object): unknown {
  const op = node.operator as string;
  const left = node.left as Expression;
  const right = node.right as Expression;
  if (op === 'and') return isTruthy(evalNode(left, scope)) && isTruthy(evalNode(right, scope));
  if (op === 'or') return isTruthy(evalNode(left, scope)) || isTruthy(evalNode(right, scope));
  if (op === 'is' || op === 'is not') {
    const result = applyTest(left, right, scope);
    return op === 'is' ? result : !result;
  }
  if (op === '|') return applyFilter(left, right, scope);
  const a = evalNode(left, scope);
  const b = evalNode(right, scope);
  switch (op) {
    case '==':
    case '===':
      return looseEquals(a, b);
    case '!=':
    case '!==':
      return !looseEquals(a, b);
    case '<':
      return (a as number) < (b as number);
    case '>':
      return (a as number) > (b as number);
    case '<=':
      return (a as number) <= (b as number);
    case '>=':
      return (a as number) >= (b as number);
    case 'in':
      return contains(b, a);
    case 'not in':
      return !contains(b, a);
    case '+':
      return typeof a === 'number' && typeof b === 'number' ? a + b : Array.isArray(a) && Array.isArray(b) ? [...a, ...b] : String(a) + String(b);
    case '~':
      return String(a ?? '') + String(b ?? '');
    case '-':
      return Number(a) - Number(b);
    case '*':
      return Number(a) * Number(b);
    case '/':
      return Number(a) / Number(b);
    case '%':
      return Number(a) % Number(b);
    default:
      throw new ExpressionError(`operator '${op}' is not supported`);
  }
}

function contains(container: unknown, item: unknown): boolean {
  if (typeof container === 'string') return container.includes(String(item));
  if (Array.isArray(container)) return container.some((entry) => looseEquals(entry, item));
  if (container !== null && typeof container === 'object') return String(item) in container;
  throw new ExpressionError(`'in' needs a string, list or mapping on its right, not ${container === undefined ? 'nothing' : typeof container}`);
}

/** Name and arguments of a filter or test written as 'name' or 'name(args)'. */
function callParts(node: Expression, scope: object): { name: string; args: unknown[] } {
  if (node.type === 'Identifier') return { name: node.name as string, args: [] };
  if (node.type === 'CallExpression' && (node.callee as Expression).type === 'Identifier') {
    return { name: (node.callee as Expression).name as string, args: (node.arguments as Expression[]).map((arg) => evalNode(arg, scope)) };
  }
  throw new ExpressionError(`expected a filter or test name after '|' or 'is', got '${describeNode(node)}'`);
}

function applyTest(subject: Expression, testNode: Expression, scope: object): boolean {
  const { name, args } = callParts(testNode, scope);
  if (name === 'defined' || name === 'undefined') {
    const defined = probe(subject, scope) !== undefined;
    return name === 'defined' ? defined : !defined;
  }
  const test = tests[name];
  if (!test) throw new ExpressionError(`unknown test '${name}' (known: defined, undefined, ${Object.keys(tests).join(', ')})`);
  return test(evalNode(subject, scope), ...args);
}

function applyFilter(subject: Expression, filterNode: Expression, scope: object): unknown {
  const { name, args } = callParts(filterNode, scope);
  if (name === 'default' || name === 'd') {
    const value = probe(subject, scope);
    const useOnFalsy = args[1] === true;
    return value === undefined || value === null || (useOnFalsy && !isTruthy(value)) ? args[0] : value;
  }
  const filter = filters[name];
  if (!filter) throw new ExpressionError(`unknown filter '${name}' (known: default, ${Object.keys(filters).join(', ')})`);
  return filter(evalNode(subject, scope), ...args);
}

/** The value, or undefined where the variable or any part of its path is missing. */
function probe(node: Expression, scope: object): unknown {
  try {
    return evalNode(node, scope);
  } catch (error) {
    if (error instanceof UndefinedVariable) return undefined;
    throw error;
  }
}

function describeNode(node: Expression): string {
  if (node.type === 'Identifier') return node.name as string;
  if (node.type === 'Literal') return String(node.raw);
  if (node.type === 'MemberExpression') {
    const object = describeNode(node.object as Expression);
    return node.computed ? `${object}[${describeNode(node.property as Expression)}]` : `${object}.${describeNode(node.property as Expression)}`;
  }
  if (node.type === 'CallExpression') return describeNode(node.callee as Expression);
  return node.type;
}
