import test from 'ava';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { createScope } from '../vars/scope.js';
import { compileTemplate } from './compile.js';
import { Environment, Frame } from './frame.js';
import { literalOrText } from './literal.js';
import { pythonStr, pyTruthy } from './python.js';
import { joinOutput, renderTemplate } from './statements.js';
import { conditionHolds, evaluate, library, renderJinjaFile, renderValue } from './templar.js';

// Jinja 3.1's own behaviour, group by group (runner/jinja/conformance/jinja-cases.yaml, whose
// expectations Jinja2 itself rendered): this engine, set as a plain jinja2.Environment() is (no
// trim_blocks, final newline dropped), must give the same text.

interface Case {
  name: string;
  template: string;
  vars?: Record<string, unknown>;
  templates?: Record<string, string>;
  expected: string;
}

const groups = parse(readFileSync(new URL('conformance/jinja-cases.yaml', import.meta.url), 'utf8')) as Record<string, Case[]>;

function render(c: Case): string {
  const templates = c.templates ?? {};
  const env = new Environment(library, {}, (name) => (name in templates ? { source: templates[name], file: name } : undefined));
  const out: unknown[] = [];
  renderTemplate(compileTemplate(c.template, env.lex), new Frame(env, c.vars ?? {}), out);
  return joinOutput(out);
}

for (const [group, cases] of Object.entries(groups)) {
  test(`Jinja's ${group.replace('_', ' ')}: ${cases.length} cases as Jinja2 renders them`, (t) => {
    for (const c of cases) {
      let actual: string;
      try {
        actual = render(c);
      } catch (error) {
        actual = `(failed: ${(error as Error).message})`;
      }
      // PyYAML wrote the expectations: text such as 02468 it leaves unquoted, which YAML 1.2 reads as a number.
      t.is(actual, String(c.expected), `${group} › ${c.name}: ${c.template}`);
    }
  });
}

// ansible-core 2.14's renderings of playbook values (conformance/ansible-cases.yaml, rendered by
// ansible-playbook itself), through each way a text reaches the engine here.

interface AnsibleCase {
  template: string;
  expected?: unknown;
  fails?: boolean;
}

const ansible = parse(readFileSync(new URL('conformance/ansible-cases.yaml', import.meta.url), 'utf8')) as {
  vars: Record<string, unknown>;
  cases: AnsibleCase[];
};
const origin = { loc: { file: 'site.yaml', line: 1, column: 1 }, what: "'msg'" };
const ansibleScope = () => createScope({ ...ansible.vars, inventory_hostname: 'localhost', playbook_dir: process.cwd() }, origin);

/** Mappings compared whatever their keys' order (Ansible's JSON output sorts them). */
const sorted = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(sorted)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((key) => [key, sorted((value as Record<string, unknown>)[key])]),
        )
      : value;

test(`ansible-core's renderings of playbook values: ${ansible.cases.length} cases as ansible-playbook prints them`, (t) => {
  const scope = ansibleScope();
  for (const c of ansible.cases) {
    if (c.fails) {
      t.throws(() => renderValue(c.template, scope, origin), undefined, `Ansible fails on ${c.template}`);
      continue;
    }
    let actual: unknown;
    try {
      actual = renderValue(c.template, scope, origin);
    } catch (error) {
      actual = `(failed: ${(error as Error).message})`;
    }
    t.deepEqual(sorted(actual), sorted(c.expected), c.template);
  }
});

test('the same text gives the same result wherever it is written: a value, a template file, a condition', (t) => {
  const scope = ansibleScope();
  const file = join(mkdtempSync(join(tmpdir(), 'k3s-playbook-conformance-')), 'case.j2');
  t.teardown(() => rmSync(dirname(file), { recursive: true, force: true }));
  for (const c of ansible.cases) {
    if (c.fails || /\\/.test(c.template)) continue; // backslashes inside {{ }} of a value are doubled first (Ansible's escape_backslashes), not in files
    const asValue = renderValue(c.template, scope, origin);
    // A template file is always text; a value is that text, read back as a list, mapping or boolean where it reads as one.
    const asFile = renderJinjaFile(c.template, file, scope);
    if (asValue !== null && typeof asValue === 'object') t.deepEqual(literalOrText(asFile), asValue, `file: ${c.template}`);
    else t.is(asFile, asValue === null ? '' : pythonStr(asValue), `file: ${c.template}`);
    const single = /^\{\{(.*)\}\}$/s.exec(c.template);
    if (single && !single[1].includes('}}') && !single[1].includes('{{')) {
      t.is(conditionHolds(single[1], scope, origin), pyTruthy(evaluate(single[1], scope, origin)), `condition: ${c.template}`);
    }
  }
});
