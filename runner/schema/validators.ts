import { Ajv, type Options, type ValidateFunction } from 'ajv';
import { modules } from '../modules/registry.js';
import inventorySchema from './inventory.schema.json' with { type: 'json' };
import playbookSchema from './playbook.schema.json' with { type: 'json' };
import tasksSchema from './tasks.schema.json' with { type: 'json' };

export const AJV_OPTIONS: Options = { allErrors: true, strict: false, verbose: true };

/** Every schema the runner validates against, by name: the user's files and each module's arguments. */
export function schemaCatalog(): Record<string, object> {
  const catalog: Record<string, object> = { inventory: inventorySchema, playbook: playbookSchema, tasks: tasksSchema };
  for (const module of modules.values()) {
    catalog[`module_${module.name}`] = module.args;
    // Before templating, only the literal arguments are known: check them without 'required'.
    catalog[`module_${module.name}_partial`] = { ...module.args, required: [] };
  }
  return catalog;
}

export function createAjv(extra: Options = {}): Ajv {
  const ajv = new Ajv({ ...AJV_OPTIONS, ...extra });
  for (const [name, schema] of Object.entries(schemaCatalog())) ajv.addSchema(schema, name);
  return ajv;
}

let ajv: Ajv | undefined;

/**
 * A validator by catalog name, compiled on first use. The build (scripts/build.mjs) replaces this
 * module with validators Ajv generated ahead of time, so the CLI compiles no schema at startup.
 */
export function getValidator(name: string): ValidateFunction {
  ajv ??= createAjv();
  const validate = ajv.getSchema(name);
  if (!validate) throw new Error(`no schema named ${name}`);
  return validate;
}
