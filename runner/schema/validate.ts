import type { ErrorObject } from 'ajv';
import { nearestName, UserError } from '../errors.js';
import type { PathSegment, SourceDoc } from '../yaml/source.js';
import { getValidator } from './validators.js';

export type SchemaName = 'inventory' | 'playbook' | 'tasks';

/** Suggest the closest known word, or nothing when none is close. */
export function didYouMean(word: string, known: readonly string[]): string {
  const best = nearestName(word, known);
  return best ? ` Did you mean '${best}'?` : '';
}

/** Validate a parsed file against one of the shipped schemas; the first problem becomes a UserError at its place. */
export function validateAgainstSchema(name: SchemaName, source: SourceDoc, what: string): void {
  const validate = getValidator(name);
  if (validate(source.value)) return;
  const error = pickError(validate.errors ?? []);
  throw schemaError(error, source, what);
}

/** The most specific error: the deepest path; at equal depth, the first Ajv reported. */
function pickError(errors: ErrorObject[]): ErrorObject {
  return [...errors].sort((a, b) => depth(b) - depth(a))[0];
}

const depth = (error: ErrorObject) => error.instancePath.split('/').length;

function schemaError(error: ErrorObject, source: SourceDoc, what: string): UserError {
  const path = pointerToPath(source.value, error.instancePath);
  const key = path.length > 0 ? `'${String(path[path.length - 1])}'` : `the ${what}`;
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object })?.properties ?? {});
      return new UserError(
        `unknown key '${extra}' in this ${what} entry.`,
        source.locate([...path, extra]),
        `Remove it or fix its spelling.${didYouMean(extra, known)}`,
      );
    }
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return new UserError(`this ${what} entry has no '${missing}' key.`, source.locate(path), `Add '${missing}:'.`);
    }
    case 'type':
      return new UserError(
        `${key} must be ${article(String((error.params as { type: string }).type))}, not ${describe(valueAt(source.value, error.instancePath))}.`,
        source.locate(path),
        'Change its value.',
      );
    case 'enum':
      return new UserError(
        `${key} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}.`,
        source.locate(path),
        'Change its value.',
      );
    case 'minimum':
    case 'maximum':
      return new UserError(`${key} ${error.message}.`, source.locate(path), 'Change its value.');
    case 'anyOf':
      return new UserError(
        `${key} has a value of the wrong kind (${describe(valueAt(source.value, error.instancePath))}).`,
        source.locate(path),
        expectedFor(error),
      );
    default:
      return new UserError(`${key} ${error.message ?? 'is invalid'}.`, source.locate(path), 'Change its value.');
  }
}

function expectedFor(error: ErrorObject): string {
  const options = ((error.parentSchema as { anyOf?: Array<{ type?: string; $ref?: string }> })?.anyOf ?? [])
    .map((option) => option.type ?? (option.$ref?.endsWith('templated') ? 'a "{{ template }}" string' : option.$ref?.split('/').pop()))
    .filter(Boolean);
  return options.length ? `Expected ${options.map((o) => (o!.startsWith('a ') ? o : article(o!))).join(' or ')}.` : 'Change its value.';
}

function article(type: string): string {
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    integer: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
    null: 'empty',
  };
  return type
    .split(',')
    .map((t) => names[t] ?? t)
    .join(' or ');
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  return `${typeof value} ${String(value)}`;
}

/** A JSON pointer as path segments, with list indexes as numbers (YAML locations need them). */
function pointerToPath(root: unknown, pointer: string): PathSegment[] {
  const path: PathSegment[] = [];
  let value = root;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment = Array.isArray(value) ? Number(part) : part;
    path.push(segment);
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return path;
}

function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const segment of pointerToPath(root, pointer)) {
    value = value !== null && typeof value === 'object' ? (value as Record<PathSegment, unknown>)[segment] : undefined;
  }
  return value;
}
