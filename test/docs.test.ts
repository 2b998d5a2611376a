import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { readmeWithReference } from '../scripts/reference.js';

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
