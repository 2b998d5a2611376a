import type { Expr, Macro, Node, Target, Template } from './ast.js';
import { ExpressionError } from './errors.js';
import { applyFilter, evalArgs, evalExpr } from './evaluate.js';
import { Frame } from './frame.js';
import { compileTemplate } from './compile.js';
import { defined, iterate, printable, pyTruthy, pythonStr, typeName } from './python.js';
import { Callable, Markup, Namespace, tuple, Undefined } from './values.js';

// Runs a template's statements: each {{ }} and piece of text becomes one output value, in order.
// Values stay values until the caller joins them (a value that is one {{ expression }} keeps its type).

/** An error raised while rendering, with the offset of the statement it came from (the innermost one). */
export function atPosition(error: unknown, pos: number): unknown {
  if (error instanceof Error && !('templatePos' in error)) Object.assign(error, { templatePos: pos });
  return error;
}

/** Where a render error happened, if a statement said. */
export const positionOfError = (error: unknown): number | undefined =>
  error instanceof Error && 'templatePos' in error ? (error as { templatePos: number }).templatePos : undefined;

/** Python's str() of an output value, with Ansible's finalize: None prints as nothing. */
export const finalize = (value: unknown): string =>
  value === null || value === undefined ? '' : typeof value === 'string' ? value : pythonStr(printable(value));

export const joinOutput = (out: unknown[]): string => out.map(finalize).join('');

/** Render a whole template (following {% extends %}) into output values. */
export function renderTemplate(template: Template, frame: Frame, out: unknown[]): void {
  const parent = template.body.find((node) => node.t === 'extends');
  if (!parent) return renderNodes(template.body, frame, out);
  // A child template: its blocks replace the parent's; what it writes outside blocks is dropped, as in Jinja.
  const blocks = frame.blocks ?? new Map<string, Node[]>();
  for (const node of template.body) if (node.t === 'block' && !blocks.has(node.name)) blocks.set(node.name, node.body);
  frame.blocks = blocks;
  renderNodes(
    template.body.filter((node) => node.t !== 'extends' && node.t !== 'block' && node.t !== 'data' && node.t !== 'output'),
    frame,
    [],
  );
  const name = evalExpr(parent.template, frame);
  renderTemplate(load(String(name), frame, parent.pos), frame, out);
}

export function renderNodes(nodes: Node[], frame: Frame, out: unknown[]): void {
  for (const node of nodes) {
    if (node.t === 'data') {
      out.push(node.text);
      continue;
    }
    try {
      renderNode(node, frame, out);
    } catch (error) {
      throw atPosition(error, node.pos);
    }
  }
}

function renderNode(node: Exclude<Node, { t: 'data' }>, frame: Frame, out: unknown[]): void {
  switch (node.t) {
    case 'output': {
      const value = evalExpr(node.expr, frame);
      out.push(value instanceof Undefined ? printable(value) : value);
      return;
    }
    case 'if': {
      for (const [test, body] of node.branches) {
        if (pyTruthy(evalExpr(test, frame))) return renderNodes(body, frame, out);
      }
      if (node.otherwise) renderNodes(node.otherwise, frame, out);
      return;
    }
    case 'for':
      return renderLoop(node, iterate(evalExpr(node.iter, frame)), frame, out, 0);
    case 'set':
      return assign(node.target, evalExpr(node.value, frame), frame);
    case 'setblock': {
      const body: unknown[] = [];
      renderNodes(node.body, frame.child(), body);
      const text = joinOutput(body);
      return assign(node.target, node.filter ? applyChain(node.filter, text, frame) : text, frame);
    }
    case 'macro':
      return frame.set(node.name, macro(node, frame));
    case 'callblock': {
      const call = node.call as Extract<Expr, { t: 'call' }>;
      const fn = evalExpr(call.fn, frame);
      if (!(fn instanceof Callable)) throw new ExpressionError(`'${typeName(fn)}' object is not callable`);
      const { args, kwargs } = evalArgs(call, frame);
      out.push(fn.call(args, { ...kwargs, caller: macro(node.macro, frame) }));
      return;
    }
    case 'filterblock': {
      const body: unknown[] = [];
      renderNodes(node.body, frame, body);
      out.push(applyChain(node.filter, joinOutput(body), frame));
      return;
    }
    case 'with': {
      const inner = frame.child();
      for (const [target, value] of node.targets) assign(target, evalExpr(value, frame), inner);
      return renderNodes(node.body, inner, out);
    }
    case 'block': {
      const override = frame.blocks?.get(node.name);
      return renderNodes(override ?? node.body, frame, out);
    }
    case 'include': {
      const names = evalExpr(node.template, frame);
      const candidates = Array.isArray(names) ? names.map(String) : [String(defined(names))];
      for (const name of candidates) {
        const found = frame.env.loader?.(name, frame.file);
        if (!found) continue;
        const template = compileTemplate(found.source, frame.env.lex, found.file);
        const inner = node.withContext ? frame.child(found.file) : new Frame(frame.env, {}, undefined, found.file);
        return renderTemplate(template, inner, out);
      }
      if (node.ignoreMissing) return;
      throw new ExpressionError(`template ${candidates.map((name) => `'${name}'`).join(', ')} not found`);
    }
    case 'import':
      return frame.set(node.target, importModule(node.template, node.withContext, frame, node.pos));
    case 'fromimport': {
      const module = importModule(node.template, node.withContext, frame, node.pos);
      for (const [name, alias] of node.names) {
        frame.set(
          alias,
          Object.prototype.hasOwnProperty.call(module, name) ? module[name] : new Undefined(name, `the template does not export the requested name '${name}'`),
        );
      }
      return;
    }
    case 'extends':
      throw new ExpressionError('{% extends %} must be at the top level of a template');
  }
}

