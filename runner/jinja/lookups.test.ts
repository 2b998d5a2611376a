import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { runLookup } from './lookups.js';

/** A lookup's values; with errors left strict, a lookup that fails throws rather than giving nothing. */
function lookup(name: string, terms: unknown[], kwargs: Record<string, unknown> = {}, scope: Record<string, unknown> = {}): unknown[] {
  const values = runLookup([name, ...terms], kwargs, scope);
  if (values === undefined) throw new Error(`lookup('${name}') gave nothing`);
  return values;
}

test("errors='ignore' (or 'warn') makes a failing lookup give nothing instead of failing; errors must be strict, warn or ignore", (t) => {
  t.throws(() => lookup('first_found', [['nope.yml']]), { message: /no file was found/ });
  t.is(runLookup(['first_found', ['nope.yml']], { errors: 'ignore' }, {}), undefined);
  t.is(runLookup(['first_found', ['nope.yml']], { errors: 'warn' }, {}), undefined);
  t.throws(() => runLookup(['first_found', ['nope.yml']], { errors: 'loud' }, {}), { message: /errors must be strict, warn or ignore/ });
});

test('the lookups behind with_items, with_dict, with_together, with_nested, with_indexed_items, with_flattened', (t) => {
  t.deepEqual(lookup('items', [[1, 2], 3, [[4]]]), [1, 2, 3, [4]], 'items flattens one level');
  t.deepEqual(lookup('list', [[1, 2], 3]), [[1, 2], 3]);
  t.deepEqual(lookup('dict', [{ a: 1, b: { c: 2 } }]), [
    { key: 'a', value: 1 },
    { key: 'b', value: { c: 2 } },
  ]);
  t.deepEqual(
    lookup('together', [
      ['a', 'b', 'c'],
      [1, 2],
    ]),
    [
      ['a', 1],
      ['b', 2],
      ['c', null],
    ],
  );
  t.deepEqual(
    lookup('nested', [
      ['a', 'b'],
      [1, 2],
    ]),
    [
      ['a', 1],
      ['a', 2],
      ['b', 1],
      ['b', 2],
    ],
  );
  t.deepEqual(lookup('indexed_items', [['x', 'y']]), [
    [0, 'x'],
    [1, 'y'],
  ]);
  t.deepEqual(lookup('flattened', [[1, [2, [3]]], 4]), [1, 2, 3, 4]);
  t.deepEqual(lookup('ansible.builtin.items', [[1]]), [1], 'the collection name works too');
  t.throws(() => lookup('dict', [[1]]), { message: /with_dict expects a dict/ });
  t.throws(() => lookup('nope', []), { message: /lookup plugin \(nope\) not found \(known: .*sequence/ });
});

test("with_sequence: start/end/stride/count/format, and the short 'start-end/stride:format'", (t) => {
  t.deepEqual(lookup('sequence', ['start=1 end=3']), ['1', '2', '3']);
  t.deepEqual(lookup('sequence', ['start=0 end=8 stride=4 format=host%02d']), ['host00', 'host04', 'host08']);
  t.deepEqual(lookup('sequence', ['start=5 count=3']), ['5', '6', '7']);
  t.deepEqual(lookup('sequence', ['4']), ['1', '2', '3', '4']);
  t.deepEqual(lookup('sequence', ['2-10/4:n%d']), ['n2', 'n6', 'n10']);
  t.deepEqual(lookup('sequence', ['start=10 end=0x0f format=%x']), ['a', 'b', 'c', 'd', 'e', 'f']);
  t.deepEqual(lookup('sequence', ['start=3 end=1 stride=-1']), ['3', '2', '1']);
  // Ansible's count quirk: the end is start + count * stride - 1.
  t.deepEqual(lookup('sequence', ['start=0 count=3 stride=2']), ['0', '2', '4']);
  t.deepEqual(lookup('sequence', ['count=0']), [], 'nothing, as Ansible gives');
  // Ansible's own messages, which content tests.
  t.throws(() => lookup('sequence', ['start=1']), { message: 'must specify count or end in with_sequence' });
  t.throws(() => lookup('sequence', ['start=1 end=4 count=2']), { message: "can't specify both count and end in with_sequence" });
  t.throws(() => lookup('sequence', ['start=1 end=9 bogus=2']), { message: "unrecognized arguments to with_sequence: ['bogus']" });
  t.throws(() => lookup('sequence', ['A-4/2']), { message: "can't parse start=A as integer" });
  t.throws(() => lookup('sequence', ['1-4/C']), { message: "can't parse stride=C as integer" });
  t.throws(() => lookup('sequence', ['start=4 end=1 stride=2']), { message: 'to count backwards make stride negative' });
  t.throws(() => lookup('sequence', ['start=1 end=4 stride=-2']), { message: "to count forward don't make stride negative" });
  t.throws(() => lookup('sequence', ['start=1 end=4 format=d']), { message: 'bad formatting string: d' });
});

test('with_subelements pairs each element with the members of its sub-list', (t) => {
  const users = [
    { name: 'alice', keys: ['k1', 'k2'] },
    { name: 'bob', keys: ['k3'] },
    { name: 'carol', nested: { keys: ['k4'] } },
  ];
  t.deepEqual(
    lookup('subelements', [users.slice(0, 2), 'keys']).map((pair) => `${(pair as [{ name: string }, string])[0].name}:${(pair as [unknown, string])[1]}`),
    ['alice:k1', 'alice:k2', 'bob:k3'],
  );
  t.deepEqual(lookup('subelements', [users, 'nested.keys', { skip_missing: true }]).length, 1);
  t.throws(() => lookup('subelements', [users, 'keys']), { message: /could not find 'keys'/ });
});

test("with_fileglob and with_first_found look in the role's (or playbook's) files/ first, on the controller", (t) => {
  const role = mkdtempSync(join(tmpdir(), 'k3s-playbook-lookup-'));
  t.teardown(() => rmSync(role, { recursive: true, force: true }));
  mkdirSync(join(role, 'files', 'sub'), { recursive: true });
  for (const name of ['b.conf', 'a.conf', 'c.txt']) writeFileSync(join(role, 'files', name), name);
  const scope = { role_path: role };
  t.deepEqual(lookup('fileglob', ['*.conf'], {}, scope), [join(role, 'files', 'a.conf'), join(role, 'files', 'b.conf')]);
  t.deepEqual(lookup('fileglob', ['*.none'], {}, scope), []);
  t.deepEqual(lookup('fileglob', ['*'], {}, scope).length, 3, 'directories are not files');
  t.deepEqual(lookup('first_found', [['missing.conf', 'b.conf', 'a.conf']], {}, scope), [join(role, 'files', 'b.conf')]);
  t.deepEqual(lookup('first_found', [{ files: ['c.txt'], paths: [join(role, 'files')] }], {}, {}), [join(role, 'files', 'c.txt')]);
  t.throws(() => lookup('first_found', [['missing']], {}, scope), { message: /no file was found/ });
  t.deepEqual(lookup('first_found', [['missing']], { skip: true }, scope), []);
  t.deepEqual(lookup('file', ['c.txt'], {}, scope), ['c.txt'], "lookup('file') finds it in files/ too");
});

test("the ini lookup reads as Python's configparser: inline options, regexp keys matched from the start, [DEFAULT], no-value keys, and Ansible's messages", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ini-lookup-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a.ini'), '[DEFAULT]\nshared = all\n[s]\nvalue1 = 1\nvalue2: 2\nother1 = 3\nlong = first\n  second\n');
  writeFileSync(join(dir, 'dup.ini'), '[dup]\nname = bob\nNAME = marley\n');
  writeFileSync(join(dir, 'my.ini'), '[mysqld]\nuser = mysql\nskip-innodb\n');
  const scope = { playbook_dir: dir };
  const ini = (terms: unknown[], kw: Record<string, unknown> = {}) => runLookup(['ini', ...terms], { file: 'a.ini', ...kw }, scope);
  t.deepEqual(ini(['value[1-2] section=s re=true']), ['1', '2'], "inline options, re as Ansible's words");
  t.deepEqual(ini(['alue1'], { section: 's', re: true }), [], 're.match anchors at the start');
  t.deepEqual(ini(['shared', 'long'], { section: 's' }), ['all', 'first\nsecond'], '[DEFAULT] reaches every section; indented lines continue a value');
  t.deepEqual(ini(['missing'], { section: 's', default: 'd' }), ['d']);
  t.deepEqual(ini(['NAME'], { file: 'dup.ini', section: 'dup', case_sensitive: true }), ['marley']);
  t.throws(
    () => ini(['name'], { file: 'dup.ini', section: 'dup' }),
    {
      message: /^Duplicate option in 'dup\.ini': .*option 'name' in section 'dup' already exists/,
    },
    'keys differing only in case are one key unless case-sensitive',
  );
  t.throws(() => ini(['x'], { section: 'nope' }), { message: "No section 'nope' in a.ini" });
  t.throws(() => ini(['file=a.ini']), { message: /^No key to lookup was provided as first term with in string inline options/ });
  t.throws(() => ini(['x'], { bogus: 1 }), { message: 'bogus is not a valid option.' });
  const my = (kw: Record<string, unknown>) => runLookup(['ini', 'user'], { file: 'my.ini', section: 'mysqld', ...kw }, scope);
  t.throws(() => my({}), { message: /Source contains parsing errors/ }, 'a key without a value needs allow_no_value');
  t.deepEqual(my({ allow_no_value: true }), ['mysql']);
});

