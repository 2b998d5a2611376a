import { Ajv, type Options, type ValidateFunction } from 'ajv';
import inventorySchema from './inventory.schema.json' with { type: 'json' };
import playbookSchema from './playbook.schema.json' with { type: 'json' };

/** useDefaults: an argument left out gets the default its module declares, before 'required' is checked. */
export const AJV_OPTIONS: Options = { allErrors: true, strict: false, verbose: true, useDefaults: true };

/** The schemas of the user's files, by name. Module arguments are handed in by their declarations. */
export const FILE_SCHEMAS: Record<string, object> = {
  inventory: inventorySchema,
  playbook: playbookSchema,
  tasks: { $ref: `${playbookSchema.$id}#/$defs/taskList` },
};

export function createAjv(schemas: Record<string, object>, extra: Options = {}): Ajv {
  const ajv = new Ajv({ ...AJV_OPTIONS, ...extra });
  for (const [name, schema] of Object.entries(schemas)) ajv.addSchema(schema, name);
  return ajv;
}

let ajv: Ajv | undefined;

/**
 * A validator by name, compiled on first use: a file schema, or the schema given (a module's
 * arguments). The build (scripts/build.mjs) replaces this module with validators Ajv generated
 * ahead of time, so the CLI compiles no schema at startup.
 */
export function getValidator(name: string, schema?: () => object): ValidateFunction {
  ajv ??= createAjv(FILE_SCHEMAS);
  if (!ajv.getSchema(name) && schema) ajv.addSchema(schema(), name);
  const validate = ajv.getSchema(name);
  if (!validate) throw new Error(`no schema named ${name}`);
  return validate;
}
