// The editor schema (generated from the module declarations) must accept every task this
// project's roles hold and every documented example, and catch what editors should flag.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { modules } from '../modules/registry.js';
import playbookSchema from './playbook.schema.json' with { type: 'json' };
import tasksSchema from './tasks.schema.json' with { type: 'json' };

const ROOT = join(import.meta.dirname, '..', '..');
const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addSchema(playbookSchema);
const validate = ajv.compile(tasksSchema);
const problems = (tasks: unknown) => (validate(tasks) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));

test("every task file of the project's roles is valid for editors", (t) => {
  for (const role of readdirSync(join(ROOT, 'roles'))) {
    for (const kind of ['tasks', 'handlers']) {
      const file = join(ROOT, 'roles', role, kind, 'main.yaml');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      t.deepEqual(problems(parse(text)), [], file);
    }
  }
});

test('every documented example is valid for editors', (t) => {
  for (const module of modules.values()) {
    for (const example of module.examples) t.deepEqual(problems([parse(example.task)]), [], `${module.name}: ${example.description}`);
  }
});

test('editors flag a misspelled argument, a wrong choice, a missing argument and an unknown module', (t) => {
  t.not(problems([{ copy: { dets: '/x', content: 'a' } }]).length, 0);
  t.not(problems([{ 'ansible.builtin.file': { path: '/x', state: 'dir' } }]).length, 0);
  t.not(problems([{ copy: { content: 'a' } }]).length, 0);
  t.not(problems([{ copyy: { dest: '/x' } }]).length, 0);
  t.deepEqual(problems([{ copy: { dest: '/x', content: 'a', mode: '{{ file_mode }}' } }, { command: 'echo hi', changed_when: false }]), []);
  t.deepEqual(problems([{ block: [{ 'ansible.builtin.debug': { msg: 'x' } }], when: 'a' }]), []);
});
