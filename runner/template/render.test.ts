import test from 'ava';
import { UserError } from '../errors.js';
import { createScope } from '../vars/scope.js';
import { checkTemplateSyntax, renderDeep, renderValue } from '../jinja/templar.js';
import { checkTemplateFileSyntax, renderTemplateFile } from './render.js';

const origin = { loc: { file: 'roles/x/tasks/main.yaml', line: 7, column: 3 }, what: "argument 'dest'" };
const scope = (vars: Record<string, unknown>) => createScope(vars, origin);

test('renders without HTML escaping', (t) => {
  t.is(renderValue('a={{ v }}', scope({ v: `<b>&'"` }), origin), `a=<b>&'"`);
});

test('a whole-string expression keeps its native type', (t) => {
  const s = scope({ list: [1, 2], n: 3, flag: false, nested: { a: { b: 'x' } } });
  t.deepEqual(renderValue('{{ list }}', s, origin), [1, 2]);
  t.is(renderValue('{{n}}', s, origin), 3);
  t.is(renderValue('{{ flag }}', s, origin), false);
  t.is(renderValue('{{ n }}\n', s, origin), '3\n', 'a trailing newline makes a string');
  t.is(renderValue('{{ nested.a.b }}', s, origin), 'x');
  t.deepEqual(renderValue('{{ missing | default(list) }}', s, origin), [1, 2], 'a filtered value stays native too');
  t.is(renderValue('n={{ n }}', s, origin), 'n=3', 'text around an expression makes a string');
});

test("values print into text as Python prints them, as in Ansible; None as '' (Ansible's finalize)", (t) => {
  const s = scope({ list: ['a', 'b'], flag: true, none: null, map: { k: 1 } });
  t.is(renderValue('{{ list }} {{ flag }} {{ none }} {{ map }}', s, origin), "['a', 'b'] True  {'k': 1}");
  t.is(renderValue('{{ none }}', s, origin), null, 'a variable alone keeps its value');
  t.is(renderValue('{{ none | default(None) }}', s, origin), '', 'any other expression giving None is rendered');
});

test('Jinja expressions: filters, subscripts, inline if, ~, methods, lookups and whitespace control', (t) => {
  const s = scope({ path: '/home/me/k3s.tar.zst', items: ['x', 'y'], csv: 'a, b', n: 2, hosts: { m1: { ip: '10.0.0.1' } } });
  t.is(renderValue('{{ path | basename }}', s, origin), 'k3s.tar.zst');
  t.is(renderValue('{{ items[0] }}-{{ items.1 }}', s, origin), 'x-y');
  t.is(renderValue("{{ 'many' if n > 1 else 'one' }}", s, origin), 'many');
  t.is(renderValue("{{ 'v' ~ n }}", s, origin), 'v2');
  t.deepEqual(renderValue("{{ csv.split(', ') }}", s, origin), ['a', 'b']);
  t.is(renderValue("{{ hosts['m1'].ip }}", s, origin), '10.0.0.1');
  t.is(renderValue("{{ lookup('env', 'K3S_PLAYBOOK_TEST_UNSET') }}", s, origin), '');
  t.is(renderValue('a  {{- n -}}  b', s, origin), 'a2b');
  t.is(renderValue("{{ '}}' }}", s, origin), '}}', 'braces inside a string do not end the expression');
  t.is(renderValue('{% for i in items %}{{ i }};{% endfor %}', s, origin), 'x;y;', 'statements in a value are rendered as Jinja');
});

test('a missing variable is an error naming it and the task location', (t) => {
  const error = t.throws(() => renderValue('https://{{ master.address }}:6443', scope({ master: {} }), origin), { instanceOf: UserError });
  t.regex(error!.message, /undefined variable 'master\.address'/);
  t.deepEqual(error!.loc, origin.loc);
  const native = t.throws(() => renderValue('{{ nope }}', scope({}), origin), { instanceOf: UserError });
  t.regex(native!.message, /undefined variable 'nope'/);
});

