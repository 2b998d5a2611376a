// The reference sections of docs/, made from the code so they cannot drift: inventory keys (the
// inventory schema), role variables (roles/*/defaults/main.yaml with the comment above each),
// command-line options (the commander program), exit codes (runner/errors.ts) and the module list
// (the module declarations).
// `npm run docs` rewrites them in their pages; test/docs.test.ts fails when a page's copy differs.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, parseDocument } from 'yaml';
import { buildProgram } from '../runner/cli/program.js';
import { DETAILED_EXIT_CODE_MEANINGS, EXIT_CODE_MEANINGS } from '../runner/errors.js';
import { modules } from '../runner/modules/registry.js';
import { cell, code, table } from './markdown.js';
import inventorySchema from '../runner/schema/inventory.schema.json' with { type: 'json' };

const root = join(fileURLToPath(import.meta.url), '..', '..');

function inventoryKeys(): string {
  const keys = Object.entries(inventorySchema.$defs.hostVars.properties) as [string, { description: string }][];
  return table(
    ['key', 'what it is'],
    keys.map(([key, spec]) => [code(key), cell(spec.description)]),
  );
}

/** Every role default with the comment above it (its documentation). */
export function roleVariableRows(): Array<{ role: string; name: string; value: string; note: string }> {
  const rows = [];
  for (const role of readdirSync(join(root, 'roles')).sort()) {
    const file = join(root, 'roles', role, 'defaults', 'main.yaml');
    if (!existsSync(file)) continue;
    const doc = parseDocument(readFileSync(file, 'utf8'));
    if (!isMap(doc.contents)) continue;
    const items = doc.contents.items;
    for (const pair of items) {
      const key = pair.key as { value: string; commentBefore?: string | null };
      // The comment right above the key; a file's header (a paragraph before a blank line) is not about it.
      const note = (key.commentBefore ?? (pair === items[0] ? doc.commentBefore : '') ?? '').split(/\n\s*\n/).pop() ?? '';
      const value = JSON.stringify((pair.value as { toJSON(): unknown } | null)?.toJSON() ?? null);
      rows.push({ role, name: key.value, value, note });
    }
  }
  return rows;
}

function roleVariables(): string {
  const rows = roleVariableRows().map(({ role, name, value, note }) => [
    role,
    code(name),
    code(value.length > 60 ? `${value.slice(0, 57)}...` : value),
    cell(note),
  ]);
  return table(['role', 'variable', 'default', 'what it is'], rows);
}

function commandLine(): string {
  const program = buildProgram();
  const argument = program.registeredArguments.map((arg) => [code(`<${arg.name()}>`), cell(arg.description), '']);
  const options = program.options.map((option) => {
    const shown =
      option.defaultValue === undefined || option.defaultValue === false || Array.isArray(option.defaultValue) ? '' : code(String(option.defaultValue));
    return [code(option.flags), cell(option.description), shown];
  });
  return table(['argument or option', 'what it does', 'default'], [...argument, ...options]);
}

function moduleList(): string {
  const rows = [...modules.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((module) => [`[\`${module.name}\`](modules.md#${module.name})`, cell(module.description), module.checkMode === 'none' ? 'skipped' : 'predicts']);
  return table(['module', 'what it does', 'check mode'], rows);
}

function exitCodes(): string {
  const rows = (meanings: Record<string, string>) => Object.entries(meanings).map(([exit, meaning]) => [exit, cell(meaning)]);
  return [
    table(['code', 'meaning'], rows(EXIT_CODE_MEANINGS)),
    '',
    'With `--detailed-exitcodes` (for a job that watches for drift), instead of 0, 2 and 4:',
    '',
    table(['code', 'meaning'], rows(DETAILED_EXIT_CODE_MEANINGS)),
  ].join('\n');
}

/** Each generated section, by the docs page that holds it. */
const PAGES: Record<string, Record<string, () => string>> = {
  'docs/inventory.md': { 'inventory-keys': inventoryKeys },
  'docs/role-variables.md': { 'role-variables': roleVariables },
  'docs/command-line.md': { 'command-line': commandLine, 'exit-codes': exitCodes },
  'docs/module-contract.md': { modules: moduleList },
};
export const REFERENCE_PAGES = Object.keys(PAGES);

/** A page with each of its generated sections replaced by what the code says now. */
export function pageWithReference(page: string, text: string): string {
  for (const [name, make] of Object.entries(PAGES[page])) {
    const start = `<!-- reference:${name} (made by scripts/reference.ts) -->`;
    const end = `<!-- /reference:${name} -->`;
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from === -1 || to === -1) throw new Error(`${page} has no markers for the reference section '${name}': add ${start} ... ${end}`);
    text = text.slice(0, from) + `${start}\n${make()}\n` + text.slice(to);
  }
  return text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const page of REFERENCE_PAGES) {
    const path = join(root, page);
    writeFileSync(path, pageWithReference(page, readFileSync(path, 'utf8')));
  }
}
