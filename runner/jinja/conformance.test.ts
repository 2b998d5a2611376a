import test from 'ava';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { compileTemplate } from './compile.js';
import { Environment, Frame } from './frame.js';
import { joinOutput, renderTemplate } from './statements.js';
import { library } from './templar.js';

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
