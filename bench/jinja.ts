// npm run bench:jinja: the expression engine against Python's Jinja2 (the library ansible-core uses),
// in the same run, on the distinct templates of the project's roles and of the conformance corpora.
// Each is compiled and rendered from scratch (Jinja2's from_string + render; our parse + evaluate,
// caches bypassed), then rendered again from the parsed tree; figures are per template.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Node } from '../runner/jinja/ast.js';
import { Environment, Frame } from '../runner/jinja/frame.js';
import { normalizeSource, tokenize } from '../runner/jinja/lexer.js';
import { Parser } from '../runner/jinja/parser.js';
import { joinOutput, renderTemplate } from '../runner/jinja/statements.js';
import { library } from '../runner/jinja/templar.js';

const root = join(import.meta.dirname, '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);

/** Every string holding {{ or {% in the roles' YAML, and the conformance corpora's templates. */
function corpus(): { templates: string[]; vars: Record<string, unknown> } {
  const found = new Set<string>();
  const walk = (value: unknown) => {
    if (typeof value === 'string' && /\{\{|\{%/.test(value)) found.add(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  for (const entry of readdirSync(join(root, 'roles'), { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && /\.ya?ml$/.test(entry.name)) walk(parse(readFileSync(join(entry.parentPath, entry.name), 'utf8')));
  }
  const ansible = parse(readFileSync(join(root, 'runner/jinja/conformance/ansible-cases.yaml'), 'utf8'));
  for (const c of ansible.cases) found.add(c.template);
  return { templates: [...found], vars: ansible.vars };
}

const env = new Environment(library, { trimBlocks: true });
const compile = (text: string): Node[] => new Parser(tokenize(normalizeSource(text), env.lex)).parseTemplate();
const render = (body: Node[], scope: object) => {
  const out: unknown[] = [];
  try {
    renderTemplate({ body, source: '' }, new Frame(env, scope), out);
    return joinOutput(out);
  } catch {
    return undefined; // a role's template whose variables this corpus does not give: timed all the same
  }
};

function ours(templates: string[], vars: Record<string, unknown>) {
  const parsed = templates.map((text) => {
    try {
      return compile(text);
    } catch {
      return undefined;
    }
  });
  const usable = templates.filter((_, i) => parsed[i] !== undefined);
  const trees = parsed.filter((tree): tree is Node[] => tree !== undefined);
  let started = process.hrtime.bigint();
  for (let round = 0; round < ROUNDS; round++) for (const text of usable) render(compile(text), vars);
  const cold = Number(process.hrtime.bigint() - started) / 1e3 / ROUNDS / usable.length;
  started = process.hrtime.bigint();
  for (let round = 0; round < ROUNDS; round++) for (const tree of trees) render(tree, vars);
  const warm = Number(process.hrtime.bigint() - started) / 1e3 / ROUNDS / trees.length;
  return { cold, warm, count: usable.length };
}

const PYTHON = `
import json, sys, time, jinja2
data = json.load(sys.stdin)
env = jinja2.Environment(trim_blocks=True)
def render(t):
    try:
        return t.render(data['vars'])
    except Exception:
        return None
def usable(text):
    try:
        return env.from_string(text).render(data['vars']) is not None
    except Exception:
        return False
templates = [text for text in data['templates'] if usable(text)]
rounds = data['rounds']
start = time.perf_counter()
for _ in range(rounds):
    for text in templates:
        render(env.from_string(text))
cold = (time.perf_counter() - start) * 1e6 / rounds / len(templates)
compiled = [env.from_string(text) for text in templates]
start = time.perf_counter()
for _ in range(rounds):
    for t in compiled:
        render(t)
warm = (time.perf_counter() - start) * 1e6 / rounds / len(templates)
print(json.dumps({'cold': cold, 'warm': warm, 'templates': templates, 'version': jinja2.__version__}))
`;

function jinja2(templates: string[], vars: Record<string, unknown>) {
  // Jinja2 caches compiled templates by source: a fresh environment per round would be needed to defeat it; from_string does not cache.
  const rounds = Math.max(1, Math.floor(ROUNDS / 10));
  const result = spawnSync('python3', ['-c', PYTHON], { input: JSON.stringify({ templates, vars, rounds }), encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  return JSON.parse(result.stdout) as { cold: number; warm: number; templates: string[]; version: string };
}

const { templates, vars } = corpus();
const fmt = (us: number) => `${us.toFixed(1)} µs`;
console.log(`${templates.length} distinct templates (roles and conformance corpora), ${ROUNDS} rounds`);
const all = ours(templates, vars);
console.log(`this engine, all of them: parse + render ${fmt(all.cold)}, render ${fmt(all.warm)} (${all.count} parsed)`);
// Both engines on the same set: what plain Jinja2 compiles and renders without error (Ansible's filters left out).
const theirs = jinja2(templates, vars);
if (theirs) {
  const mine = ours(theirs.templates, vars);
  console.log(`on the ${theirs.templates.length} templates plain Jinja2 renders:`);
  console.log(`  this engine:  parse + render ${fmt(mine.cold)}, render ${fmt(mine.warm)}`);
  console.log(`  Jinja2 ${theirs.version}: compile + render ${fmt(theirs.cold)}, render ${fmt(theirs.warm)}`);
  console.log(`  ratio (Jinja2 / this engine): parse + render ${(theirs.cold / mine.cold).toFixed(1)}x, render alone ${(theirs.warm / mine.warm).toFixed(1)}x`);
} else console.log('Jinja2: python3 with jinja2 not found, no comparison');
