// The build after tsc: JSON Schema validators generated ahead of time by Ajv, and the CLI bundled
// (dist/cli.js, the engine in dist/cli-chunks/ loaded past the options). All only make startup
// faster: loading ~400 module files and compiling the schemas took 0.2 s of every run.
import { chmod, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaDir = join(root, 'dist', 'runner', 'schema');
const { createAjv, FILE_SCHEMAS } = await import(join(schemaDir, 'validators.js'));
const { moduleSchemas } = await import(join(root, 'dist', 'runner', 'modules', 'arguments.js'));

const catalog = { ...FILE_SCHEMAS, ...moduleSchemas() };
const names = Object.keys(catalog);
const ajv = createAjv(catalog, { code: { source: true, esm: true } });
const code = standaloneCode(ajv, Object.fromEntries(names.map((name) => [name, name])));
await writeFile(
  join(schemaDir, 'validators.standalone.js'),
  `${code}\nconst all = { ${names.join(', ')} };\nexport function getValidator(name) {\n  const validate = all[name];\n  if (!validate) throw new Error('no schema named ' + name);\n  return validate;\n}\n`,
);

const precompiledValidators = {
  name: 'precompiled-validators',
  setup(plugin) {
    plugin.onResolve({ filter: /validators\.js$/ }, (args) =>
      resolve(args.resolveDir, args.path) === join(schemaDir, 'validators.js') ? { path: join(schemaDir, 'validators.standalone.js') } : undefined,
    );
  },
};

const requireBanner = "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);";

// Split at the dynamic import of the engine: --help and option errors load only the small entry.
// Whitespace and syntax are minified (V8 parses a third less), names are kept for stack traces.
const cli = await build({
  entryPoints: { cli: join(root, 'dist', 'runner', 'cli', 'main.js') },
  outdir: join(root, 'dist'),
  chunkNames: 'cli-chunks/[name]-[hash]',
  metafile: true,
  splitting: true,
  minifyWhitespace: true,
  minifySyntax: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // ssh2 loads its optional native crypto binding with require(); keep it a real package.
  external: ['ssh2', 'cpu-features'],
  banner: { js: `#!/usr/bin/env node\n${requireBanner}` },
  plugins: [precompiledValidators],
  logLevel: 'warning',
});
// Chunks of earlier builds go after the new ones are written: a run started meanwhile (npx rebuilds
// the project when its files change) still finds the chunks it loads.
const written = new Set(Object.keys(cli.metafile.outputs).map((file) => resolve(file)));
const chunks = join(root, 'dist', 'cli-chunks');
for (const name of await readdir(chunks)) if (!written.has(join(chunks, name))) await rm(join(chunks, name));

// The stress service as one file: all the container image needs besides Node.js.
await build({
  entryPoints: [join(root, 'dist', 'service', 'main.js')],
  outfile: join(root, 'dist', 'service.mjs'),
  bundle: true,
  minify: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: { js: requireBanner },
  logLevel: 'warning',
});
await chmod(join(root, 'dist', 'cli.js'), 0o755);
// The app role's default delivery: the bundle, compressed, in a ConfigMap (which holds at most 1 MiB).
await writeFile(join(root, 'dist', 'service.mjs.gz'), gzipSync(await readFile(join(root, 'dist', 'service.mjs')), { level: 9 }));
