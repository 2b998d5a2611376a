// The playbook language reference (docs/language.md), its tables made from the engine's own library
// (filters, tests, lookups, functions) and its counts from the conformance corpora, so neither can
// drift from the code. `npm run docs` writes it; test/docs.test.ts fails when the copy differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { filters } from '../runner/jinja/filters.js';
import { globalFunctions } from '../runner/jinja/globals.js';
import { lookups } from '../runner/jinja/lookups.js';
import { tests } from '../runner/jinja/tests.js';
import { code, table } from './markdown.js';

const root = join(fileURLToPath(import.meta.url), '..', '..');
export const LANGUAGE_DOC = join(root, 'docs', 'language.md');

/** Jinja 3.1's builtin filters and tests (jinja2/filters.py, jinja2/tests.py): every other name is Ansible's. */
const JINJA_FILTERS = new Set(
  'abs attr batch capitalize center count d default dictsort e escape filesizeformat first float forceescape format groupby indent int items join last length list lower map max min pprint random reject rejectattr replace reverse round safe select selectattr slice sort string striptags sum title tojson trim truncate unique upper urlencode urlize wordcount wordwrap xmlattr'.split(
    ' ',
  ),
);
const JINJA_TESTS = new Set(
  'boolean callable defined divisibleby eq equalto escaped even false filter float ge gt greaterthan in integer iterable le lower lessthan lt mapping ne none number odd sameas sequence string test true undefined upper == != < <= > >='.split(
    ' ',
  ),
);

const corpus = (name: string) => parse(readFileSync(join(root, 'runner', 'jinja', 'conformance', name), 'utf8'));

function names(all: string[], jinja: Set<string>): string {
  const row = (list: string[]) => list.sort().map(code).join(' ');
  return table(
    ['from', 'names'],
    [
      ['Jinja 3.1', row(all.filter((name) => jinja.has(name)))],
      ['Ansible', row(all.filter((name) => !jinja.has(name)))],
    ],
  );
}

