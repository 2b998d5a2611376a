import type { Args, Expr } from './ast.js';
import { ExpressionError, UndefinedVariable } from './errors.js';
import {
  contains,
  defined,
  hasMethod,
  callMethod,
  isMapping,
  iterate,
  looseEquals,
  percentFormat,
  pyCompare,
  pyTruthy,
  pythonStr,
  typeName,
} from './python.js';
import { shortName, type Frame } from './frame.js';
import { dateArithmetic } from './datetime.js';
import { Callable, isFloat, isNumber, Markup, Namespace, PyFloat, PyObject, PyTuple, toFloat, tuple, Undefined, unbox } from './values.js';

// Evaluates an expression tree over Python's semantics. No eval, no Function, and no JavaScript method is
// ever reached: attributes are data, Python's own string/list/dict methods, or the engine's callables.

/** Evaluate an expression in a frame (its locals, then the host's variables, then the globals). */
export function evalExpr(node: Expr, frame: Frame): unknown {
  switch (node.t) {
    case 'const':
      return node.value;
    case 'name':
      return frame.lookup(node.name);
    case 'list':
      return node.items.map((item) => evalExpr(item, frame));
    case 'tuple':
      return tuple(node.items.map((item) => evalExpr(item, frame)));
    case 'dict': {
      const out: Record<string, unknown> = {};
      for (const [key, value] of node.pairs) out[dictKey(evalExpr(key, frame))] = evalExpr(value, frame);
      return out;
    }
    case 'getattr':
      return getattr(evalExpr(node.obj, frame), node.attr, node.obj);
    case 'getitem': {
      const obj = evalExpr(node.obj, frame);
      if (node.key.t === 'slice') return slice(obj, node.key, frame);
      return getitem(obj, evalExpr(node.key, frame), node.obj);
    }
    case 'slice':
      throw new ExpressionError('a slice is only valid inside [ ]');
    case 'call':
      return call(node, frame);
    case 'filter':
      if (!node.node) throw new ExpressionError(`filter '${node.name}' has no value`);
      return applyFilter(node, evalExpr(node.node, frame), frame);
    case 'test':
      return applyTest(node, frame);
    case 'not':
      return !pyTruthy(evalExpr(node.node, frame));
    case 'neg': {
      const value = number(evalExpr(node.node, frame), '-');
      return value instanceof PyFloat ? toFloat(-value.value) : -value;
    }
    case 'pos':
      return number(evalExpr(node.node, frame), '+');
    case 'and': {
      const left = evalExpr(node.left, frame);
      return pyTruthy(left) ? evalExpr(node.right, frame) : left;
    }
    case 'or': {
      const left = evalExpr(node.left, frame);
      return pyTruthy(left) ? left : evalExpr(node.right, frame);
    }
    case 'binary':
      return binary(node.op, evalExpr(node.left, frame), evalExpr(node.right, frame));
    case 'compare': {
      let left = evalExpr(node.first, frame);
      for (const [op, rightNode] of node.ops) {
        const right = evalExpr(rightNode, frame);
        if (!compare(op, left, right)) return false;
        left = right;
      }
      return true;
    }
    case 'cond':
      if (pyTruthy(evalExpr(node.test, frame))) return evalExpr(node.then, frame);
      return node.otherwise
        ? evalExpr(node.otherwise, frame)
        : new Undefined(describe(node.then), 'the inline if-expression evaluated to false and no else section was defined', true);
  }
}

/** A mapping key as JavaScript keeps it: Python's str of the key (1 and '1' are one key here). */
const dictKey = (key: unknown): string => (typeof key === 'string' ? key : pythonStr(defined(key)));

/** What an expression reads, for messages: 'x', 'x.y', 'x[0]'. */
export function describe(node: Expr): string {
  switch (node.t) {
    case 'name':
      return node.name;
    case 'getattr':
      return `${describe(node.obj)}.${node.attr}`;
    case 'getitem':
      return `${describe(node.obj)}[${node.key.t === 'const' ? JSON.stringify(node.key.value) : '...'}]`;
    case 'call':
      return `${describe(node.fn)}(...)`;
    case 'filter':
      return node.node ? `${describe(node.node)} | ${node.name}` : node.name;
    case 'const':
      return pythonStr(node.value);
    default:
      return 'the value';
  }
}