/** A filter chain whose innermost subject is a value from outside (a filter block's text). */
function applyChain(filter: Expr, value: unknown, frame: Frame): unknown {
  if (filter.t !== 'filter') return value;
  const subject = filter.node ? applyChain(filter.node, value, frame) : value;
  return applyFilter(filter, subject, frame);
}

function load(name: string, frame: Frame, pos: number): Template {
  const found = frame.env.loader?.(name, frame.file);
  if (!found) throw atPosition(new ExpressionError(`template '${name}' not found`), pos);
  return compileTemplate(found.source, frame.env.lex, found.file);
}

/** {% import %}: the template's top-level macros and variables, rendered once without output. */
function importModule(expr: Expr, withContext: boolean, frame: Frame, pos: number): Record<string, unknown> {
  const template = load(String(evalExpr(expr, frame)), frame, pos);
  const root = new Frame(frame.env, withContext ? frame.scope : {}, undefined, template.file);
  renderTemplate(template, root, []);
  const module: Record<string, unknown> = {};
  for (const [name, value] of root.ownNames()) if (!name.startsWith('_')) module[name] = value;
  return module;
}

/** Bind a value to a for loop's or set's target: a name, ns.attr, or a tuple of targets. */
export function assign(target: Target, value: unknown, frame: Frame): void {
  if (target.t === 'name') return frame.set(target.name, value);
  if (target.t === 'nsattr') {
    const namespace = frame.lookup(target.name);
    if (!(namespace instanceof Namespace))
      throw new ExpressionError(`can only assign an attribute of a namespace(), and '${target.name}' is ${typeName(namespace)}`);
    namespace.attrs[target.attr] = value;
    return;
  }
  const items = iterate(value);
  if (items.length !== target.items.length) {
    throw new ExpressionError(
      items.length > target.items.length
        ? `too many values to unpack (expected ${target.items.length})`
        : `not enough values to unpack (expected ${target.items.length}, got ${items.length})`,
    );
  }
  target.items.forEach((item, index) => assign(item, items[index], frame));
}

type ForNode = Extract<Node, { t: 'for' }>;

function renderLoop(node: ForNode, all: unknown[], frame: Frame, out: unknown[], depth: number): void {
  let items = all;
  if (node.filter) {
    const test = node.filter;
    items = all.filter((item) => {
      const inner = frame.child();
      assign(node.target, item, inner);
      return pyTruthy(evalExpr(test, inner));
    });
  }
  if (!items.length) {
    if (node.otherwise) renderNodes(node.otherwise, frame, out);
    return;
  }
  let lastChanged: unknown[] | undefined;
  const length = items.length;
  for (let index = 0; index < length; index++) {
    const inner = frame.child();
    assign(node.target, items[index], inner);
    const recurse = (args: unknown[]) => {
      const nested: unknown[] = [];
      renderLoop(node, iterate(args[0]), frame, nested, depth + 1);
      return new Markup(joinOutput(nested));
    };
    const loop = new Callable('loop', (args) => (node.recursive ? recurse(args) : fail("loop() is only for a loop marked 'recursive'")), {
      index: index + 1,
      index0: index,
      revindex: length - index,
      revindex0: length - index - 1,
      first: index === 0,
      last: index === length - 1,
      length,
      depth: depth + 1,
      depth0: depth,
      previtem: index > 0 ? items[index - 1] : new Undefined('loop.previtem', 'there is no previous item'),
      nextitem: index < length - 1 ? items[index + 1] : new Undefined('loop.nextitem', 'there is no next item'),
      cycle: new Callable('cycle', (args) => {
        if (!args.length) throw new ExpressionError('no items for cycling given');
        return args[index % args.length];
      }),
      changed: new Callable('changed', (args) => {
        const changed = lastChanged === undefined || pythonStr(args) !== pythonStr(lastChanged);
        lastChanged = args;
        return changed;
      }),
    });
    inner.set('loop', loop);
    renderNodes(node.body, inner, out);
  }
}

const fail = (message: string): never => {
  throw new ExpressionError(message);
};

/** A macro (or a call block's caller) as a callable that renders its body into markup. */
function macro(definition: Macro, defining: Frame): Callable {
  return new Callable(
    definition.name,
    (args, kwargs) => {
      const inner = defining.child();
      const { params, defaults } = definition;
      const firstDefault = params.length - defaults.length;
      const extra = { ...kwargs };
      params.forEach((param, index) => {
        if (index < args.length) {
          if (param in extra) throw new ExpressionError(`macro '${definition.name}' got multiple values for argument '${param}'`);
          inner.set(param, args[index]);
        } else if (Object.prototype.hasOwnProperty.call(extra, param)) {
          inner.set(param, extra[param]);
          delete extra[param];
        } else if (index >= firstDefault) inner.set(param, evalExpr(defaults[index - firstDefault], inner));
        else inner.set(param, new Undefined(param, `parameter '${param}' was not provided`));
      });
      if ('caller' in extra) {
        inner.set('caller', extra.caller);
        delete extra.caller;
      }
      inner.set('varargs', tuple(args.slice(params.length)));
      inner.set('kwargs', extra);
      const out: unknown[] = [];
      renderNodes(definition.body, inner, out);
      return new Markup(joinOutput(out));
    },
    { name: definition.name, arguments: tuple(definition.params), catch_kwargs: true, catch_varargs: true, caller: false },
  );
}
