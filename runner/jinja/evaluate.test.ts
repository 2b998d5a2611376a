import test from 'ava';
import { UserError } from '../errors.js';
import { createScope } from '../vars/scope.js';
import { conditionsHold } from '../conditions/conditions.js';
import { evaluate, parseExpression } from './templar.js';

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
  // Python's and/or give the operand that decided, which values rely on ('' or default).
  t.is(evaluate("'' or name", vars, origin), 'm1');
  t.is(evaluate("name or 'other'", vars, origin), 'm1');
  t.deepEqual(evaluate('[] and name', vars, origin), []);
  t.is(evaluate('name and count', vars, origin), 3);
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

test('random: an item of a list, or a number below N (from start, by step); an empty one is an error', (t) => {
  const scope = { names: ['a', 'b', 'c'] };
  for (let i = 0; i < 50; i++) {
    t.true(['a', 'b', 'c'].includes(evaluate('names | random', scope, origin) as string));
    const n = evaluate('10 | random(start=2, step=4)', scope, origin) as number;
    t.true([2, 6].includes(n), String(n));
  }
  t.throws(() => evaluate('[] | random', scope, origin), { message: /empty/ });
});

test("Ansible's extract and expanduser filters", (t) => {
  const scope = { hosts: { h1: { ansible_host: '10.0.0.1', port: { ssh: 22 } } }, names: ['h1'] };
  t.deepEqual(evaluate("names | map('extract', hosts, 'ansible_host') | list", scope, origin), ['10.0.0.1']);
  t.is(evaluate("'h1' | extract(hosts, ['port', 'ssh'])", scope, origin), 22);
  t.throws(() => evaluate("'h9' | extract(hosts)", scope, origin), { message: /h9/ });
  t.is(evaluate("'~/backups' | expanduser", scope, origin), `${process.env.HOME}/backups`);
  t.is(evaluate("'/a/~b' | expanduser", scope, origin), '/a/~b');
});

test("Python truthiness: empty strings and lists are false; the string 'false' is true, as in Ansible's when", (t) => {
  t.false(holds('empty'));
  t.true(holds('flag'), "ansible-core 2.14 runs 'when: flag' with flag='false': a non-empty string is true (hence '| bool')");
  t.false(holds('flag | bool'));
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
  t.throws(() => holds('nodes | exec'), { message: /no filter named 'exec'/ });
  t.throws(() => parseExpression('a ==', origin), { instanceOf: UserError, message: /not a valid expression/ });
});

test('a condition written as a template is rendered then judged', (t) => {
  t.true(conditionsHold(['{{ result.rc == 0 }}'.replace('{{ result.rc == 0 }}', '{{ count }}')], vars, origin));
});

test("Jinja's grammar: inline if (chained), subscripts as attributes, keyword arguments, literals, arithmetic", (t) => {
  const s = createScope({ n: 5, list: [{ name: 'a' }, { name: 'b' }], d: { k: 'v' } }, origin);
  const value = (expression: string) => evaluate(expression, s, origin);
  t.is(value("'big' if n > 3 else 'small'"), 'big');
  t.is(value("'a' if n < 1 else 'b' if n < 3 else 'c'"), 'c', "'else' chains to the right, as in Python");
  t.is(value('list.1.name'), 'b');
  t.deepEqual(value("{'x': n, 'y': [1, 2]}"), { x: 5, y: [1, 2] });
  t.is(value('7 // 2 + 2 ** 3'), 11);
  t.is(value("'%s-%d' % ('v', 3)"), 'v-3');
  t.is(value('d | to_nice_json(indent=2)'), '{\n  "k": "v"\n}');
  t.deepEqual(value("list | map(attribute='name') | list"), ['a', 'b']);
  t.deepEqual(value('range(3)'), [0, 1, 2]);
  t.throws(() => value('range(0, 10, 0)'), { message: /must not be zero/ });
});