const objectName = (obj: unknown) => (isMapping(obj) ? 'dict object' : `${typeName(obj)} object`);

/** obj.attr as Jinja reads it: Python's attribute (a method) first, then the item; missing gives undefined. */
export function getattr(obj: unknown, attr: string, objNode?: Expr): unknown {
  if (obj instanceof Undefined) return new Undefined(`${obj.name}.${attr}`, obj.hint);
  if (obj instanceof Namespace) return Object.prototype.hasOwnProperty.call(obj.attrs, attr) ? obj.attrs[attr] : new Undefined(attr);
  if (obj instanceof PyObject) return obj.attribute(attr) ?? new Undefined(attr, `'${obj.typeName}' object has no attribute '${attr}'`);
  if (obj instanceof Callable && obj.attrs && Object.prototype.hasOwnProperty.call(obj.attrs, attr)) return obj.attrs[attr];
  if (isMapping(obj) && Object.prototype.hasOwnProperty.call(obj, attr) && !hasMethod(obj, attr)) return obj[attr];
  if (hasMethod(obj, attr)) return new Callable(attr, (args, kwargs) => callMethod(obj, attr, args, kwargs));
  if (isMapping(obj) && Object.prototype.hasOwnProperty.call(obj, attr)) return obj[attr];
  const name = objNode ? `${describe(objNode)}.${attr}` : attr;
  return new Undefined(name, `'${objectName(obj)}' has no attribute '${attr}'`);
}

/** obj[key] as Jinja reads it: the item first, then an attribute of that name. */
export function getitem(obj: unknown, key: unknown, objNode?: Expr): unknown {
  if (obj instanceof Undefined) return new Undefined(`${obj.name}[${pythonStr(key)}]`, obj.hint);
  const keyValue = unbox(key);
  if ((Array.isArray(obj) || typeof obj === 'string' || obj instanceof Markup) && (typeof keyValue === 'number' || typeof keyValue === 'boolean')) {
    const items = obj instanceof Markup ? obj.text : obj;
    const index = Number(keyValue) < 0 ? items.length + Number(keyValue) : Number(keyValue);
    if (Number.isInteger(index) && index >= 0 && index < items.length) return items[index];
    return new Undefined(objNode ? `${describe(objNode)}[${pythonStr(key)}]` : pythonStr(key), `${typeName(obj)} index out of range`);
  }
  if (isMapping(obj)) {
    const name = dictKey(keyValue);
    if (Object.prototype.hasOwnProperty.call(obj, name)) return obj[name];
  }
  if (typeof keyValue === 'string') return getattr(obj, keyValue, objNode);
  return new Undefined(objNode ? `${describe(objNode)}[${pythonStr(key)}]` : pythonStr(key), `'${objectName(obj)}' has no attribute '${pythonStr(key)}'`);
}

/** Python's value[start:stop:step] for lists, tuples and strings. */
function slice(obj: unknown, node: Extract<Expr, { t: 'slice' }>, frame: Frame): unknown {
  const value = defined(obj);
  const part = (expr?: Expr) => {
    if (!expr) return undefined;
    const found = unbox(evalExpr(expr, frame));
    if (found === null) return undefined;
    if (typeof found !== 'number') throw new ExpressionError('slice indices must be integers or None');
    return found;
  };
  const isText = typeof value === 'string' || value instanceof Markup;
  const items: unknown[] = isText ? [...String(value)] : Array.isArray(value) ? value : [];
  if (!isText && !Array.isArray(value)) throw new ExpressionError(`'${typeName(value)}' object is not subscriptable`);
  const step = part(node.step) ?? 1;
  if (step === 0) throw new ExpressionError('slice step cannot be zero');
  const length = items.length;
  const clamp = (index: number | undefined, fallback: number, low: number, high: number) =>
    index === undefined ? fallback : index < 0 ? Math.max(length + index, low) : Math.min(index, high);
  const out: unknown[] = [];
  if (step > 0) {
    const stop = clamp(part(node.stop), length, 0, length);
    for (let i = clamp(part(node.start), 0, 0, length); i < stop; i += step) out.push(items[i]);
  } else {
    const stop = clamp(part(node.stop), -1, -1, length - 1);
    for (let i = clamp(part(node.start), length - 1, -1, length - 1); i > stop; i += step) out.push(items[i]);
  }
  if (isText) return out.join('');
  return value instanceof PyTuple ? tuple(out) : out;
}

