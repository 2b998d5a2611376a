import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { EDITOR_SCHEMA, editorSchemaText, moduleReference, MODULES_DOC } from '../scripts/module-docs.js';
import { readmeWithReference, roleVariableRows } from '../scripts/reference.js';
import { LANGUAGE_DOC, languageReference } from '../scripts/language-docs.js';

const ROOT = join(import.meta.dirname, '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

test("README's reference (inventory keys, role variables, options, exit codes) is what the code says (npm run docs rewrites it)", (t) => {
  t.is(readme, readmeWithReference(readme));
});

test('README links and images resolve to files in the repository', (t) => {
  for (const [, target] of readme.matchAll(/\]\(([^)#\s]+)\)/g)) {
    if (/^https?:/.test(target)) continue;
    t.true(existsSync(join(ROOT, target)), target);
  }
});

test('every role default says what it is (a comment right above it)', (t) => {
  const undocumented = roleVariableRows()
    .filter((row) => row.note.trim() === '')
    .map((row) => `roles/${row.role}/defaults/main.yaml: ${row.name}`);
  t.deepEqual(undocumented, []);
});

test("docs/language.md's tables and counts are what the engine's library and conformance corpora say (npm run docs rewrites it)", (t) => {
  t.is(readFileSync(LANGUAGE_DOC, 'utf8'), languageReference());
});

test('docs/modules.md and the editor schema are what the module declarations say (npm run docs rewrites them)', (t) => {
  t.is(readFileSync(MODULES_DOC, 'utf8'), moduleReference());
  t.is(readFileSync(EDITOR_SCHEMA, 'utf8'), editorSchemaText());
});
