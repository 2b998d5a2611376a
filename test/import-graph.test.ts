// Layers import only layers below them: a cycle between files means two concepts cannot be read,
// tested or loaded apart (validating an inventory used to load every module).
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Each file's relative imports (type-only ones too: they tie the files' meanings together). */
export function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  return new Map(
    files.map((file) => {
      const imported = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((i) => i.fileName);
      const local = imported.filter((name) => name.startsWith('.')).map((name) => resolve(dirname(file), name.replace(/\.js$/, '.ts')));
      return [file, local.filter((path) => known.has(path))];
    }),
  );
}

/** Every cycle's files, found as the strongly connected components (Tarjan) with more than one file. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    order.set(file, counter);
    low.set(file, counter++);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!order.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file)!, order.get(next)!));
    }
    if (low.get(file) !== order.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file)?.includes(file)) found.push(component.sort());
  };
  for (const file of graph.keys()) if (!order.has(file)) visit(file);
  return found;
}

test('the cycle finder finds a cycle of three files and none in a chain', (t) => {
  const graph = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['a']],
  ]);
  t.deepEqual(cycles(graph), [['a', 'b', 'c']]);
  t.deepEqual(
    cycles(
      new Map([
        ['a', ['b']],
        ['b', ['c']],
        ['c', []],
      ]),
    ),
    [],
  );
});

/** The runner's layers, lowest first: a file imports from its own layer or those before it. */
const LAYERS = [
  'errors',
  'shell',
  'text',
  'yaml',
  'jinja',
  'template',
  'vars',
  'conditions',
  'schema',
  'facts',
  'inventory',
  'connection',
  'modules',
  'playbook',
  'executor',
  'reporters',
  'cli',
];

test("the runner's layers import only the layers below them", (t) => {
  const runner = join(root, 'runner');
  const layerOf = (file: string) => relative(runner, file).split('/')[0].replace(/\.ts$/, '');
  const graph = importGraph(sourceFiles(runner));
  t.deepEqual(
    [...new Set([...graph.keys()].map(layerOf))].filter((layer) => !LAYERS.includes(layer)),
    [],
    'every folder of runner/ has its place in LAYERS',
  );
  const upward = [...graph].flatMap(([file, imports]) =>
    imports
      .filter((target) => LAYERS.indexOf(layerOf(target)) > LAYERS.indexOf(layerOf(file)))
      .map((target) => `${relative(root, file)} -> ${relative(root, target)}`),
  );
  t.deepEqual(upward, []);
});

for (const dir of ['runner', 'service']) {
  test(`no file under ${dir}/ imports itself through others`, (t) => {
    const found = cycles(importGraph(sourceFiles(join(root, dir))));
    t.deepEqual(
      found.map((files) => files.map((file) => relative(root, file))),
      [],
    );
  });
}
