import test from 'ava';
import { UserError } from '../errors.js';
import { createScope } from '../vars/scope.js';
import { conditionsHold, evaluate, parseExpression } from './expression.js';

const origin = { loc: { file: 'site.yaml', line: 4, column: 5 }, what: "'when'" };
const vars = createScope(
  {
    result: { rc: 0, stdout: 'k3s version v1.31.4+k3s1', stdout_lines: ['a', 'b'], changed: true },
    nodes: ['m1', 'w1'],
    count: 3,
    empty: '',
    flag: 'false',
    name: 'm1',
    nested: { list: [{ v: 'x' }] },
  },
  origin,
);
const holds = (expression: string) => conditionsHold([expression], vars, origin);

test('comparisons, and/or/not, literals', (t) => {
  t.true(holds('result.rc == 0'));
  t.true(holds('count > 2 and count <= 3'));
  t.true(holds('count == 1 or name == "m1"'));
  t.true(holds('not count == 1'), "'not' covers the whole comparison, as in Jinja");
  t.false(holds('not result.rc == 0'));
  t.true(holds('True and not False'));
  t.true(holds('nested.list[0].v == "x" and nested["list"][0]["v"] == "x"'));
  t.true(holds('nodes[-1] == "w1"'));
});

test('in / not in on strings, lists and mappings', (t) => {
  t.true(holds("'v1.31' in result.stdout"));
  t.true(holds("'w2' not in nodes"));
  t.true(holds("'rc' in result"));
});

test('is defined / is not defined, including missing paths', (t) => {
  t.true(holds('result is defined'));
  t.true(holds('token is not defined'));
  t.true(holds('result.missing.deeper is undefined'));
  t.true(holds('result is changed and result is succeeded'));
  t.true(holds("result.stdout is search('v1\\\\.31')"));
});

test('filters: default, length, bool, int, first, join', (t) => {
  t.is(evaluate("missing | default('x')", vars, origin), 'x');
  t.is(evaluate("empty | default('x', true)", vars, origin), 'x');
  t.true(holds('nodes | length == 2'), 'filters bind tighter than comparisons');
  t.false(holds('flag | bool'));
  t.is(evaluate("'42' | int + 1", vars, origin), 43);
  t.is(evaluate("nodes | join(',')", vars, origin), 'm1,w1');
  t.is(evaluate('nodes | first', vars, origin), 'm1');
});

test('Python truthiness: empty strings and lists and "false" strings are false', (t) => {
  t.false(holds('empty'));
  t.false(holds('flag'));
  t.true(holds('nodes'));
  t.false(conditionsHold([true, false], vars, origin));
  t.true(conditionsHold([], vars, origin));
});

test('an undefined variable is an error naming it', (t) => {
  const error = t.throws(() => holds('token == "x"'), { instanceOf: UserError });
  t.regex(error!.message, /undefined variable 'token'/);
  const path = t.throws(() => holds('result.nope == 1'), { instanceOf: UserError });
  t.regex(path!.message, /'result\.nope'/);
});

test('no code execution: calls, unknown filters and syntax errors are refused', (t) => {
  t.throws(() => holds('constructor.constructor("return 1")()'), { instanceOf: UserError });
  t.throws(() => holds('nodes | exec'), { message: /unknown filter 'exec'/ });
  t.throws(() => parseExpression('a ==', origin), { instanceOf: UserError, message: /not a valid expression/ });
});

test('a condition written as a template is rendered then judged', (t) => {
  t.true(conditionsHold(['{{ result.rc == 0 }}'.replace('{{ result.rc == 0 }}', '{{ count }}')], vars, origin));
});
