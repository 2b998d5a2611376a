import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { DockerfileParser } from 'dockerfile-ast';
import { Job } from 'kubernetes-models/batch/v1';
import { parse } from 'yaml';

// fleet/job.yaml as kubectl reads it (YAML 1.1: 0440 is octal), against the Kubernetes schema.
const ROOT = join(import.meta.dirname, '..');
const manifest = parse(readFileSync(join(ROOT, 'fleet', 'job.yaml'), 'utf8'), { version: '1.1' });

test('the fleet Job is a valid batch/v1 Job whose pods each run one shard, N the same everywhere', (t) => {
  t.notThrows(() => new Job(manifest).validate());
  const spec = manifest.spec;
  t.is(spec.completionMode, 'Indexed');
  t.is(spec.parallelism, spec.completions);
  const container = spec.template.spec.containers[0];
  t.true(container.args.includes(`--shard=$(SHARD_INDEX)/${spec.completions}`), 'the shard count is the number of completions');
  t.true(container.args.includes('--json'), 'each pod logs the events recap merges');
  const index = container.env.find((e: { name: string }) => e.name === 'SHARD_INDEX');
  t.is(index.valueFrom.fieldRef.fieldPath, "metadata.annotations['batch.kubernetes.io/job-completion-index']");
});

test('the fleet Job keeps its secrets to itself: non-root, no service account token, secrets readable by its group only', (t) => {
  const pod = manifest.spec.template.spec;
  t.is(pod.automountServiceAccountToken, false);
  t.true(pod.securityContext.runAsNonRoot);
  const secrets = pod.volumes.filter((v: { secret?: object }) => v.secret);
  t.deepEqual(
    secrets.map((v: { secret: { secretName: string } }) => v.secret.secretName),
    ['run-playbook-inventory', 'run-playbook-ssh'],
  );
  for (const volume of secrets) t.is(volume.secret.defaultMode, 0o440, `${volume.name}: owner root, group fsGroup (the runner), no one else`);
  t.true(pod.containers[0].volumeMounts.every((m: { readOnly?: boolean; name: string }) => m.readOnly || m.name === 'tmp'));
});

test("the image the Job runs is the Dockerfile's runner stage, whose entry point is the CLI", (t) => {
  const dockerfile = DockerfileParser.parse(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  const runner = dockerfile.getFROMs().find((from) => from.getBuildStage() === 'runner');
  t.truthy(runner, 'docker build --target runner');
  const entry = dockerfile
    .getInstructions()
    .filter((i) => i.getKeyword() === 'ENTRYPOINT')
    .map((i) => i.getArgumentsContent());
  t.deepEqual(entry, ['["node", "/opt/k3s-playbook/dist/cli.js"]']);
  t.regex(readFileSync(join(ROOT, 'docs', 'fleet.md'), 'utf8'), /docker build --target runner/);
});
