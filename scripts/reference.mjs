// The README's reference of role variables, made from roles/*/defaults/main.yaml (names, defaults,
// the comment above each): `node scripts/reference.mjs` prints it; `--write` puts it into README.md.
// test/docs.test.ts fails when the README's copy is not what this prints.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, parseDocument } from 'yaml';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const START = '<!-- reference:role-variables (made by scripts/reference.mjs) -->';
const END = '<!-- /reference:role-variables -->';

export function roleVariables() {
  const rows = ['| role | variable | default | what it is |', '|---|---|---|---|'];
  for (const role of readdirSync(join(root, 'roles')).sort()) {
    const file = join(root, 'roles', role, 'defaults', 'main.yaml');
    if (!existsSync(file)) continue;
    const doc = parseDocument(readFileSync(file, 'utf8'));
    if (!isMap(doc.contents)) continue;
    for (const pair of doc.contents.items) {
      const note = (pair.key.commentBefore ?? (pair === doc.contents.items[0] ? doc.commentBefore : '') ?? '').replace(/\n/g, ' ').replace(/\|/g, '\\|').trim();
      const value = JSON.stringify(pair.value?.toJSON?.() ?? pair.value?.value ?? null);
      const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
      rows.push(`| ${role} | \`${pair.key.value}\` | \`${shown.replace(/\|/g, '\\|')}\` | ${note} |`);
    }
  }
  return `${START}\n${rows.join('\n')}\n${END}`;
}

export function readmeWithReference(readme) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1) throw new Error('README.md has no reference markers');
  return readme.slice(0, start) + roleVariables() + readme.slice(end + END.length);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--write')) {
    const path = join(root, 'README.md');
    writeFileSync(path, readmeWithReference(readFileSync(path, 'utf8')));
  } else {
    console.log(roleVariables());
  }
}