test('the password lookup with encrypt keeps the password and a salt in its file and gives the hash, the same one each time', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'password-lookup-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const scope = { playbook_dir: dir };
  const first = runLookup(['password', 'secret encrypt=sha256_crypt length=12'], {}, scope)![0] as string;
  const [plain, salt] = readFileSync(join(dir, 'secret'), 'utf8').trim().split(' salt=');
  t.is(plain.length, 12);
  t.regex(first, new RegExp(`^\\$5\\$rounds=535000\\$${salt.replace(/[./]/g, '\\$&')}\\$`), 'a sha256-crypt hash with the kept salt');
  t.is(runLookup(['password', 'secret encrypt=sha256_crypt'], {}, scope)![0], first);
  t.is(runLookup(['password', 'secret'], {}, scope)![0], plain, 'without encrypt, the password itself');
});

test("varnames: the names a Python pattern finds; a term that is no text or no pattern fails in Ansible's words", (t) => {
  const scope = { qz_1: 1, qz_2: 2, qa_1: 3, other: 4 };
  t.deepEqual(lookup('varnames', ['^q.*_\\d'], {}, scope), ['qz_1', 'qz_2', 'qa_1']);
  t.throws(() => lookup('varnames', [true], {}, scope), { message: /Invalid setting identifier, "True" is not a string, it is a bool/ });
  t.throws(() => lookup('varnames', ['*'], {}, scope), { message: /Unable to use "\*" as a search parameter: .*nothing to repeat/ });
  t.throws(() => lookup('csvfile', ['foo'], { file: 'doesnotexist' }, {}), { message: /No such file or directory: 'doesnotexist'/ });
});
