import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { DockerfileParser } from 'dockerfile-ast';

// No Docker engine runs here: the Dockerfile is checked by parsing it, and the file it ships is run
// the way its CMD and HEALTHCHECK run it.
const ROOT = join(import.meta.dirname, '..');
const dockerfile = DockerfileParser.parse(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const stages = dockerfile.getFROMs();
const runtime = stages.at(-1)!;
const inRuntime = (keyword: string) =>
  dockerfile.getInstructions().filter((i) => i.getKeyword() === keyword && i.getRange().start.line > runtime.getRange().start.line);

test('multi-stage, base images pinned, the runtime stage small and non-root', (t) => {
  t.true(stages.length >= 2);
  for (const from of stages) {
    t.truthy(from.getImageTag(), `${from.getImageName()} has a tag`);
    t.not(from.getImageTag(), 'latest');
  }
  t.regex(runtime.getImageTag()!, /alpine|slim|distroless/);
  const users = inRuntime('USER').map((u) => u.getArgumentsContent());
  t.deepEqual(users, ['node']);
  t.notRegex(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'), /\bapt-get install\b(?!.*--no-install-recommends)/);
});

test('HEALTHCHECK and CMD in exec form; EXPOSE is the service default port', (t) => {
  const health = inRuntime('HEALTHCHECK')[0];
  t.truthy(health);
  t.regex(health.getArgumentsContent()!, /CMD \["node", "-e"/);
  t.regex(inRuntime('CMD')[0].getArgumentsContent()!, /^\["node", "service.mjs"\]$/);
  t.deepEqual(
    inRuntime('EXPOSE').map((e) => e.getArgumentsContent()),
    ['8080'],
  );
});

test('COPY sources exist, --from names a stage, and .dockerignore keeps the context small', (t) => {
  const names = stages.map((s) => s.getBuildStage());
  for (const copy of dockerfile.getCOPYs()) {
    const from = copy
      .getFlags()
      .find((flag) => flag.getName() === 'from')
      ?.getValue();
    if (from) t.true(names.includes(from), `stage ${from} exists`);
    else for (const source of copy.getArguments().slice(0, -1)) t.true(existsSync(join(ROOT, source.getValue())), `${source.getValue()} exists`);
  }
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
  for (const entry of ['node_modules', 'dist', '.git']) t.true(ignored.includes(entry));
  t.regex(
    readFileSync(join(ROOT, 'scripts', 'build.mjs'), 'utf8'),
    /outfile: join\(root, 'dist', 'service\.mjs'\)/,
    'the build makes the file the image copies',
  );
});

test('the shipped file serves, and the HEALTHCHECK command passes against it', async (t) => {
  const server = spawn('node', [join(ROOT, 'dist', 'service.mjs')], {
    env: { ...process.env, PORT: '18093', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.teardown(() => server.kill('SIGTERM'));
  await new Promise<void>((resolve) => server.stdout!.on('data', (chunk) => String(chunk).includes('listening') && resolve()));
  const health = inRuntime('HEALTHCHECK')[0].getArgumentsContent()!;
  const script = JSON.parse(health.slice(health.indexOf('CMD') + 4))[2];
  await t.notThrowsAsync(promisify(execFile)('node', ['-e', script], { env: { ...process.env, PORT: '18093' } }));
  const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
  server.kill('SIGTERM');
  t.is(await exited, 0, 'SIGTERM ends it cleanly');
});
