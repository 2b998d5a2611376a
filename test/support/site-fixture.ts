import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { serveDirectory } from './http-fixture.js';
import type { Lab } from './lab.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

export const CHART_VERSION = (parse(readFileSync(join(ROOT, 'roles', 'monitoring', 'defaults', 'main.yaml'), 'utf8')) as { kps_chart_version: string })
  .kps_chart_version;

/** A chart repository's index.yaml listing these versions of kube-prometheus-stack. */
export const chartIndex = (versions: string[]) =>
  stringify({
    apiVersion: 'v1',
    entries: {
      'kube-prometheus-stack': versions.map((version) => ({ name: 'kube-prometheus-stack', version, urls: [`kube-prometheus-stack-${version}.tgz`] })),
    },
  });

/**
 * What site.yaml needs on the lab, where hosts have no internet: TEST DOUBLES of K3s and Helm
 * (test/doubles) installed by the roles' offline path, and an HTTP server on the lab bridge with
 * the Helm "release", the chart index and the metrics-server manifest. Writes WORK/lab-vars.yaml.
 */
export async function prepareSiteFixture(lab: Lab, work: string) {
  // The Helm "release" the helm role downloads: a tarball like get.helm.sh's, holding the double.
  await mkdir(join(work, 'served', 'linux-amd64'), { recursive: true });
  await copyFile(join(ROOT, 'test', 'doubles', 'k3s'), join(work, 'served', 'linux-amd64', 'helm'));
  await run('tar', ['-czf', 'helm-v3.16.4-linux-amd64.tar.gz', 'linux-amd64'], { cwd: join(work, 'served') });
  const sha = createHash('sha256')
    .update(await readFile(join(work, 'served', 'helm-v3.16.4-linux-amd64.tar.gz')))
    .digest('hex');
  // K3s' images archive, as an air-gapped install ships it (the double imports no images).
  await writeFile(join(work, 'k3s-airgap-images-amd64.tar.zst'), 'images\n');
  await writeFile(
    join(work, 'served', 'metrics-server.yaml'),
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: metrics-server, namespace: kube-system, labels: { from: manifest } }\n',
  );
  // The chart repository Helm reads: an index.yaml with the pinned chart version.
  await mkdir(join(work, 'served', 'charts'));
  await writeFile(join(work, 'served', 'charts', 'index.yaml'), chartIndex([CHART_VERSION]));
  const fixture = await serveDirectory(join(work, 'served'), lab.controllerIp);
  const varsFile = join(work, 'lab-vars.yaml');
  await writeFile(
    varsFile,
    [
      'k3s_install_source: offline',
      `k3s_offline_binary: ${ROOT}/test/doubles/k3s`,
      `k3s_offline_installer: ${ROOT}/test/doubles/install.sh`,
      `k3s_offline_images: ${work}/k3s-airgap-images-amd64.tar.zst`,
      `helm_download_url: ${fixture.url}`,
      `helm_checksums: { amd64: ${sha} }`,
      `kubeconfig_controller_path: ${work}/kubeconfig`,
      `backup_dir: ${work}/backups`,
      `helm_repos: [{ name: prometheus-community, url: "${fixture.url}/charts" }]`,
      // K3s without its metrics-server: the app role installs it from the manifest (served here).
      'k3s_server_extra_config: { disable: [metrics-server] }',
      `metrics_server_manifest_url: ${fixture.url}/metrics-server.yaml`,
      // The lab hosts share this machine's kernel: a module built into every kernel (it is under
      // /sys/module already), so os-prep loads nothing, yet writes its boot file.
      'os_prep_kernel_modules: [printk]',
      'k3s_join_retries: 10',
    ].join('\n'),
  );
  return { fixture, varsFile };
}

/** A copy of the K3s double that says it is another K3s release (an upgrade's new binary). */
export async function doubleOfVersion(work: string, version: string): Promise<string> {
  const path = join(work, `k3s-${version}`);
  const text = await readFile(join(ROOT, 'test', 'doubles', 'k3s'), 'utf8');
  await writeFile(path, text.replace(/^VERSION = ".*"$/m, `VERSION = "${version}"`), { mode: 0o755 });
  return path;
}
