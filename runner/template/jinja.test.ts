import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScope } from '../vars/scope.js';
import { renderTemplateFile } from './render.js';

// The behaviours Ansible's own template tests check (stable-2.14 targets/template), in our own templates.
const dir = mkdtempSync(join(tmpdir(), 'k3s-playbook-jinja-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));
const files: Record<string, string> = {
  'macros.j2': '{% macro greet(who) %}hi {{ who }}{% endmacro %}{% set shared = "from macros" %}',
  'uses-context.j2': '{% macro cluster_line() %}cluster={{ cluster }}{% endmacro %}',
  'item.j2': '- {{ node }} of {{ cluster }}\n',
};
for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
const scope = createScope({ cluster: 'lab', nodes: ['m1', 'w1'] }, { loc: { file: 'x', line: 1, column: 1 }, what: 'x' });
const render = (text: string, options = {}) => {
  const file = join(dir, 'main.j2');
  writeFileSync(file, text);
  return renderTemplateFile(text, file, scope, options);
};

test("{% import %} as a namespace, and {% from %} with the caller's variables", (t) => {
  t.is(render("{% import 'macros.j2' as m %}{{ m.greet('you') }}, {{ m.shared }}\n"), 'hi you, from macros\n');
  t.is(render("{% from 'uses-context.j2' import cluster_line with context %}{{ cluster_line() }}\n"), 'cluster=lab\n');
});

test('{% include %} inside a loop sees the loop variable and the host variables', (t) => {
  // As ansible-core 2.14 writes it: Jinja drops an included file's final newline, and trim_blocks the one after the include tag.
  t.is(render("{% for node in nodes %}\n{% include 'item.j2' %}\n{% endfor %}\n"), '- m1 of lab- w1 of lab\n');
  t.is(render("{% for node in nodes %}\n{% include 'item.j2' +%}\n{% endfor %}\n"), '- m1 of lab\n- w1 of lab\n', "'+%}' keeps the newline");
});

test('loop variables, {% set %}, comments and whitespace control', (t) => {
  t.is(render('{% for n in nodes %}{{ loop.index }}:{{ n }}{% if not loop.last %},{% endif %}{% endfor %}'), '1:m1,2:w1');
  t.is(render('{# a note #}{% set x = nodes | length %}{{ x * 2 }}'), '4');
  t.is(render('a\n  {%- if True %} b{% endif %}'), 'a b');
  t.is(render("{% for (k, v) in {'a': 1}.items() %}{{ k }}={{ v }}{% endfor %}"), 'a=1', 'a parenthesized target unpacks, as in Jinja');
  t.is(render("{{ 'lab' is in ['lab'] }} {{ 'x' is not in nodes }}"), 'True True', "Jinja's 'in' test");
});

test('trim_blocks and lstrip_blocks as the template module sets them', (t) => {
  const text = '<\n  {% if True %}\nin\n  {% endif %}\n>\n';
  t.is(render(text), '<\n  in\n  >\n', 'Ansible default: trim_blocks on, lstrip_blocks off');
  t.is(render(text, { lstripBlocks: true }), '<\nin\n>\n');
  t.is(render(text, { trimBlocks: false }), '<\n  \nin\n  \n>\n');
});

test('a template keeps its final newlines, as Ansible keeps them', (t) => {
  t.is(render('{% for n in nodes %}\n{{ n }}\n{% endfor %}\n\n'), 'm1\nw1\n\n');
});