test('a missing variable in a template file names the file line, for Jinja2 and Handlebars files', (t) => {
  for (const file of ['templates/config.yaml.j2', 'templates/config.yaml.hbs']) {
    const error = t.throws(() => renderTemplateFile('a: 1\nb: {{ token }}\n', file, scope({})), { instanceOf: UserError });
    t.is(error!.loc?.line, 2, file);
    t.regex(error!.message, /'token'/, file);
  }
});

test('template files: .hbs is Handlebars, anything else is Jinja2 with Ansible defaults (trim_blocks, kept final newline)', (t) => {
  const s = scope({ list: ['a', 'b'], evil: "x'; rm -rf /tmp/x #" });
  t.is(renderTemplateFile('{{#each list}}{{this}};{{/each}}', 'x.hbs', s), 'a;b;');
  t.is(renderTemplateFile('{% for i in list %}\n{{ i }}\n{% endfor %}\n', 'x.conf.j2', s), 'a\nb\n');
  t.is(renderTemplateFile('{% if True %}\nyes\n{% endif %}\nend\n', 'plain.conf', s), 'yes\nend\n');
  t.is(renderTemplateFile('{{ list | join(",") }} {{ list }}', 'x.j2', s), "a,b ['a', 'b']");
  t.is(renderTemplateFile('echo {{ evil | quote }}', 'x.j2', s), `echo 'x'"'"'; rm -rf /tmp/x #'`);
  t.is(renderTemplateFile('  {% if True %}\nx\n  {% endif %}\n', 'x.j2', s, { lstripBlocks: true }), 'x\n');
});

test('a Jinja2 file reaches data and Python methods only, never a JavaScript function', (t) => {
  const s = scope({ text: 'Hello' });
  t.is(renderTemplateFile("{{ text.startswith('He') }} {{ text.upper() }}", 'x.j2', s), 'True HELLO');
  t.throws(() => renderTemplateFile('{{ text.constructor.constructor("return process")() }}', 'x.j2', s), { instanceOf: UserError });
  t.throws(() => renderTemplateFile('{{ text.toUpperCase() }}', 'x.j2', s), { instanceOf: UserError });
});

test('a Jinja2 file reads variables lazily: a broken variable it does not use does not stop it', (t) => {
  const s = scope({ used: 'ok', broken: '{{ nowhere }}' });
  t.is(renderTemplateFile('{{ used }}', 'x.j2', s), 'ok');
});

test('variables refer to other variables, rendered when read', (t) => {
  const s = scope({ host: '10.0.0.1', url: 'https://{{ host }}:6443', urls: ['{{ url }}'] });
  t.is(renderValue('{{ url }}', s, origin), 'https://10.0.0.1:6443');
  t.deepEqual(renderDeep({ list: '{{ urls }}' }, s, origin), { list: ['https://10.0.0.1:6443'] });
});

test('a circle of variables is reported, not looped on', (t) => {
  const error = t.throws(() => renderValue('{{ a }}', scope({ a: '{{ b }}', b: '{{ a }}' }), origin), { instanceOf: UserError });
  t.regex(error!.message, /a -> b -> a/);
});

test('syntax errors are found before rendering', (t) => {
  const error = t.throws(() => checkTemplateSyntax('x {{ broken }', origin), { instanceOf: UserError });
  t.regex(error!.message, /not a valid template/);
  t.throws(() => checkTemplateSyntax('{{ a == }}', origin), { instanceOf: UserError, message: /not a valid template: unexpected end of print statement/ });
  t.notThrows(() => checkTemplateSyntax("{{ x | default('y') }} {% if a %}b{% endif %}", origin));
  const file = t.throws(() => checkTemplateFileSyntax('line\n{% if x %}\nno end\n', 'broken.j2'), { instanceOf: UserError });
  t.regex(file!.message, /not a valid Jinja2 template/);
  t.notThrows(() => checkTemplateFileSyntax('{{#each list}}{{this}}{{/each}}', 'ok.hbs'));
});

test('a value written with a Handlebars helper is refused with the Jinja way to write it', (t) => {
  const error = t.throws(() => checkTemplateSyntax("{{ default payload.mode 'none' }}", origin), { instanceOf: UserError });
  t.regex(error!.hint ?? '', /payload\.mode \| default\(\.\.\.\)/);
});
