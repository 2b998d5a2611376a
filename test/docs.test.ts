import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import test from 'ava';
import { DOCUMENTS, headingAnchors } from './support/readme.js';
import { EDITOR_SCHEMA, editorSchemaText, moduleReference, MODULES_DOC } from '../scripts/module-docs.js';
import { pageWithReference, REFERENCE_PAGES, roleVariableRows } from '../scripts/reference.js';
import { LANGUAGE_DOC, languageReference } from '../scripts/language-docs.js';

const ROOT = join(import.meta.dirname, '..');

test('the reference pages (inventory keys, role variables, options, exit codes, modules) are what the code says (npm run docs rewrites them)', (t) => {
  for (const page of REFERENCE_PAGES) {
    const text = readFileSync(join(ROOT, page), 'utf8');
    t.is(text, pageWithReference(page, text), page);
  }
});

test('README is a guide of at most 250 lines; docs/README.md lists every page of docs/', (t) => {
  t.true(readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length <= 250);
  const contents = readFileSync(join(ROOT, 'docs', 'README.md'), 'utf8');
  const pages = DOCUMENTS.filter((file) => file.startsWith('docs/') && file !== 'docs/README.md');
  t.true(pages.length >= 10);
  for (const page of pages) t.true(contents.includes(`](${relative('docs', page)})`), `docs/README.md links ${page}`);
});

test('links and images in README and docs/ resolve to files in the repository, and to headings that exist', (t) => {
  const anchors = new Map(DOCUMENTS.map((file) => [file, headingAnchors(readFileSync(join(ROOT, file), 'utf8'))]));
  for (const file of DOCUMENTS) {
    const text = readFileSync(join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^https?:/.test(target)) continue;
      const [path, anchor] = target.split('#');
      const resolved = path === '' ? file : relative(ROOT, join(ROOT, dirname(file), path));
      t.true(existsSync(join(ROOT, resolved)), `${file}: ${target}`);
      if (anchor !== undefined && resolved.endsWith('.md')) t.true(anchors.get(resolved)?.has(anchor), `${file}: ${target} (no such heading)`);
    }
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
