// The module reference (docs/modules.md) and the editor schema of role task files
// (runner/schema/tasks.schema.json), both made from the modules' declarations so that neither can
// drift from the code. `npm run docs` writes them; test/docs.test.ts fails when a copy differs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModuleDeclaration } from '../runner/modules/module.js';
import { modules } from '../runner/modules/registry.js';
import playbookSchema from '../runner/schema/playbook.schema.json' with { type: 'json' };
import { cell, table } from './markdown.js';

const root = join(fileURLToPath(import.meta.url), '..', '..');
export const MODULES_DOC = join(root, 'docs', 'modules.md');
export const EDITOR_SCHEMA = join(root, 'runner', 'schema', 'tasks.schema.json');

interface Schema {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: Schema[];
  items?: Schema;
  description?: string;
  default?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  aliases?: string[];
  [key: string]: unknown;
}

/** A module's arguments as the JSON Schema they are (TypeBox values are plain JSON Schema). */
const schemaOf = (module: ModuleDeclaration): Schema => module.args as unknown as Schema;

/** A schema's kind in words: 'string or integer', 'list of strings'. */
export function typeName(schema: Schema): string {
  if (schema.enum) return 'one of the choices';
  if (schema.anyOf) return [...new Set(schema.anyOf.map(typeName))].join(' or ');
  const names: Record<string, string> = {
    string: 'string',
    integer: 'integer',
    number: 'number',
    boolean: 'boolean',
    object: 'mapping',
    array: 'list',
    null: 'empty',
  };
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length === 0) return 'any';
  if (types.length === 1 && types[0] === 'array' && schema.items) return `list of ${typeName(schema.items)}s`;
  return types.map((type) => names[type] ?? type).join(' or ');
}

function argumentRows(module: ModuleDeclaration): string[][] {
  const args = schemaOf(module);
  return Object.entries(args.properties ?? {}).map(([name, spec]) => {
    const required = (args.required ?? []).includes(name) && spec.default === undefined;
    const shown = spec.default === undefined ? (required ? '**required**' : '') : `\`${JSON.stringify(spec.default)}\``;
    const choices = spec.enum ? spec.enum.map((choice) => `\`${String(choice)}\``).join(', ') : '';
    const aliases = spec.aliases?.length ? ` (also: ${spec.aliases.map((alias) => `\`${alias}\``).join(', ')})` : '';
    return [`\`${name}\`${aliases}`, typeName(spec), shown, choices, cell(spec.description ?? '')];
  });
}

function moduleSection(module: ModuleDeclaration): string {
  const lines = [`## ${module.name}`, '', module.description, ''];
  if (module.collectionNames?.length)
    lines.push(`Also answers to ${module.collectionNames.map((name) => `\`${name}\``).join(', ')}, taking the arguments listed here.`, '');
  if (module.checkMode === 'none') lines.push('Check mode: skipped (what it changes cannot be predicted).', '');
  if (module.freeForm) lines.push(`A free-form value fills \`${module.freeForm}\`: \`${module.name}: ...\`.`, '');
  const rows = argumentRows(module);
  if (rows.length) lines.push(table(['argument', 'type', 'default', 'choices', 'what it is'], rows), '');
  else if (schemaOf(module).additionalProperties) lines.push(`Arguments: ${cell((schemaOf(module).additionalProperties as Schema).description ?? '')}`, '');
  const returns = Object.entries(module.returns);
  if (returns.length)
    lines.push(
      'Returns (besides `changed`, `failed`, `msg`):',
      '',
      table(
        ['key', 'type', 'what it is'],
        returns.map(([key, value]) => [`\`${key}\``, value.type, cell(value.description)]),
      ),
      '',
    );
  for (const example of module.examples) {
    const task = example.task.split('\n').map((line, i) => (i === 0 ? `- ${line}` : `  ${line}`));
    lines.push('```yaml', `# ${example.description}`, ...task, '```', '');
  }
  return lines.join('\n');
}

/** docs/modules.md: every module's arguments, returns and examples. */
export function moduleReference(): string {
  const sorted = [...modules.values()].sort((a, b) => a.name.localeCompare(b.name));
  return [
    '# Modules',
    '',
    "<!-- Made by scripts/module-docs.ts from each module's declaration; `npm run docs` rewrites it. -->",
    '',
    'Every module also answers to `ansible.builtin.NAME` (and `ansible.legacy.NAME`). In check mode',
    '(`--check`) a module reads the host and reports what it would change, changing nothing; modules',
    'marked "skipped" cannot predict that and do not run.',
    '',
    ...sorted.map((module) => `- [${module.name}](#${module.name}): ${module.description}`),
    '',
    ...sorted.map(moduleSection),
  ].join('\n');
}

/** An argument may also be a "{{ template }}", whatever its type. */
const orTemplate = (spec: Schema): Schema =>
  spec.type === 'string' && !spec.pattern && !spec.enum
    ? spec
    : { anyOf: [spec, { $ref: 'playbook.schema.json#/$defs/templated' }], description: spec.description };

function editorArguments(module: ModuleDeclaration): Schema {
  const args = schemaOf(module);
  const properties = Object.fromEntries(
    Object.entries(args.properties ?? {}).flatMap(([name, spec]) => [name, ...(spec.aliases ?? [])].map((key) => [key, orTemplate(spec)])),
  );
  const mapping: Schema = { ...args, properties, required: (args.required ?? []).filter((name) => args.properties?.[name]?.default === undefined) };
  return module.freeForm ? { anyOf: [mapping, { type: 'string' }] } : mapping;
}

/** runner/schema/tasks.schema.json: task keywords, blocks, and every module with its arguments, for editors. */
export function editorSchema(): object {
  const keywordRefs = JSON.parse(
    JSON.stringify(playbookSchema.$defs.task.properties).replaceAll('"#/$defs/taskList"', '"#"').replaceAll('"#/$defs/', '"playbook.schema.json#/$defs/'),
  );
  const moduleKeys: Record<string, object> = {};
  const defs: Record<string, object> = {};
  for (const module of [...modules.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    defs[module.name] = editorArguments(module);
    for (const key of [module.name, `ansible.builtin.${module.name}`, `ansible.legacy.${module.name}`, ...(module.collectionNames ?? [])])
      moduleKeys[key] = { $ref: `#/$defs/${module.name}`, description: module.description };
  }
  moduleKeys.meta = { enum: ['flush_handlers', 'noop', 'end_play', 'end_host'], description: 'An engine action.' };
  const taskFile = {
    anyOf: [{ type: 'string' }, { type: 'object', properties: { file: { type: 'string' } }, required: ['file'] }],
    description: 'A task file read in place of this task.',
  };
  for (const key of ['import_tasks', 'include_tasks', 'ansible.builtin.import_tasks', 'ansible.builtin.include_tasks']) moduleKeys[key] = taskFile;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://k3s-playbook.dev/schema/tasks.schema.json',
    title: 'k3s-playbook task list (roles/NAME/tasks/main.yaml, handlers/main.yaml); made by scripts/module-docs.ts',
    type: ['array', 'null'],
    items: { type: 'object', properties: { ...keywordRefs, ...moduleKeys }, additionalProperties: false },
    $defs: defs,
  };
}

export const editorSchemaText = () => `${JSON.stringify(editorSchema(), null, 2)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(MODULES_DOC, moduleReference());
  writeFileSync(EDITOR_SCHEMA, editorSchemaText());
}
