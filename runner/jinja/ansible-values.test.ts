import test from 'ava';
import { createScope } from '../vars/scope.js';
import { conditionHolds, evaluate, renderValue, useJinja2Native } from './templar.js';

// Values as ansible-core 2.14 renders them (each expectation read off ansible-playbook 2.14.18 on the
// same text): the rows of the language issue's table, and the types a rendered value keeps.

const origin = { loc: { file: 'site.yaml', line: 3, column: 5 }, what: "'msg'" };
const scope = createScope({ x: [1, 2, 3], n: 3, f: 3.0, s: '[1, 2]', none_var: null, a: 1, b: 2 }, origin);
const value = (text: string) => renderValue(text, scope, origin);

test("the language issue's table, row by row, as Ansible prints each", (t) => {
  t.is(value('{{ not 1 == 2 }}'), true, 'not covers the comparison; True is a boolean');
  t.is(value('{% if true %}{{ not 1 == 2 }}{% endif %}'), true, 'the same inside a statement');
  t.deepEqual(value('{{ x[1:] }}'), [2, 3], 'a slice');
  t.is(value('{{ 3 is divisibleby 3 }}'), true, 'a test with one argument and no parentheses');
  t.is(value("{{ '%05.1f' | format(3.14159) }}"), '003.1', "Python's % formatting");
  t.is(value('{{ [1,2,3] | sum / 2 }}'), '3.0', 'true division gives a float, printed as Python prints it');
  t.is(value('{{ a == b }}'), false);
});

test('what a rendered value is: numbers become text, a variable alone keeps its type, text that reads as a list becomes one', (t) => {
  t.is(value('{{ 1 + 2 }}'), '3');
  t.is(value('{{ n }}'), 3);
  t.is(value('{{ f }}'), 3);
  t.is(value('{{ n + 0 }}'), '3');
  t.deepEqual(value('{{ s }}'), [1, 2], "a string '[1, 2]' read back as a list (ansible_eval_concat)");
  t.is(value('{{ none_var }}'), null, 'a variable holding None alone is None');
  t.is(value('{{ none_var | default(None) }}'), '', 'any other None prints as nothing');
  t.is(value(' {{ 5 }}'), ' 5');
  t.deepEqual(value("{{ {'a': none} }}"), { a: null });
  t.is(value('{{ x | to_json }}'), '[1, 2, 3]', "to_json's text stays text");
  t.is(value("{{ 'x' if n > 5 }}"), '', 'an inline if without else gives nothing');
  t.is(value('{{ 10 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 2 ** -1 }} {{ 1e3 }} {{ 3.7 | round }}'), '5.0 3 -4 2 0.5 1000.0 4.0');
});

test("conditions as Ansible's: a non-empty string is true (hence | bool), a templated condition is rendered first", (t) => {
  const s = createScope({ flag: 'false', yes: true }, origin);
  t.true(conditionHolds('flag', s, origin));
  t.false(conditionHolds('flag | bool', s, origin));
  t.true(conditionHolds('{{ yes }}', s, origin));
  t.false(conditionHolds('{{ 1 == 2 }}', s, origin));
  t.true(conditionHolds(true, s, origin));
  t.deepEqual(evaluate('[1, 2] | map("string") | list', s, origin), ['1', '2']);
});

test('an undefined variable says what Ansible says of it, and where', (t) => {
  const error = t.throws(() => value('{{ [{ "key": missing_one }] }}'));
  t.regex(error!.message, /'missing_one' is undefined/);
  const attribute = t.throws(() => value('{{ x.nope }}'));
  t.regex(attribute!.message, /'list object' has no attribute 'nope'/);
});

test('with jinja2_native (ANSIBLE_JINJA2_NATIVE), a value keeps the type its template computes, as Ansible reads it back', (t) => {
  const native = createScope({ n: 3, s_two: '2', ints: [4, 2], none_var: null }, origin);
  const rendered = (text: string) => renderValue(text, native, origin);
  useJinja2Native(true);
  t.teardown(() => useJinja2Native(false));
  // Each read off ansible-playbook 2.14.18 with ANSIBLE_JINJA2_NATIVE=1 on the same text.
  t.is(rendered('{{ 1 + 2 }}'), 3);
  t.is(rendered("'{{ n }}'"), "'3'", 'quoted text keeps its quotes');
  t.is(rendered('{{ s_two }}'), 2, 'text that reads as a number becomes one');
  t.is(rendered('{% for x in ints %}{{ x }}{% endfor %}'), 42, 'several outputs joined, then read');
  t.deepEqual(rendered('[{% for x in ints %}{{ x }},{% endfor %}]'), [4, 2]);
  t.is(rendered('{{ none_var }}'), null);
  t.is(rendered('{{ n | string }}'), '3', "a string filter's text stays text");
  t.is(rendered('{{ ints }} + {{ ints }}'), '[4, 2] + [4, 2]', 'Python computes no operators in a literal');
  t.is(rendered("{{ 'true' }}"), 'true', "JSON's words are no Python literals");
  t.is(rendered("{{ 'None' }}"), null);
  t.is(rendered("{{ '042' }}"), '042', 'Python 3 reads no integer with a leading zero');
  t.is(rendered("{{ ' 5' }}"), ' 5', 'leading blanks are no literal');
  t.is(rendered('{{ none_var | default(None) }} x'), 'None x', 'None joined as Python prints it');
  t.deepEqual(rendered("{{ '(1, 2)' }}"), [1, 2]);
  t.is(rendered('{{ 1 == 1 }}'), true);
});
