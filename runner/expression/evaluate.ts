import type { Expression } from 'jsep';
import { ExpressionError, UndefinedVariable } from './errors.js';
import { defaultFilter, filters } from './filters.js';
import { globalFunctions, globalValues } from './globals.js';
import { callMethod, contains, isTruthy, looseEquals, pythonStr } from './python.js';
import { parseJinjaExpression } from './syntax.js';
import { runTest } from './tests.js';

const LOOKUP_CALLS = new Set(['lookup', 'query', 'q']);

function renderTerm(term: unknown, scope: object): unknown {
  if (typeof term !== 'string' || !term.includes('{{')) return term;
  return term.replace(/\{\{([\s\S]*?)\}\}/g, (_, expression: string) => pythonStr(evalNode(parseJinjaExpression(expression), scope)));
}

type Scope = object;

/** Evaluate a parsed Jinja expression against a scope. No eval, no Function, no JavaScript method is ever called. */
export function evalNode(node: Expression, scope: Scope): unknown {
  switch (node.type) {
    case 'Literal':
      return node.value;
    case 'Identifier': {
      const name = node.name as string;
      if (name in scope) return (scope as Record<string, unknown>)[name];
      if (Object.prototype.hasOwnProperty.call(globalValues, name)) return globalValues[name];
      throw new UndefinedVariable(name);
    }
    case 'MemberExpression':
      return member(node, scope);
    case 'ArrayExpression':
    case 'SequenceExpression':
      return ((node.elements ?? node.expressions) as Expression[]).map((element) => evalNode(element, scope));
    case 'ObjectExpression':
      return Object.fromEntries(
        (node.properties as Expression[]).map((property) => {
          // Jinja reads {a: 1} with the variable a as the key, and {'a': 1} with the string.
          const key = property.key as Expression;
          return [pythonStr(evalNode(key, scope)), evalNode((property.value ?? key) as Expression, scope)];
        }),
      );
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
      return call(node, scope);
    default:
      throw new ExpressionError(`'${node.type}' is not supported`);
  }
}

/** The value, or undefined where the variable or any part of its path is missing. */
export function probe(node: Expression, scope: Scope): unknown {
  try {
    return evalNode(node, scope);
  } catch (error) {
    if (error instanceof UndefinedVariable) return undefined;
    throw error;
  }
}

function member(node: Expression, scope: Scope): unknown {
  const object = evalNode(node.object as Expression, scope);
  const key = node.computed ? evalNode(node.property as Expression, scope) : ((node.property as Expression).name as string);
  const path = describeNode(node);
  if (object === null || object === undefined) throw new UndefinedVariable(path);
  if ((Array.isArray(object) || typeof object === 'string') && typeof key === 'number') {
    const index = key < 0 ? object.length + key : key;
    if (index < 0 || index >= object.length) throw new UndefinedVariable(path);
    return object[index];
  }
  if (typeof object !== 'object' || !Object.prototype.hasOwnProperty.call(object, String(key))) throw new UndefinedVariable(path);
  return (object as Record<string, unknown>)[String(key)];
}

function binary(node: Expression, scope: Scope): unknown {
  const op = node.operator as string;
  const left = node.left as Expression;
  const right = node.right as Expression;
  switch (op) {
    // As in Python: the operand that decided, not a boolean ('' or 'x' is 'x').
    case 'and': {
      const first = evalNode(left, scope);
      return isTruthy(first) ? evalNode(right, scope) : first;
    }
    case 'or': {
      const first = evalNode(left, scope);
      return isTruthy(first) ? first : evalNode(right, scope);
    }
    case 'is':
    case 'is not':
      return applyTest(left, right, scope) === (op === 'is');
    case '|':
      return applyFilter(left, right, scope);
    case 'if':
      // 'a if c' alone: undefined when c is false, as in Jinja.
      if (isTruthy(evalNode(right, scope))) return evalNode(left, scope);
      throw new UndefinedVariable(describeNode(left));
    case 'else':
      return inlineIf(left, right, scope);
    case '=':
      throw new ExpressionError(`'=' is only for keyword arguments, e.g. "x | to_nice_json(indent=2)"; compare with '=='`);
  }
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
    case 'is in':
      return contains(b, a);
    case 'not in':
    case 'is not in':
      return !contains(b, a);
    case '+':
      return typeof a === 'number' && typeof b === 'number' ? a + b : Array.isArray(a) && Array.isArray(b) ? [...a, ...b] : pythonStr(a) + pythonStr(b);
    case '~':
      return pythonStr(a ?? '') + pythonStr(b ?? '');
    case '-':
      return Number(a) - Number(b);
    case '*':
      return typeof a === 'string' ? a.repeat(Number(b)) : Number(a) * Number(b);
    case '/':
      return Number(a) / Number(b);
    case '//':
      return Math.floor(Number(a) / Number(b));
    case '**':
      return Number(a) ** Number(b);
    case '%':
      return typeof a === 'string' ? percentFormat(a, b) : Number(a) % Number(b);
    default:
      throw new ExpressionError(`operator '${op}' is not supported`);
  }
}

