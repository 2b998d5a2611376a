// Writes the key tree of a pinned chart's default values into test/roles/chart-keys/, for the test
// that checks every monitoring value key exists in the chart (Helm silently ignores a misspelt key).
// The tests read only these files, so they pass from a clone of the repository alone.
//   npx tsx scripts/chart-keys.ts CHART_DIR...   (a directory holding the chart's Chart.yaml and values.yaml)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

type KeyTree = { [key: string]: KeyTree | true };

/** The mapping keys of a values file, nested as in the file; anything that is not a mapping is a leaf. */
function keyTree(value: unknown): KeyTree | true {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return true;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, keyTree(item)]));
}

const OUT = join(import.meta.dirname, '..', 'test', 'roles', 'chart-keys');
for (const dir of process.argv.slice(2)) {
  const chart = parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) as { name: string; version: string };
  const keys = keyTree(parse(readFileSync(join(dir, 'values.yaml'), 'utf8')));
  writeFileSync(join(OUT, `${chart.name}.json`), `${JSON.stringify({ chart: chart.name, version: chart.version, keys }, null, 1)}\n`);
  console.log(`${chart.name} ${chart.version}: ${join(OUT, `${chart.name}.json`)}`);
}