test("Ansible's filters content uses most", (t) => {
  const s = createScope(
    {
      users: [
        { name: 'ann', admin: true },
        { name: 'bob', admin: false },
      ],
      conf: { a: { x: 1 }, l: [1] },
    },
    origin,
  );
  const value = (expression: string) => evaluate(expression, s, origin);
  t.deepEqual(value("conf | combine({'a': {'y': 2}}, recursive=True)"), { a: { x: 1, y: 2 }, l: [1] });
  t.deepEqual(value("conf | combine({'a': {'y': 2}})"), { a: { y: 2 }, l: [1] });
  t.deepEqual(value("users | selectattr('admin') | map(attribute='name') | list"), ['ann']);
  t.deepEqual(value("users | rejectattr('name', 'equalto', 'ann') | map(attribute='name') | list"), ['bob']);
  t.deepEqual(value("[{'a': 1}, {'b': 2}] | selectattr('a', 'defined') | list"), [{ a: 1 }], 'defined as a test name');
  t.deepEqual(value("[{'a': 1}, {'b': 2}] | selectattr('a', 'undefined') | list"), [{ b: 2 }]);
  t.deepEqual([value("'ann' is in ['ann']"), value("'cy' is not in ['ann']"), value("'ann' is not in ['ann']")], [true, true, false], "Jinja's 'in' test");
  t.deepEqual(value('conf | dict2items | map(attribute="key") | list'), ['a', 'l']);
  t.deepEqual(value("[{'key': 'k', 'value': 1}] | items2dict"), { k: 1 });
  t.is(value("'v1.31.4+k3s1' | regex_replace('^v(\\\\d+)\\\\.(\\\\d+).*$', '\\\\1.\\\\2')"), '1.31');
  t.is(value("'k3s version v1.31.4+k3s1 (abc)' | regex_search('v[0-9.]+')"), 'v1.31.4');
  t.is(value("n is defined | ternary('yes', 'no')"), 'no');
  t.deepEqual(value("'a: [1, 2]' | from_yaml"), { a: [1, 2] });
  t.deepEqual(value('[[1, [2]], 3] | flatten'), [1, 2, 3]);
  t.deepEqual(value('[3, 1, 3] | unique | sort'), [1, 3]);
  t.is(value("'/a/b.tar.gz' | basename"), 'b.tar.gz');
  t.is(value("'/a/b/c.txt' | relpath('/a')"), 'b/c.txt');
  t.is(value("'/a' | relpath('/a/b')"), '..');
  t.is(value("'yes' | bool and not ('off' | bool)"), true);
});

test("tests: version as Ansible compares versions, and Python's methods", (t) => {
  const s = createScope({ v: 'v1.31.4+k3s1', line: ' key = value ' }, origin);
  const value = (expression: string) => evaluate(expression, s, origin);
  t.true(value("v is version('v1.31.10+k3s1', '<')") as boolean, 'numbers compare as numbers, 4 < 10');
  t.true(value("'2.14.0' is version('2.9', '>=')") as boolean);
  t.false(value("'1.2' is version('1.2.0', 'gt')") as boolean);
  t.deepEqual(value("line.strip().split(' = ')"), ['key', 'value']);
  t.true(value("v.startswith('v1.') and v.endswith(('k3s1', 'k3s2'))") as boolean);
  t.is(value("'{}-{}'.format('a', 1)"), 'a-1');
  t.throws(() => value('v.toUpperCase()'), { message: /'str' object has no attribute 'toUpperCase'/ });
});

test("Python's string escapes and Jinja's whitespace: octal/\\x/\\u escapes, an unknown escape keeps its backslash, a no-break space separates", (t) => {
  t.is(evaluate("'a\\0b'", vars, origin), 'a\u0000b');
  t.is(evaluate("'caf\\xe9 \\u00e9'", vars, origin), 'café é');
  t.is(evaluate("'t\\'e~m\\plated'", vars, origin), "t'e~m\\plated", "'\\p' is two characters in Python");
  t.is(evaluate('name\u00a0~ "x"', vars, origin), 'm1x');
  t.is(evaluate("'caf\\xe9' | b64encode(encoding='latin-1')", vars, origin), Buffer.from([0x63, 0x61, 0x66, 0xe9]).toString('base64'));
  t.is(evaluate("'Y2Fm6Q==' | b64decode(encoding='latin-1')", vars, origin), 'café');
  t.is(evaluate("'/tmp/../tmp/x-not-there' | realpath", vars, origin), '/tmp/x-not-there');
  t.is(evaluate("lookup('pipe', 'echo {{ name }}-{{ count }}')", vars, origin), 'm1-3', "a lookup's terms are templates too");
});