/** A number for arithmetic (booleans are numbers in Python); anything else fails as Python does. */
function number(value: unknown, op: string): number | PyFloat {
  if (typeof value === 'boolean') return Number(value);
  if (isNumber(value)) return value;
  defined(value);
  throw new ExpressionError(`bad operand type for unary ${op}: '${typeName(value)}'`);
}

const isNumeric = (value: unknown) => isNumber(value) || typeof value === 'boolean';

/** A number result: a float when either operand was one. */
const numeric = (result: number, a: unknown, b: unknown) => (isFloat(a) || isFloat(b) ? toFloat(result) : result);

function unsupported(op: string, a: unknown, b: unknown): never {
  defined(a);
  defined(b);
  throw new ExpressionError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

/** Python's arithmetic operators and Jinja's '~'. */
export function binary(op: string, a: unknown, b: unknown): unknown {
  if (op === '~') return text(a) + text(b);
  const x = unbox(a);
  const y = unbox(b);
  if (isNumeric(a) && isNumeric(b)) {
    const [m, n] = [Number(x), Number(y)];
    switch (op) {
      case '+':
        return numeric(m + n, a, b);
      case '-':
        return numeric(m - n, a, b);
      case '*':
        return numeric(m * n, a, b);
      case '/':
        if (n === 0) throw new ExpressionError('division by zero');
        return toFloat(m / n);
      case '//':
        if (n === 0) throw new ExpressionError('integer division or modulo by zero');
        return numeric(Math.floor(m / n), a, b);
      case '%':
        if (n === 0) throw new ExpressionError('integer division or modulo by zero');
        return numeric(((m % n) + n) % n, a, b);
      case '**':
        if (!isFloat(a) && !isFloat(b) && n < 0) return toFloat(m ** n);
        return numeric(m ** n, a, b);
    }
  }
  if (op === '%' && (typeof x === 'string' || x instanceof Markup)) return percentFormat(String(x), b);
  const moment = x instanceof PyObject || y instanceof PyObject ? dateArithmetic(op, x, y) : undefined;
  if (moment) return moment;
  if (op === '+') {
    if (typeof x === 'string' && typeof y === 'string') return x + y;
    if (x instanceof Markup || y instanceof Markup) {
      if ((typeof x === 'string' || x instanceof Markup) && (typeof y === 'string' || y instanceof Markup)) return String(x) + String(y);
    }
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x instanceof PyTuple !== y instanceof PyTuple) unsupported(op, a, b);
      return x instanceof PyTuple ? tuple([...x, ...y]) : [...x, ...y];
    }
    if (typeof x === 'string' && !(y instanceof Undefined)) throw new ExpressionError(`can only concatenate str (not "${typeName(b)}") to str`);
    if (Array.isArray(x) && !(y instanceof Undefined)) throw new ExpressionError(`can only concatenate list (not "${typeName(b)}") to list`);
  }
  if (op === '*') {
    const [sequence, times] = typeof y === 'number' || typeof y === 'boolean' ? [x, y] : [y, x];
    if ((typeof times === 'number' && Number.isInteger(times)) || typeof times === 'boolean') {
      const count = Math.max(0, Number(times));
      if (typeof sequence === 'string') return sequence.repeat(count);
      if (Array.isArray(sequence)) {
        const out = Array.from({ length: count }, () => sequence).flat();
        return sequence instanceof PyTuple ? tuple(out) : out;
      }
    }
  }
  unsupported(op, a, b);
}

/** Python's str() of a value, for '~' and printing; an undefined value fails. */
const text = (value: unknown) => (typeof value === 'string' ? value : pythonStr(defined(value)));

/** Comparison operators, as Python compares. */
export function compare(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return looseEquals(a, b);
    case '!=':
      return !looseEquals(a, b);
    case 'in':
      return contains(b, a);
    case 'notin':
      return !contains(b, a);
  }
  const order = pyCompare(a, b);
  if (Number.isNaN(order)) return false;
  return op === '<' ? order < 0 : op === '<=' ? order <= 0 : op === '>' ? order > 0 : order >= 0;
}

