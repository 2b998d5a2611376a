import test from 'ava';
import { UserError } from '../errors.js';
import { createScope } from '../vars/scope.js';
import { checkTemplateSyntax, renderDeep, renderString, renderText } from './render.js';

const origin = { loc: { file: 'roles/x/tasks/main.yaml', line: 7, column: 3 }, what: "argument 'dest'" };
const scope = (vars: Record<string, unknown>) => createScope(vars, origin);

test('renders without HTML escaping', (t) => {
  t.is(renderString('a={{ v }}', scope({ v: `<b>&'"` }), origin), `a=<b>&'"`);
});

test('a whole-string expression keeps its native type', (t) => {
  const s = scope({ list: [1, 2], n: 3, flag: false, nested: { a: { b: 'x' } } });
  t.deepEqual(renderString('{{ list }}', s, origin), [1, 2]);
  t.is(renderString('{{n}}', s, origin), 3);
  t.is(renderString('{{ flag }}', s, origin), false);
  t.is(renderString('{{ n }}\n', s, origin), '3\n', 'a trailing newline makes a string');
  t.is(renderString('{{ nested.a.b }}', s, origin), 'x');
  t.deepEqual(renderString('{{ default missing list }}', s, origin), [1, 2], 'a helper call stays native too');
  t.is(renderString('n={{ n }}', s, origin), 'n=3', 'text around an expression makes a string');
});

test('a missing variable is an error naming it and the task location', (t) => {
  const error = t.throws(() => renderString('https://{{ master.address }}:6443', scope({ master: {} }), origin), { instanceOf: UserError });
  t.regex(error!.message, /undefined variable 'master\.address'/);
  t.deepEqual(error!.loc, origin.loc);
  const native = t.throws(() => renderString('{{ nope }}', scope({}), origin), { instanceOf: UserError });
  t.regex(native!.message, /undefined variable 'nope'/);
});

test('a missing variable in a template file names the file line', (t) => {
  const fileOrigin = { loc: { file: 'templates/config.yaml.hbs', line: 1, column: 1 }, what: 'template config.yaml.hbs', isFile: true };
  const error = t.throws(() => renderText('a: 1\nb: {{ token }}\n', scope({}), fileOrigin), { instanceOf: UserError });
  t.is(error!.loc?.line, 2);
  t.regex(error!.message, /'token'/);
});

test('helpers: default, quote, json, yaml, base64, join, first', (t) => {
  t.is(renderString('{{ basename path }}', { path: '/home/me/k3s-airgap-images-amd64.tar.zst' }, origin), 'k3s-airgap-images-amd64.tar.zst');
  const s = scope({ evil: "$(touch /tmp/pwned)'; rm -rf /tmp/x #", list: ['a', 'b'], obj: { k: [1] }, none: null });
  t.is(renderString('{{ default none "d" }}', s, origin), 'd');
  t.is(renderString('{{ default unset "d" }}', s, origin), 'd');
  t.is(renderString('echo {{ quote evil }}', s, origin), `echo '$(touch /tmp/pwned)'"'"'; rm -rf /tmp/x #'`);
  t.is(renderString('{{json obj}}', s, origin), '{"k":[1]}');
  t.is(renderString('{{yaml obj}}', s, origin), 'k:\n  - 1');
  t.is(renderString('{{b64decode (b64encode "héllo")}}', s, origin), 'héllo');
  t.is(renderString('{{join list ","}}', s, origin), 'a,b');
  t.is(renderString('{{first list}}', s, origin), 'a');
  t.is(renderString('{{groups.[0]}}', scope({ groups: ['m1'] }), origin), 'm1');
});

test('variables refer to other variables, rendered when read', (t) => {
  const s = scope({ host: '10.0.0.1', url: 'https://{{ host }}:6443', urls: ['{{ url }}'] });
  t.is(renderString('{{ url }}', s, origin), 'https://10.0.0.1:6443');
  t.deepEqual(renderDeep({ list: '{{ urls }}' }, s, origin), { list: ['https://10.0.0.1:6443'] });
});

test('a circle of variables is reported, not looped on', (t) => {
  const error = t.throws(() => renderString('{{ a }}', scope({ a: '{{ b }}', b: '{{ a }}' }), origin), { instanceOf: UserError });
  t.regex(error!.message, /a -> b -> a/);
});

test('syntax errors are found before rendering', (t) => {
  const error = t.throws(() => checkTemplateSyntax('x {{ broken }', origin), { instanceOf: UserError });
  t.regex(error!.message, /not a valid template/);
  t.notThrows(() => checkTemplateSyntax('{{#each list}}{{this}}{{/each}}', origin));
});
