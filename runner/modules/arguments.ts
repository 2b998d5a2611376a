import { pythonStr } from '../jinja/python.js';
import { didYouMean } from '../schema/validate.js';
import { getValidator } from '../schema/validators.js';
import type { ModuleDeclaration } from './module.js';
import { modules } from './registry.js';

/**
 * A module's argument schema (its own copy: service and systemd share one), and the same without 'required' for checking only the literal
 * arguments of a task before templating.
 */
function argumentSchemas(module: ModuleDeclaration): [object, object] {
  return [{ ...module.args }, { ...module.args, required: [] }];
}

/** Every module's argument schemas by validator name, for the validators built ahead of time. */
export function moduleSchemas(): Record<string, object> {
  return Object.fromEntries(
    [...modules.values()].flatMap((module) => {
      const [full, partial] = argumentSchemas(module);
      return [
        [`module_${module.name}`, full],
        [`module_${module.name}_partial`, partial],
      ];
    }),
  );
}

/** Each argument's other names (Ansible's aliases), from the module's schema. */
export function argumentAliases(module: ModuleDeclaration): Map<string, string> {
  const properties = module.args.properties as Record<string, { aliases?: string[] }>;
  return new Map(Object.entries(properties).flatMap(([name, spec]) => (spec.aliases ?? []).map((alias) => [alias, name])));
}

/**
 * The arguments under their own names ('dest' is file's 'path'); an error names an argument given
 * twice, under its name and an alias (Ansible refuses that too).
 */
export function canonicalArgs(
  module: string,
  args: Record<string, unknown>,
): { args: Record<string, unknown> } | { problem: { key: string; message: string } } {
  const definition = modules.get(module);
  if (!definition) return { args };
  const aliases = argumentAliases(definition);
  const renamed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    const name = aliases.get(key) ?? key;
    if (name in renamed) return { problem: { key, message: `'${module}' got '${name}' twice: '${key}' is another name of '${name}'. Give it once.` } };
    renamed[name] = value;
  }
  return { args: renamed };
}

/** The words Ansible takes for true and false where an argument is a boolean. */
const TRUE_WORDS = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE_WORDS = new Set(['n', 'no', 'off', '0', 'false', 'f']);

/**
 * Text given for a boolean or a number becomes one, as Ansible converts arguments by their type:
 * 'update_cache=yes' and "{{ flag }}" rendered to "true" are the boolean true. Other text is left
 * for the schema to refuse. A boolean or number given for text becomes the text Python prints
 * (creates: yes is the path 'True'), as Ansible's str() of it.
 */
function coerceArgs(definition: ModuleDeclaration, args: Record<string, unknown>): void {
  const properties = definition.args.properties as Record<string, { type?: string }>;
  for (const [key, value] of Object.entries(args)) {
    const type = properties[key]?.type;
    if (type === 'string' && (typeof value === 'boolean' || typeof value === 'number')) args[key] = pythonStr(value);
    if (typeof value !== 'string') continue;
    const word = value.trim().toLowerCase();
    if (type === 'boolean' && (TRUE_WORDS.has(word) || FALSE_WORDS.has(word))) args[key] = TRUE_WORDS.has(word);
    if ((type === 'integer' && /^-?\d+$/.test(word)) || (type === 'number' && /^-?\d+(\.\d+)?$/.test(word))) args[key] = Number(word);
    // Ansible's list type takes 'a,b' for ['a', 'b'].
    if (type === 'array') args[key] = value.split(',').map((part) => part.trim());
  }
}

/**
 * What is wrong with a module's arguments, if anything: an unknown one (with the closest name), a
 * missing one, a wrong value. Valid arguments are completed in place: text turned into the booleans
 * and numbers they mean, and the defaults the module declares.
 */
export function argumentProblem(module: string, args: Record<string, unknown>, partial = false): { key?: string; message: string } | undefined {
  const definition = modules.get(module);
  if (!definition) return undefined;
  coerceArgs(definition, args);
  const validate = getValidator(`module_${module}${partial ? '_partial' : ''}`, () => argumentSchemas(definition)[partial ? 1 : 0]);
  if (validate(args)) return undefined;
  // An unknown key is usually the misspelling of the missing one: report it first.
  const error = validate.errors!.find((e) => e.keyword === 'additionalProperties') ?? validate.errors![0];
  const known = Object.keys(definition.args.properties);
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    const suggestion = didYouMean(extra, [...known, ...argumentAliases(definition).keys()]);
    return { key: extra, message: `'${module}' has no argument '${extra}'.${suggestion} Its arguments: ${known.join(', ')}.` };
  }
  // Ansible's own words, which content tests for.
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return { message: definition.missingMessages?.[missing] ?? `missing required arguments: ${missing}` };
  }
  const key = error.instancePath.split('/')[1];
  return { key, message: `'${module}' argument '${key ?? ''}' ${error.message}.` };
}