/** The positional and keyword arguments of a call, filter or test (with *args and **kwargs spread). */
export function evalArgs(node: Args, frame: Frame): { args: unknown[]; kwargs: Record<string, unknown> } {
  const args = node.args.map((arg) => evalExpr(arg, frame));
  const kwargs: Record<string, unknown> = {};
  for (const [key, value] of node.kwargs) kwargs[key] = evalExpr(value, frame);
  if (node.dynArgs) args.push(...iterate(evalExpr(node.dynArgs, frame)));
  if (node.dynKwargs) {
    const extra = evalExpr(node.dynKwargs, frame);
    if (!isMapping(extra)) throw new ExpressionError('argument after ** must be a mapping');
    Object.assign(kwargs, extra);
  }
  return { args, kwargs };
}

function call(node: Extract<Expr, { t: 'call' }>, frame: Frame): unknown {
  // obj.method(...): call Python's method directly, without making a bound method first.
  if (node.fn.t === 'getattr') {
    const obj = evalExpr(node.fn.obj, frame);
    if (hasMethod(obj, node.fn.attr) && !(isMapping(obj) && Object.prototype.hasOwnProperty.call(obj, node.fn.attr) && !hasMethod(obj, node.fn.attr))) {
      const { args, kwargs } = evalArgs(node, frame);
      return callMethod(obj, node.fn.attr, args, kwargs);
    }
    return invoke(getattr(obj, node.fn.attr, node.fn.obj), node, frame);
  }
  if (node.fn.t === 'name') {
    const fn = frame.lookupFunction(node.fn.name);
    if (fn) {
      const { args, kwargs } = evalArgs(node, frame);
      return fn(args, kwargs);
    }
  }
  return invoke(evalExpr(node.fn, frame), node, frame);
}

function invoke(fn: unknown, node: Extract<Expr, { t: 'call' }>, frame: Frame): unknown {
  if (fn instanceof Callable) {
    const { args, kwargs } = evalArgs(node, frame);
    return fn.call(args, kwargs);
  }
  if (fn instanceof Undefined) {
    if (node.fn.t === 'name')
      throw new ExpressionError(`'${node.fn.name}' is undefined: no function, macro or variable of that name${frame.suggestFunction(node.fn.name)}`);
    if (fn.hint) throw new ExpressionError(fn.hint.replace(/^'(\w+) object'/, "'$1' object"));
    throw new UndefinedVariable(fn.name);
  }
  throw new ExpressionError(`'${typeName(fn)}' object is not callable`);
}

/** Filters that take an undefined value (or arguments) as it is, as Jinja hands it to them. */
const UNDEFINED_FILTERS = new Set(['default', 'd', 'mandatory', 'ternary']);
/** Tests that look at an undefined value without using it. */
const UNDEFINED_TESTS = new Set([
  'defined',
  'undefined',
  'none',
  'boolean',
  'false',
  'true',
  'integer',
  'float',
  'number',
  'string',
  'mapping',
  'sameas',
  'callable',
  'undefined',
]);

/** Apply a filter node to a value (the node's own subject, or a filter block's text). */
export function applyFilter(node: Extract<Expr, { t: 'filter' }>, value: unknown, frame: Frame): unknown {
  const filter = frame.env.filter(node.name);
  const { args, kwargs } = evalArgs(node, frame);
  if (!UNDEFINED_FILTERS.has(shortName(node.name))) {
    if (value instanceof Undefined) defined(value);
    for (const arg of args) if (arg instanceof Undefined) defined(arg);
    for (const arg of Object.values(kwargs)) if (arg instanceof Undefined) defined(arg);
  }
  return filter(value, args, kwargs);
}

function applyTest(node: Extract<Expr, { t: 'test' }>, frame: Frame): boolean {
  const test = frame.env.test(node.name);
  const value = evalExpr(node.node, frame);
  const { args, kwargs } = evalArgs(node, frame);
  if (value instanceof Undefined && !UNDEFINED_TESTS.has(shortName(node.name))) defined(value);
  return test(value, args, kwargs);
}
