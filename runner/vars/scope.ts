import type { Vars } from './vars.js';
import { UndefinedVariableError } from '../errors.js';
import { VariableCycle } from '../jinja/errors.js';
import type { TemplateOrigin } from '../jinja/templar.js';
import { renderDeep } from '../jinja/templar.js';

/** A value computed when first read (hostvars, groups, ...), so unused magic variables cost nothing. */
export class Lazy {
  constructor(readonly compute: () => unknown) {}
}

/**
 * The variables one task sees on one host, as an object for templates and conditions.
 * Values that hold templates are rendered on first read, in this same scope (vars may refer
 * to other vars), and cached; a variable that refers to itself is reported, not looped on.
 * Variables named in `data` are never rendered: their text is what a host said, not a template.
 * With `keepUndefined` (hostvars.NAME, which Ansible templates with fail_on_undefined=False), a
 * variable whose template uses an undefined one reads as its template text instead of failing.
 */
export function createScope(vars: Vars, origin: TemplateOrigin, data: ReadonlySet<string> = new Set(), keepUndefined = false): Vars {
  const resolved = new Map<string, unknown>();
  const resolving = new Set<string>();
  const has = (key: string | symbol) => typeof key === 'string' && Object.prototype.hasOwnProperty.call(vars, key) && vars[key] !== undefined;
  const read = (key: string): unknown => {
    if (resolved.has(key)) return resolved.get(key);
    if (resolving.has(key)) throw new VariableCycle([...resolving, key]);
    resolving.add(key);
    const raw = vars[key];
    try {
      const value =
        raw instanceof Lazy ? raw.compute() : data.has(key) ? raw : renderDeep(raw, scope, { ...origin, what: `${origin.what} (through variable '${key}')` });
      resolved.set(key, value);
      return value;
    } catch (error) {
      // Read from outside, it stays as written (not cached: read while rendering another, it fails that one).
      if (keepUndefined && resolving.size === 1 && error instanceof UndefinedVariableError && !(raw instanceof Lazy)) return raw;
      throw error;
    } finally {
      resolving.delete(key);
    }
  };
  const scope: Vars = new Proxy({} as Vars, {
    get: (target, key) => (has(key) ? read(key as string) : Reflect.get(target, key)),
    has: (_target, key) => has(key),
    ownKeys: () => Object.keys(vars).filter(has),
    getOwnPropertyDescriptor: (_target, key) => (has(key) ? { value: read(key as string), enumerable: true, configurable: true, writable: false } : undefined),
  });
  return scope;
}

/** A fully rendered, plain copy of a value read from a scope (for module arguments and registered results). */
export function toPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).map((key) => [key, toPlain((value as Vars)[key])]));
  }
  return value;
}
