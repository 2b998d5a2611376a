import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
// @ts-expect-error: a plain .mjs script without type declarations
import { readmeWithReference } from '../scripts/reference.mjs';

const ROOT = join(import.meta.dirname, '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

test("README's role variables are exactly what the roles' defaults say (npm run docs rewrites them)", (t) => {
  t.is(readme, readmeWithReference(readme));
});

test('README links and images resolve to files in the repository', (t) => {
  for (const [, target] of readme.matchAll(/\]\(([^)#\s]+)\)/g)) {
    if (/^https?:/.test(target)) continue;
    t.true(existsSync(join(ROOT, target)), target);
  }
});

test('the set-up and test commands of README are the ones .ci/run and package.json use', (t) => {
  t.true(readme.includes('npm ci && npm run lab -- up 3 && npx run-playbook site.yaml -i lab'));
  t.true(readme.includes('bash scripts/install-test-deps.sh && npm test'));
  const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
  t.regex(ci, /^bash scripts\/install-test-deps\.sh$/m);
  t.regex(ci, /^npm test$/m);
  const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts;
  for (const name of ['lab', 'test', 'bench', 'bench:service', 'start']) t.truthy(scripts[name], name);
});
