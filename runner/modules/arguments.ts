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

/** What is wrong with a module's arguments, if anything: an unknown one (with the closest name), a missing one, a wrong value. */
export function argumentProblem(module: string, args: Record<string, unknown>, partial = false): { key?: string; message: string } | undefined {
  const definition = modules.get(module);
  if (!definition) return undefined;
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
  if (error.keyword === 'required') return { message: `'${module}' needs the argument '${(error.params as { missingProperty: string }).missingProperty}'.` };
  const key = error.instancePath.split('/')[1];
  return { key, message: `'${module}' argument '${key ?? ''}' ${error.message}.` };
}
