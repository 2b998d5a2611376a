// The values of Jinja's world that JavaScript lacks: Python's float that happens to be whole (3.0 prints
// '3.0', not '3'), the tuple, the undefined value that remembers what was missing, and callables
// (macros, loop.cycle, bound methods) that only an expression can call.

/** A float with an integral value; every other float is a plain JavaScript number. */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}

/** Python's float(n): a whole number is kept as a PyFloat so it still prints as a float. */
export const toFloat = (value: number): number | PyFloat => (Number.isInteger(value) ? new PyFloat(value) : value);

export const isFloat = (value: unknown): boolean => value instanceof PyFloat || (typeof value === 'number' && !Number.isInteger(value));

/** A number as JavaScript reads it (a PyFloat's value). */
export const unbox = (value: unknown): unknown => (value instanceof PyFloat ? value.value : value);

/** Is this a number (int or float, not bool)? */
export const isNumber = (value: unknown): value is number | PyFloat => typeof value === 'number' || value instanceof PyFloat;

/** A Python tuple: an array that prints with parentheses. */
export class PyTuple<T = unknown> extends Array<T> {
  static get [Symbol.species]() {
    return Array;
  }
}

export const tuple = <T>(items: T[]): PyTuple<T> => {
  const out = new PyTuple<T>();
  out.push(...items);
  return out;
};

/**
 * Ansible's undefined value (AnsibleUndefined): a name or attribute that is missing. Reading through it
 * stays undefined (`a.b.c | default(1)` works); using it any other way fails, naming what was missing.
 */
export class Undefined {
  constructor(
    /** What was read: 'x', or 'x.y' for an attribute a defined value lacks. */
    readonly name: string,
    /** Why, when it is not a plain missing name ("'dict object' has no attribute 'y'"). */
    readonly hint?: string,
    /** Jinja's plain Undefined (an inline if without else): prints as '', is false and empty; other uses fail. */
    readonly lenient = false,
  ) {}
}

/** Something an expression may call: a macro, a loop helper, a bound method, a global function. */
export class Callable {
  constructor(
    readonly name: string,
    readonly call: (args: unknown[], kwargs: Record<string, unknown>) => unknown,
    /** What `.attr` reads on it (a macro's name and arguments, the loop's index). */
    readonly attrs?: Record<string, unknown>,
  ) {}
}

/** Text that marks itself as already final (a macro's output); prints as it is. */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
  toJSON(): string {
    return this.text;
  }
}

/** jinja2's namespace(): attributes a loop body may set and the code after it read. */
export class Namespace {
  constructor(readonly attrs: Record<string, unknown>) {}
}

/** Unwrap a value for code outside the engine: whole floats become numbers, markup text, tuples lists (inside lists and mappings too). */
export function toPlainValue(value: unknown): unknown {
  if (value instanceof PyFloat) return value.value;
  if (value instanceof Markup) return value.text;
  if (value instanceof PyTuple) return [...value].map(toPlainValue);
  if (Array.isArray(value)) return value.some(needsUnwrap) ? value.map(toPlainValue) : value;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value);
    return entries.some(([, item]) => needsUnwrap(item)) ? Object.fromEntries(entries.map(([key, item]) => [key, toPlainValue(item)])) : value;
  }
  return value;
}

const needsUnwrap = (value: unknown): boolean =>
  value instanceof PyFloat ||
  value instanceof Markup ||
  value instanceof PyTuple ||
  (Array.isArray(value) && value.some(needsUnwrap)) ||
  (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype && Object.values(value).some(needsUnwrap));

/** A Python object of the library's own (a datetime, a timedelta): its attributes and how it prints. */
export abstract class PyObject {
  abstract readonly typeName: string;
  /** The attribute (a method as a Callable), or undefined when it has none of that name. */
  abstract attribute(name: string): unknown;
  abstract str(): string;
}