export function languageReference(): string {
  const jinja = corpus('jinja-cases.yaml') as Record<string, unknown[]>;
  const jinjaCount = Object.values(jinja).reduce((sum, cases) => sum + cases.length, 0);
  const groups = Object.entries(jinja)
    .map(([group, cases]) => `${group.replace('_', ' ')} ${cases.length}`)
    .join(', ');
  const ansibleCount = (corpus('ansible-cases.yaml') as { cases: unknown[] }).cases.length;
  return `# The playbook language

<!-- Made by scripts/language-docs.ts from the engine's library: npm run docs rewrites it. -->

Values in playbooks, roles, inventories and vars files, \`when\`/\`changed_when\`/\`failed_when\`/\`until\`,
\`assert\`'s \`that\`, \`.j2\` template files and the template lookup all go through one Jinja2
implementation written for Ansible's semantics (\`runner/jinja/\`: lexer, parser, one tree, one
evaluator, the library). The project's own roles keep Handlebars \`.hbs\` templates; their helpers
are the same filter functions.

## What a value becomes

As ansible-core 2.14 renders it (\`ansible_eval_concat\`): \`"{{ name }}"\` of a defined variable is the
variable itself; any other template gives text, which becomes a list, mapping or boolean again when it
reads as one (\`"{{ [1, 2] }}"\` is a list, \`"{{ 1 + 2 }}"\` is the text \`3\`, modules convert their
arguments by type). The text of \`to_json\`, \`to_yaml\`, \`string\` and friends stays text. Values print as
Python prints them (\`True\`, \`None\`, \`['a', 'b']\`, \`3.0\`); \`None\` alone prints as nothing.
Environment values are Python's text of the value (\`True\`, not \`true\`).

Conditions are Ansible's: a bare expression (\`result.rc == 0\`), judged by Python's truthiness (a
non-empty string is true: use \`| bool\` for \`'false'\`); a condition written as \`{{ }}\` is rendered
first. An undefined variable fails the task naming it (\`'x' is undefined\`, \`'dict object' has no
attribute 'y'\`); reading through one (\`a.b.c | default(1)\`) does not. Backslashes inside \`{{ }}\` of a
playbook value are literal, as Ansible's escape_backslashes makes them; in template files and
conditions they are Python escapes.

A syntax error anywhere is reported before any host is touched, with the file, line and column and the
line with a caret, unless the task expects to fail (\`ignore_errors\`, or inside a block with a rescue):
then it fails when it runs, as in Ansible. An unknown filter, test or function names the nearest one.

## Written as in Ansible

- YAML 1.1's \`yes\`/\`no\`/\`on\`/\`off\` are booleans (quoted they stay text); arguments may be \`key=value\`
  words (\`copy: dest={{ path }} content=x\`, \`set_fact: "{{ item }}=x"\`), with Python's escapes decoded
  as parse_kv decodes them; arguments by their aliases and by text (\`update_cache=yes\`); modules by their
  collection names where the arguments are the same; \`action:\` and \`local_action:\`; the whole
  arguments as one template (\`add_host: "{{ spec }}"\`).
- Every keyword of Ansible 2.14's plays, blocks, roles and tasks is accepted. Those that change what
  runs are built: \`vars\` as a mapping or a list of them, \`vars_files\`, \`vars_prompt\` (its defaults:
  there is no prompt), \`roles\` by \`role\` or \`name\` with keywords and parameters, \`import_playbook\`
  (with \`when\`), \`serial\`, \`max_fail_percentage\`, \`any_errors_fatal\`, \`order\`, \`become*\`,
  \`remote_user\`, \`connection\`, \`environment\`, \`module_defaults\`, \`check_mode\`, \`diff\`,
  \`run_once\`, \`delegate_to\`/\`delegate_facts\`, \`ignore_errors\`, \`ignore_unreachable\`, \`no_log\`,
  \`tags\`, \`when\`, \`notify\` (from blocks and \`apply\` too), \`loop\`/\`with_*\` with \`loop_control\`
  (\`loop_var\`, \`index_var\`, \`label\`, \`pause\`, \`extended\`), \`until\`/\`retries\`/\`delay\`,
  \`changed_when\`, \`failed_when\`, \`register\`, \`async\`/\`poll\` (command and shell), \`force_handlers\`
  (and \`--force-handlers\`), \`gather_subset\`/\`gather_timeout\`/\`fact_path\` (the play's fact gathering is
  the \`gather_facts\` task, tagged \`always\`). Accepted and without effect here: \`strategy\` (every play runs
  as linear), \`throttle\`, \`timeout\`, \`debugger\`, \`collections\`.
- \`import_tasks\`/\`import_role\` are read before the run, where they stand. \`include_tasks\`/\`include_role\`
  are includes, as in Ansible: their \`when\`, \`tags\`, \`loop\` and \`run_once\` are for the include alone
  (\`apply\` gives keywords to what they bring), the file or role is read before the run when named plainly
  (and a problem with it fails only the hosts that reach it), a templated name or part when the run
  reaches it, per host and item; a public role's variables are the play's from then on. Each task's
  keywords are resolved once per host and item (\`delegate_to: "{{ item }}"\` included, with
  \`ansible_delegated_vars\`).
- The engine's own modules: \`set_fact\`, \`add_host\` and \`group_by\` (the inventory grows for later
  plays), \`ping\`, \`set_stats\`, \`assert\`, \`fail\`, \`debug\`, \`include_vars\`, \`pause\`, and every
  \`meta\` action.
- Results as Ansible's: a skipped task's \`skip_reason\`, a loop's \`results\` and messages, \`failed_when_result\`,
  \`until\`'s \`attempts\`.
- Connection variables (\`ansible_connection\`, \`ansible_user\`, \`ansible_port\`, ...) set in a play, role,
  task or \`set_fact\` win over the inventory's, as Ansible's precedence has it.

Arguments are checked before the first connection, which Ansible does not do; a task expected to fail
gets its argument problems when it runs instead, as in Ansible.

## Conformance

Checked by \`runner/jinja/conformance.test.ts\` on every run of the tests:

- **Jinja 3.1: ${jinjaCount} of ${jinjaCount} cases** rendered as Jinja2 itself renders them (${groups}).
  The cases are this project's own, grouped as Jinja's test suite is; their expectations were written
  by Jinja2 (\`scripts/conformance/jinja-expectations.py\`). Left out: autoescaping and sandboxing
  (Ansible uses neither), async rendering, extensions (\`do\`, loop controls, i18n), and Jinja's lenient
  undefined (Ansible's is strict: \`{% if missing %}\` fails).
- **ansible-core 2.14: ${ansibleCount} of ${ansibleCount} playbook values** rendered as \`ansible-playbook\` renders
  them (\`scripts/conformance/ansible-expectations.py\`), each also through a template file and, where
  it is one expression, a condition, with the same result.

Not built: vault (\`vault\`/\`unvault\` filters, encrypted values), lookups that reach the network
(\`url\`, \`dig\`) and collections' filters (\`json_query\`, \`ipaddr\`).

## Filters

${names(Object.keys(filters), JINJA_FILTERS)}

## Tests

${names(Object.keys(tests), JINJA_TESTS)}

## Lookups

\`lookup('NAME', ...)\`, \`query\`/\`q\`, and \`with_NAME\` loops: ${Object.keys(lookups).sort().map(code).join(' ')}.

## Functions

${Object.keys(globalFunctions).sort().map(code).join(' ')}, and the methods of Python's strings, lists and mappings (\`'a,b'.split(',')\`, \`d.items()\`).
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(LANGUAGE_DOC, languageReference());