/** 'x if c else y': the left side must be an 'if'; anything else is a stray 'else'. */
function inlineIf(left: Expression, otherwise: Expression, scope: Scope): unknown {
  if (left.type !== 'BinaryExpression' || left.operator !== 'if') throw new ExpressionError("'else' without 'if'");
  return isTruthy(evalNode(left.right as Expression, scope)) ? evalNode(left.left as Expression, scope) : evalNode(otherwise, scope);
}

/** Python's 'text %s' % value formatting, for %s, %d, %i and %%. */
function percentFormat(format: string, values: unknown): string {
  const list = Array.isArray(values) ? [...values] : [values];
  return format.replace(/%([sdir%])/g, (_, kind: string) => {
    if (kind === '%') return '%';
    const value = list.shift();
    return kind === 's' || kind === 'r' ? pythonStr(value) : String(Math.trunc(Number(value)));
  });
}

/** Positional and keyword (name=value) arguments of a call. */
function callArguments(nodes: Expression[], scope: Scope): { args: unknown[]; kwargs: Record<string, unknown> } {
  const args: unknown[] = [];
  const kwargs: Record<string, unknown> = {};
  for (const node of nodes) {
    if (node.type === 'BinaryExpression' && node.operator === '=' && (node.left as Expression).type === 'Identifier') {
      kwargs[(node.left as Expression).name as string] = evalNode(node.right as Expression, scope);
    } else args.push(evalNode(node, scope));
  }
  return { args, kwargs };
}

function call(node: Expression, scope: Scope): unknown {
  const callee = node.callee as Expression;
  const { args, kwargs } = callArguments(node.arguments as Expression[], scope);
  if (callee.type === 'Identifier' && Object.prototype.hasOwnProperty.call(globalFunctions, callee.name as string)) {
    // A lookup's terms holding {{ }} are rendered first, as Ansible templates them ('{{ x }} -c ...' given to pipe).
    const terms = LOOKUP_CALLS.has(callee.name as string) ? args.map((term) => renderTerm(term, scope)) : args;
    return globalFunctions[callee.name as string](terms, kwargs, scope);
  }
  if (callee.type === 'MemberExpression' && !callee.computed) {
    return callMethod(evalNode(callee.object as Expression, scope), (callee.property as Expression).name as string, args);
  }
  throw new ExpressionError(
    `'${describeNode(callee)}(...)' is not a function here (functions: ${Object.keys(globalFunctions).join(', ')}; methods such as name.split(',') on strings, lists and mappings)`,
  );
}

/** Name and arguments of a filter or test written as 'name' or 'name(args)'. */
function callParts(node: Expression, scope: Scope): { name: string; args: unknown[]; kwargs: Record<string, unknown> } {
  if (node.type === 'Identifier') return { name: node.name as string, args: [], kwargs: {} };
  if (node.type === 'Literal' && typeof node.value === 'boolean') return { name: String(node.value), args: [], kwargs: {} };
  if (node.type === 'Literal' && node.value === null) return { name: 'none', args: [], kwargs: {} };
  if (node.type === 'CallExpression' && (node.callee as Expression).type === 'Identifier') {
    return { name: (node.callee as Expression).name as string, ...callArguments(node.arguments as Expression[], scope) };
  }
  // 'x is sameas true' and 'x is eq 2': a test followed by one argument without parentheses.
  throw new ExpressionError(`expected a filter or test name after '|' or 'is', got '${describeNode(node)}'`);
}

function applyTest(subject: Expression, testNode: Expression, scope: Scope): boolean {
  const { name, args } = callParts(testNode, scope);
  if (name === 'defined' || name === 'undefined') {
    const defined = probe(subject, scope) !== undefined;
    return name === 'defined' ? defined : !defined;
  }
  return runTest(name, evalNode(subject, scope), args);
}

function applyFilter(subject: Expression, filterNode: Expression, scope: Scope): unknown {
  const { name, args, kwargs } = callParts(filterNode, scope);
  if (name === 'default' || name === 'd') return defaultFilter(probe(subject, scope), args, kwargs);
  const value = evalNode(subject, scope);
  const filter = Object.prototype.hasOwnProperty.call(filters, name) ? filters[name] : undefined;
  if (!filter) throw new ExpressionError(`unknown filter '${name}' (known: default, ${Object.keys(filters).join(', ')})`);
  return filter(value, args, kwargs);
}

export function describeNode(node: Expression): string {
  if (node.type === 'Identifier') return node.name as string;
  if (node.type === 'Literal') return String(node.raw);
  if (node.type === 'MemberExpression') {
    const object = describeNode(node.object as Expression);
    return node.computed ? `${object}[${describeNode(node.property as Expression)}]` : `${object}.${describeNode(node.property as Expression)}`;
  }
  if (node.type === 'CallExpression') return describeNode(node.callee as Expression);
  return node.type;
}
