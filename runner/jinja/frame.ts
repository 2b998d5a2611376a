import { nearestName } from '../errors.js';
import { ExpressionError } from './errors.js';
import type { Node } from './ast.js';
import type { LexOptions } from './lexer.js';
import { Callable, Undefined } from './values.js';

/** A filter gets the value before '|', then its positional and keyword arguments. */
export type Filter = (value: unknown, args: unknown[], kwargs: Record<string, unknown>) => unknown;
/** A test gets the value before 'is', then its arguments. */
export type Test = (value: unknown, args: unknown[], kwargs: Record<string, unknown>) => boolean;
/** A function an expression may call by name (lookup, range, ...); it sees the host's variables and the frame it was called from. */
export type GlobalFunction = (args: unknown[], kwargs: Record<string, unknown>, scope: object, frame: Frame) => unknown;

/** Where {% include %}, {% import %} and {% extends %} find other templates. */
export type Loader = (name: string, from: string | undefined) => { source: string; file: string } | undefined;

/** The library an expression runs with: filters, tests, global functions and values, and the template loader. */
export interface Library {
  filters: Record<string, Filter>;
  tests: Record<string, Test>;
  functions: Record<string, GlobalFunction>;
  values: Record<string, unknown>;
}

/** A plugin's own name: 'ansible.builtin.to_json' is 'to_json'. */
export const shortName = (name: string) => name.slice(name.lastIndexOf('.') + 1);

const own = <T>(table: Record<string, T>, name: string): T | undefined => (Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined);

/** The nearest names to a misspelt one, for "did you mean". */
export function nearest(name: string, known: Iterable<string>): string {
  const best = nearestName(name, [...known]);
  return best ? ` (did you mean '${best}'?)` : '';
}

/** One rendering's settings: the library, how included templates are read, and their lexer options. */
export class Environment {
  constructor(
    readonly library: Library,
    readonly lex: LexOptions = {},
    readonly loader?: Loader,
  ) {}

  filter(name: string): Filter {
    const found = own(this.library.filters, name) ?? own(this.library.filters, shortName(name));
    if (!found) throw new ExpressionError(`no filter named '${name}'${nearest(shortName(name), Object.keys(this.library.filters))}`);
    return found;
  }

  test(name: string): Test {
    const found = own(this.library.tests, name) ?? own(this.library.tests, shortName(name));
    if (!found) throw new ExpressionError(`no test named '${name}'${nearest(shortName(name), Object.keys(this.library.tests))}`);
    return found;
  }
}

/**
 * The names an expression sees: its own locals (loop variables, set, macro arguments), then the
 * host's variables (a lazy scope), then the library's global values.
 */
export class Frame {
  private readonly vars = new Map<string, unknown>();
  /** A child template's blocks, which replace its parent's ({% extends %}). */
  blocks?: Map<string, Node[]>;

  constructor(
    readonly env: Environment,
    readonly scope: object,
    readonly parent?: Frame,
    /** The template file being rendered, for includes relative to it. */
    readonly file?: string,
  ) {}

  /** The frame (this or an enclosing one) that holds a local of this name. */
  private holder(name: string): Frame | undefined {
    if (this.vars.has(name)) return this;
    return this.parent?.holder(name);
  }

  lookup(name: string): unknown {
    const holder = this.holder(name);
    if (holder) return holder.vars.get(name);
    if (name in this.scope) {
      const value = (this.scope as Record<string, unknown>)[name];
      if (value !== undefined) return value;
    }
    const global = own(this.env.library.values, name);
    if (global !== undefined) return global;
    const fn = own(this.env.library.functions, name);
    return fn ? new Callable(name, (args, kwargs) => fn(args, kwargs, this.scope, this)) : new Undefined(name);
  }

  /** A global function called by name, unless a local or variable of that name hides it. */
  lookupFunction(name: string): ((args: unknown[], kwargs: Record<string, unknown>) => unknown) | undefined {
    const fn = own(this.env.library.functions, name);
    if (!fn || this.hasLocal(name) || name in this.scope) return undefined;
    return (args, kwargs) => fn(args, kwargs, this.scope, this);
  }

  suggestFunction(name: string): string {
    return nearest(name, Object.keys(this.env.library.functions));
  }

  hasLocal(name: string): boolean {
    return this.holder(name) !== undefined;
  }

  set(name: string, value: unknown): void {
    this.vars.set(name, value);
  }

  /** This frame's own names (a template's top-level sets and macros, which an import exports). */
  ownNames(): Map<string, unknown> {
    return this.vars;
  }

  child(file = this.file): Frame {
    const frame = new Frame(this.env, this.scope, this, file);
    frame.blocks = this.blocks;
    return frame;
  }
}
