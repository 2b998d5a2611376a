import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import test from 'ava';
import { parse } from 'yaml';
import { chartIndex, CHART_VERSION, prepareSiteFixture } from '../support/site-fixture.js';
import { runCaptured } from '../support/proc.js';
import { startLab, type Lab } from '../support/lab.js';
import type { RunEvent } from '../../runner/executor/events.js';
import { failures, hostResults, recapOf, runCli, runJson } from '../support/workspace.js';

// site.yaml on the lab (h1 master, h2 and h3 workers) with TEST DOUBLES of K3s and Helm
// (test/doubles), installed by the roles' own offline path. No real K3s runs here.
const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);
let lab: Lab;
let work: string;
let fixture: Awaited<ReturnType<typeof prepareSiteFixture>>['fixture'];
let vars: string[];

test.before(async () => {
  if (!existsSync('/sys/module/printk')) throw new Error('this kernel has no /sys/module/printk, which the boot-module test uses');
  lab = await startLab('itsite', 3);
  // Ubuntu hosts often run ufw: h1 and h2 do here (SSH allowed, all else dropped); h3 does not.
  for (const n of [1, 2]) await lab.exec(n, 'sh', '-c', 'ufw allow 22/tcp >/dev/null && ufw --force enable >/dev/null');
  // Some installers leave a hostname in upper case; K3s names the node in lower case (h3-worker).
  await lab.exec(3, 'sh', '-c', 'hostname H3-Worker && echo "127.0.1.1 H3-Worker" >> /etc/hosts');
  work = await mkdtemp(join(tmpdir(), 'k3s-playbook-site-'));
  ({ fixture } = await prepareSiteFixture(lab, work));
  vars = ['-i', lab.inventory, '-e', `@${join(work, 'lab-vars.yaml')}`];
});

test.after.always(async () => {
  await fixture?.close();
  await lab?.stop();
  await rm(work, { recursive: true, force: true });
});

const ufwRules = async (n: number) =>
  (await lab.exec(n, 'ufw', 'status'))
    .split('\n')
    .filter((line) => / ALLOW /.test(line) && !/\(v6\)/.test(line))
    .map((line) =>
      line
        .replace(/\s+ALLOW\s+Anywhere\s*/, ' ')
        .replace(/^Anywhere\s+ALLOW\s+(\S+)\s*/, 'from $1 ')
        .trim(),
    );
/** The monitoring releases as Helm lists them on the master. */
const monitoringReleases = async (): Promise<Array<{ chart: string; status: string }>> =>
  JSON.parse(await lab.exec(1, 'helm', '--kubeconfig', '/etc/rancher/k3s/k3s.yaml', '-n', 'monitoring', 'list', '-o', 'json'));
const site = (...args: string[]) => runJson(ROOT, ['site.yaml', ...vars, ...args]);
const changedTasks = (events: RunEvent[]) =>
  hostResults(events)
    .filter((e) => e.status === 'changed')
    .map((e) => `${e.host}: ${e.task}`);

test.serial('check mode on bare hosts reports what would change and changes nothing', async (t) => {
  const before = await Promise.all([1, 2, 3].map(lab.changes));
  const check = await site('--check');
  t.deepEqual(failures(check.events), []);
  t.true(recapOf(check.events).h1.changed > 5);
  t.deepEqual(await Promise.all([1, 2, 3].map(lab.changes)), before);
  // The same with a Grafana password set: its Secret cannot be predicted before K3s is there, and must not fail.
  const withPassword = await site('--check', '-e', 'grafana_admin_password=Check-Mode-Pass-1234');
  t.is(withPassword.code, 0, failures(withPassword.events).join('\n'));
  t.deepEqual(await Promise.all([1, 2, 3].map(lab.changes)), before);
});

test.serial('a name instead of an IP address in ansible_host is refused before anything changes (K3s needs an IP as node-ip)', async (t) => {
  // A ~/.ssh/config alias reaches the host, but cannot be K3s' node-ip.
  const home = join(work, 'alias-home');
  await mkdir(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  await writeFile(join(home, '.ssh', 'config'), `Host lab-worker\n  HostName ${lab.hostIp(3)}\n`);
  const inventory = join(work, 'alias-inventory.yaml');
  await writeFile(inventory, (await readFile(lab.inventory, 'utf8')).replace(`ansible_host: ${lab.hostIp(3)}`, 'ansible_host: lab-worker'));
  const before = await lab.changes(3);
  const run = await runCaptured(
    'node',
    [join(ROOT, 'dist', 'cli.js'), 'site.yaml', '-i', inventory, '-e', `@${join(work, 'lab-vars.yaml')}`, '--limit', 'h3'],
    { cwd: ROOT, env: { ...process.env, HOME: home, CI: 'true' } },
  );
  t.is(run.code, 2, run.stdout);
  t.regex(run.stdout, /h3: ansible_host 'lab-worker' is not an IP address, and K3s needs one as the node's address \(node-ip\)/);
  t.deepEqual(await lab.changes(3), before, 'nothing changed on the host');
});

test.serial('site.yaml converges: nodes Ready, app on every node, Grafana and Prometheus, kubeconfigs', async (t) => {
  const first = await site();
  t.is(first.code, 0, failures(first.events).join('\n') + first.err);
  for (const n of [1, 2, 3])
    t.is(await lab.exec(n, 'stat', '-c', '%a', '/etc/rancher/k3s/config.yaml'), '600\n', 'the config (with the token on workers) is private');
  t.is(await lab.exec(1, 'stat', '-c', '%a %U', '/root/.kube/config'), '600 root\n');
  const metricsServer = await lab.exec(
    1,
    'k3s',
    'kubectl',
    '-n',
    'kube-system',
    'get',
    'deployment',
    'metrics-server',
    '-o',
    'jsonpath={.metadata.labels.from}',
  );
  t.is(metricsServer, '"manifest"', "K3s' metrics-server is disabled: the app role installed it from the manifest");
  for (const n of [1, 2, 3]) {
    t.is(await lab.exec(n, 'cat', '/etc/modules-load.d/k3s-playbook.conf'), 'printk\n', 'kernel modules loaded at boot');
    t.is(await lab.exec(n, 'cat', '/var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst'), 'images\n', "K3s' images archive");
  }
  t.regex(await lab.exec(1, 'cat', '/root/.bashrc'), /^export KUBECONFIG=\$HOME\/\.kube\/config$/m);
  const token = (await lab.exec(1, 'cat', '/var/lib/rancher/k3s/server/node-token')).trim();
  t.true((await lab.exec(2, 'cat', '/etc/rancher/k3s/config.yaml')).includes(token), "the worker joined with the master's token");
  t.false(JSON.stringify(first.events).includes(token) || first.err.includes(token), 'the token appears in no output');
  const kubeconfig = parse(await readFile(join(work, 'kubeconfig'), 'utf8'));
  t.is(kubeconfig['current-context'], 'k3s-playbook');
  t.is(kubeconfig.clusters[0].cluster.server, `https://${lab.hostIp(1)}:6443`);
  t.is(((await stat(join(work, 'kubeconfig'))).mode & 0o777).toString(8), '600');
  t.true(hostResults(first.events).some((e) => /every inventory host is a Ready node/.test(e.task) && e.status === 'ok'));
  t.regex(await lab.exec(1, 'k3s', 'kubectl', 'get', 'nodes'), /^h3-worker Ready /m, "the upper-case hostname's node, by K3s' lower-case name");
  // Through the active firewalls: h2 joined h1 on 6443/tcp and the app answered on h2's NodePort.
  // As K3s documents for ufw: its ports, node-exporter's 9100, and all traffic from the pod and service networks.
  const nodeRules = ['8472/udp', '10250/tcp', '9100/tcp', '30080/tcp', '30090/tcp', '30100/tcp', 'from 10.42.0.0/16', 'from 10.43.0.0/16'];
  t.deepEqual(await ufwRules(1), ['22/tcp', ...['6443/tcp', ...nodeRules].map((rule) => `${rule} # k3s-playbook`)]);
  t.deepEqual(await ufwRules(2), ['22/tcp', ...nodeRules.map((rule) => `${rule} # k3s-playbook`)]);
  t.regex(await lab.exec(3, 'ufw', 'status'), /^Status: inactive/, 'no firewall was turned on where there was none');
});

test.serial('the second run changes nothing and restarts nothing', async (t) => {
  const started = (n: number, unit: string) => lab.exec(n, 'systemctl', 'show', '-p', 'ActiveEnterTimestampMonotonic', unit);
  const before = [await started(1, 'k3s'), await started(2, 'k3s-agent')];
  const second = await site();
  t.is(second.code, 0, second.err);
  t.deepEqual(changedTasks(second.events), []);
  t.deepEqual([await started(1, 'k3s'), await started(2, 'k3s-agent')], before);
});

test.serial("a restarted K3s keeps the metrics-server the app role applied (disable removes only K3s' own copy); a re-run changes nothing", async (t) => {
  await lab.exec(1, 'systemctl', 'restart', 'k3s');
  const origin = await lab.exec(1, 'k3s', 'kubectl', '-n', 'kube-system', 'get', 'deployment', 'metrics-server', '-o', 'jsonpath={.metadata.labels.from}');
  t.is(origin, '"manifest"');
  const again = await site('--role', 'app');
  t.is(again.code, 0, failures(again.events).join('\n'));
  t.deepEqual(changedTasks(again.events), []);
});

test.serial('a full run with -v shows the cluster name and paths, never the token or the password', async (t) => {
  const password = 'Verbose-Grafana-Pass-7310';
  const verbose = await runCli(ROOT, ['site.yaml', ...vars, '-v', '-e', `grafana_admin_password=${password}`]);
  t.is(verbose.code, 0, verbose.out.slice(-2000));
  const output = verbose.out + verbose.err;
  const token = (await lab.exec(1, 'cat', '/var/lib/rancher/k3s/server/node-token')).trim();
  t.false(output.includes(token) || output.includes(token.split('::server:')[1]), 'no token');
  t.false(output.includes(password), 'no password');
  t.regex(output, /context k3s-playbook in your kubeconfig/);
  t.regex(output, /\/var\/lib\/k3s-playbook\/app/, 'the app directory, unmasked, in a -v result');
  t.notRegex(output, /\/var\/lib\/\*{8}|\*{8} in your kubeconfig/, 'nothing ordinary is masked');
});

test.serial('--role app runs that role alone on a converged cluster', async (t) => {
  const app = await site('--role', 'app');
  t.is(app.code, 0, app.err);
  const roles = new Set(app.events.flatMap((e) => (e.type === 'task.start' && e.name !== 'Gathering Facts' ? [e.role] : [])));
  t.deepEqual([...roles], ['cluster', 'app'], 'its dependency (cluster) adds only its inventory check');
  t.deepEqual(changedTasks(app.events), []);
});

test.serial('after the HPA scaled the app, a re-run keeps its scale and changes nothing', async (t) => {
  const kubectl = (...args: string[]) => lab.exec(1, 'k3s', 'kubectl', '-n', 'default', ...args);
  await kubectl('scale', 'deployment', 'stress', '--replicas=3');
  const again = await site('--role', 'app');
  t.is(again.code, 0, failures(again.events).join('\n'));
  t.deepEqual(changedTasks(again.events), []);
  t.is(await kubectl('get', 'deployment', 'stress', '-o', 'jsonpath={.spec.replicas}'), '3', 'the HPA keeps the replicas it chose');
});

test.serial("kubectl's grammar: TYPE NAME and TYPE/NAME in any of the type's names; other forms answered as kubectl answers them", async (t) => {
  const kubectl = (...args: string[]) => lab.exec(1, 'sh', '-c', `k3s kubectl -n default ${args.join(' ')} 2>&1; echo "exit $?"`);
  t.is(await kubectl('scale', 'deploy', 'stress', '--replicas', '3'), 'deployment.apps/stress scaled\nexit 0\n');
  t.is(await kubectl('get', 'deployments.apps/stress', '-o', 'name'), 'deployment.apps/stress\nexit 0\n');
  t.is(await kubectl('get', 'Deployment', 'stress', '-o', 'jsonpath={.spec.replicas}'), '3exit 0\n');
  t.is(await kubectl('rollout', 'status', 'deployment', 'stress'), 'deployment "stress" successfully rolled out\nexit 0\n');
  t.is(await kubectl('get', 'node', 'h1', '-o', "'jsonpath={.metadata.name}'"), 'h1exit 0\n');
  const refused: Array<[string[], RegExp]> = [
    [['scale', 'deployment', '--replicas=3'], /^error: resource\(s\) were provided, but no name was specified$/],
    [['scale', 'deployment', 'stress'], /^error: required flag\(s\) "replicas" not set$/],
    [['get'], /^You must specify the type of resource to get\. [^]*error: Required resource not specified\./],
    [['get', 'deployment', 'deployment/stress'], /^error: there is no need to specify a resource type as a separate argument/],
    [['get', 'deployment/stress/x'], /^error: arguments in resource\/name form may not have more than one slash$/],
    [['get', 'widgets', 'stress'], /^error: the server doesn't have a resource type "widgets"$/],
    [['delete', 'deployment', 'nosuch'], /^Error from server \(NotFound\): deployments\.apps "nosuch" not found$/],
    [['rollout', 'status'], /^error: required resource not specified$/],
  ];
  for (const [args, message] of refused) {
    const answer = await kubectl(...args);
    t.regex(answer, /\nexit 1\n$/, `kubectl ${args.join(' ')} exits 1`);
    t.regex(answer.replace(/\nexit 1\n$/, ''), message, `kubectl ${args.join(' ')}: ${answer}`);
    t.notRegex(answer, /Traceback/);
  }
});

test.serial(
  'kubernetes.core modules as Ansible content writes them: k8s present, patched and absent, k8s_info, helm absent, helm_repository, helm_info, k8s_scale, k8s_drain',
  async (t) => {
    const playbook = join(work, 'k8s.yaml');
    const configMap = (data: string) => `{ apiVersion: v1, kind: ConfigMap, metadata: { name: greeting, namespace: default }, data: { text: ${data} } }`;
    await writeFile(
      playbook,
      `- hosts: master
  gather_facts: false
  tasks:
    - { name: made, kubernetes.core.k8s: { definition: ${configMap('hello')} }, register: made }
    - { name: made again, kubernetes.core.k8s: { definition: ${configMap('hello')} }, register: again }
    - { name: patched, kubernetes.core.k8s: { state: patched, definition: ${configMap('bye')} }, register: patched }
    - name: read
      kubernetes.core.k8s_info: { kind: ConfigMap, namespace: default, name: greeting }
      register: read
    - { name: a missing one is not patched, kubernetes.core.k8s: { state: patched, definition: ${configMap('x').replace('greeting', 'nobody')} }, register: skipped }
    - { name: removed, kubernetes.core.k8s: { state: absent, kind: ConfigMap, name: greeting, namespace: default }, register: removed }
    - { name: removed again, kubernetes.core.k8s: { state: absent, kind: ConfigMap, name: greeting, namespace: default }, register: gone }
    - name: an unknown kind
      kubernetes.core.k8s_info: { kind: Widget, api_version: example.net/v1 }
      register: unknown
    - { name: a release that is not there, kubernetes.core.helm: { release_name: nothing, release_namespace: default, state: absent }, register: no_release }
    - { name: a repository added, kubernetes.core.helm_repository: { name: extra, url: "{{ helm_repos[0].url }}", binary_path: /usr/local/bin/helm }, register: repo_added }
    - { name: added again, kubernetes.core.helm_repository: { name: extra, url: "{{ helm_repos[0].url }}/", binary_path: /usr/local/bin/helm }, register: repo_again }
    - name: elsewhere, without force_update
      kubernetes.core.helm_repository: { name: extra, url: "http://charts.example.invalid", binary_path: /usr/local/bin/helm }
      register: repo_moved
      ignore_errors: true
    - { name: removed, kubernetes.core.helm_repository: { name: extra, state: absent, binary_path: /usr/local/bin/helm }, register: repo_removed }
    - name: the monitoring release
      kubernetes.core.helm_info: { release_name: prometheus, release_namespace: monitoring, binary_path: /usr/local/bin/helm }
      register: release
    - name: a Deployment to scale
      kubernetes.core.k8s:
        definition: { apiVersion: apps/v1, kind: Deployment, metadata: { name: scaled, namespace: default }, spec: { replicas: 1, template: { spec: { containers: [{ name: c, image: busybox }] } } } }
    - { name: scaled, kubernetes.core.k8s_scale: { kind: Deployment, name: scaled, namespace: default, replicas: 2 }, register: scaled }
    - { name: scaled again, kubernetes.core.k8s_scale: { kind: Deployment, name: scaled, namespace: default, replicas: 2 }, register: scaled_again }
    - { name: replicas read, kubernetes.core.k8s_info: { kind: Deployment, api_version: apps/v1, name: scaled, namespace: default }, register: scaled_read }
    - { name: cordoned, kubernetes.core.k8s_drain: { name: h3-worker, state: cordon }, register: cordoned }
    - { name: cordoned again, kubernetes.core.k8s_drain: { name: h3-worker, state: cordon }, register: cordoned_again }
    - { name: uncordoned, kubernetes.core.k8s_drain: { name: h3-worker, state: uncordon }, register: uncordoned }
    - { name: the test Deployment removed, kubernetes.core.k8s: { state: absent, kind: Deployment, api_version: apps/v1, name: scaled, namespace: default } }
    - assert:
        that:
          - made is changed and made.result.data.text == 'hello'
          - again is not changed
          - patched is changed and read.resources | length == 1 and read.resources[0].data.text == 'bye'
          - skipped is not changed
          - removed is changed and gone is not changed
          - not unknown.api_found and unknown.resources == []
          - no_release is not changed
          - repo_added is changed and repo_again is not changed
          - repo_moved is failed and 'force_update' in repo_moved.msg
          - repo_removed is changed
          - release.status.status == 'deployed' and release.status.chart.startswith('kube-prometheus-stack-') and release.status['values'].grafana is defined
          - scaled is changed and scaled_again is not changed and scaled_read.resources[0].spec.replicas == 2
          - cordoned is changed and cordoned_again is not changed and uncordoned is changed
`,
    );
    const run = await runJson(ROOT, [playbook, ...vars]);
    t.is(run.code, 0, failures(run.events).join('\n'));
    t.true(hostResults(run.events).some((e) => e.module === 'assert' && e.status === 'ok'));
  },
);

test.serial('a new service bundle rolls out: the pod template names the ConfigMap of the new bundle', async (t) => {
  const volumes = async () =>
    JSON.parse(await lab.exec(1, 'k3s', 'kubectl', '-n', 'default', 'get', 'deployment', 'stress', '-o', 'jsonpath={.spec.template.spec.volumes}'));
  const codeMap = (list: Array<{ name: string; configMap?: { name: string } }>) => list.find((v) => v.name === 'code')?.configMap?.name;
  const before = codeMap(await volumes());
  t.regex(before ?? '', /^stress-code-[0-9a-f]{10}$/);
  const bundle = join(work, 'service-v2.mjs.gz');
  await writeFile(bundle, gzipSync('console.log("version 2 of the service");\n'));
  const rolled = await site('--role', 'app', '-e', `app_bundle=${bundle}`);
  t.is(rolled.code, 0, rolled.err);
  t.true(changedTasks(rolled.events).includes('h1: the app applied in place (changed only when kubectl diff shows a difference)'));
  const after = codeMap(await volumes());
  t.regex(after ?? '', /^stress-code-[0-9a-f]{10}$/);
  t.not(after, before, 'the pod template changed, so the Deployment rolls out');
  t.deepEqual(changedTasks((await site('--role', 'app', '-e', `app_bundle=${bundle}`)).events), []);
  await site('--role', 'app');
  t.is(codeMap(await volumes()), before, 'back to the built bundle');
});

test.serial('a Grafana admin password you set goes into its Secret and nowhere else', async (t) => {
  const chosen = 'Chosen-Grafana-Pass-4821';
  const set = await site('--role', 'monitoring', '-e', `grafana_admin_password=${chosen}`);
  t.is(set.code, 0, set.err);
  t.is(await lab.exec(1, 'sh', '-c', "k3s kubectl -n monitoring get secret grafana-admin -o jsonpath='{.data.admin-password}' | base64 -d"), chosen);
  t.false(`${set.out}${set.err}`.includes(chosen), 'not in any output or event');
  // Only the cluster's own datastore holds it: no file, log or journal on the master, no temp file.
  const holders = await run('sh', ['-c', `grep -rl ${chosen} ${lab.dir}/h1/upper || true`]);
  t.deepEqual(
    holders.stdout
      .split('\n')
      .filter(Boolean)
      .map((path) => path.slice(`${lab.dir}/h1/upper`.length)),
    ['/var/lib/rancher/k3s/server/db/state.db'],
    'only the (simulated) cluster datastore holds it',
  );
  t.is(await lab.exec(1, 'sh', '-c', `grep -rl ${chosen} /tmp /root /home /var/tmp /run 2>/dev/null || true`), '');
  // Grafana had started with a random password: its own database now has the chosen one too.
  const grafanaLogin = () => lab.exec(1, 'k3s', 'kubectl', '-n', 'monitoring', 'get', 'grafanaadmin', 'prometheus-grafana', '-o', 'jsonpath={.passwordSha256}');
  t.is(JSON.parse(await grafanaLogin()), createHash('sha256').update(chosen).digest('hex'), 'the login is the chosen password');
  const again = await site('--role', 'monitoring', '-e', `grafana_admin_password=${chosen}`);
  t.deepEqual(changedTasks(again.events), []);
});

test.serial('a chart version published after the repository was added is found: the index is refreshed first', async (t) => {
  const newer = '88.6.0';
  await writeFile(join(work, 'served', 'charts', 'index.yaml'), chartIndex([CHART_VERSION, newer]));
  t.teardown(() => writeFile(join(work, 'served', 'charts', 'index.yaml'), chartIndex([CHART_VERSION])));
  const upgrade = await site('--role', 'monitoring', '-e', `kps_chart_version=${newer}`);
  t.is(upgrade.code, 0, failures(upgrade.events).join('\n'));
  const release = hostResults(upgrade.events).find((e) => e.module === 'helm');
  t.regex(release?.msg ?? '', new RegExp(`${newer} is not in the cached chart index yet: it is refreshed first`));
  const listed = await monitoringReleases();
  t.is(listed[0]?.chart, `kube-prometheus-stack-${newer}`);
  // Back to the pinned version: already in the index, so no refresh.
  const back = await site('--role', 'monitoring');
  t.is(back.code, 0, failures(back.events).join('\n'));
  t.notRegex(hostResults(back.events).find((e) => e.module === 'helm')?.msg ?? '', /refreshed first/);
});

test.serial('a component no node can take fails the release after the wait; the next run deploys it', async (t) => {
  // A hostname selector as the seed writes it: upper case, while K3s names the node in lower case.
  const unplaced = await site(
    '--role',
    'monitoring',
    '-e',
    'kps_wait_timeout=2s',
    '-e',
    '{"kps_values": {"grafana": {"nodeSelector": {"kubernetes.io/hostname": "H1"}}}}',
  );
  t.is(unplaced.code, 2);
  t.regex(failures(unplaced.events).join('\n'), /UPGRADE FAILED: context deadline exceeded/);
  const status = async () => (await monitoringReleases())[0]?.status;
  t.is(await status(), 'failed');
  const again = await site('--role', 'monitoring');
  t.is(again.code, 0, failures(again.events).join('\n'));
  t.regex(hostResults(again.events).find((e) => e.module === 'helm')?.msg ?? '', /upgrade: /);
  t.is(await status(), 'deployed');
  // kubectl rollout status waits the same way for a Deployment whose pods no node takes.
  const manifest =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: unplaced, namespace: default }\nspec:\n  template:\n    spec:\n      nodeSelector: { kubernetes.io/hostname: H1 }\n';
  await lab.exec(1, 'sh', '-c', `printf '%s' '${manifest}' | k3s kubectl apply --server-side -f -`);
  const rollout = await lab.exec(1, 'sh', '-c', 'k3s kubectl rollout status deployment/unplaced --timeout=2s 2>&1; echo "exit $?"');
  t.regex(rollout, /timed out waiting for the condition\nexit 1\n$/);
});

test.serial(
  "a Prometheus no node can take is not Helm's to wait for (the operator makes it): the release deploys and verify says Prometheus does not answer",
  async (t) => {
    // Prometheus pinned to a node name that does not exist; Grafana and the Services as the defaults have them.
    const values = {
      kps_values: {
        grafana: { service: { type: 'NodePort', nodePort: 30090 } },
        prometheus: { service: { type: 'NodePort', nodePort: 30100 }, prometheusSpec: { nodeSelector: { 'kubernetes.io/hostname': 'H1' } } },
      },
    };
    const deployed = await site('--role', 'monitoring', '-e', 'kps_wait_timeout=30s', '-e', JSON.stringify(values));
    t.is(deployed.code, 0, failures(deployed.events).join('\n'));
    t.is((await monitoringReleases())[0]?.status, 'deployed', "Helm's --wait does not wait for the operator's StatefulSets");
    const verify = await site('--role', 'verify', '-e', 'verify_answer_retries=3');
    t.is(verify.code, 2);
    t.deepEqual(
      hostResults(verify.events)
        .filter((e) => e.status === 'failed')
        .map((e) => e.task),
      ['Prometheus answers'],
    );
    t.is((await site('--role', 'monitoring')).code, 0);
    const fixed = await site('--role', 'verify', '-e', 'verify_answer_retries=5');
    t.is(fixed.code, 0, failures(fixed.events).join('\n'));
  },
);

test.serial('a run interrupted during the wait leaves the release pending: refused while it may still run, then rolled back and upgraded', async (t) => {
  // helm killed while it waits for a Grafana no node can take, as when the connection to the master drops.
  const helm = 'helm --kubeconfig /etc/rancher/k3s/k3s.yaml -n monitoring';
  await lab.exec(
    1,
    'sh',
    '-c',
    `echo '{grafana: {nodeSelector: {kubernetes.io/hostname: H1}}}' | ${helm} upgrade --install prometheus prometheus-community/kube-prometheus-stack --version ${CHART_VERSION} --wait --timeout 1h -f - >/dev/null 2>&1 &
     for i in $(seq 100); do ${helm} list --all -o json | grep -q pending-upgrade && break; sleep 0.1; done
     kill -9 $!`,
  );
  const history = async () =>
    JSON.parse(await lab.exec(1, 'sh', '-c', `${helm} history prometheus -o json`)) as Array<{ revision: number; status: string; description: string }>;
  const before = await history();
  t.is(before.at(-1)?.status, 'pending-upgrade');
  const deployed = before.find((r) => r.status === 'deployed')?.revision;
  // Within its timeout another helm may still be at work on it: the run says so and touches nothing.
  const young = await site('--role', 'monitoring');
  t.is(young.code, 2);
  t.regex(
    failures(young.events).join('\n'),
    /release prometheus is pending-upgrade \(revision \d+, begun \d+ s ago\): another helm operation may still be running on it/,
  );
  t.deepEqual(await history(), before);
  // Past it, the run recovers as an operator would: back to the deployed revision, then the upgrade.
  const recovered = await site('--role', 'monitoring', '-e', 'kps_wait_timeout=1s');
  t.is(recovered.code, 0, failures(recovered.events).join('\n'));
  t.regex(
    hostResults(recovered.events).find((e) => e.module === 'helm')?.msg ?? '',
    new RegExp(
      `upgrade: status is pending-upgrade \\(revision \\d+ was left pending-upgrade \\d+ s ago by an interrupted run: rolled back to revision ${deployed} `,
    ),
  );
  const after = await history();
  t.deepEqual(
    after.slice(before.length - 1).map((r) => [r.status, r.description]),
    [
      ['superseded', 'Preparing upgrade'],
      ['superseded', `Rollback to ${deployed}`],
      ['deployed', 'Upgrade complete'],
    ],
  );
  t.deepEqual(changedTasks((await site('--role', 'monitoring')).events), []);
});

test.serial('verify needs no facts of other hosts: --role verify alone, and with a worker unreachable', async (t) => {
  await lab.exec(3, 'systemctl', 'stop', 'ssh');
  t.teardown(() => lab.exec(3, 'systemctl', 'start', 'ssh').then(() => undefined));
  const verify = await site('--role', 'verify', '-e', 'ansible_ssh_retries=0');
  t.is(verify.code, 0, failures(verify.events).join('\n'));
  const check = hostResults(verify.events).find((e) => e.host === 'h1' && /every inventory host is a Ready node/.test(e.task));
  t.deepEqual(
    check?.items?.map((i) => `${i.label} ${i.status}`),
    ['h1 ok', 'h2 ok', 'h3 ok'],
  );
  t.notRegex(JSON.stringify(verify.events), /undefined variable/);
});

test.serial('with one master the backup is a copy of the SQLite datastore; a restore brings back a deleted object', async (t) => {
  await lab.exec(1, 'k3s', 'kubectl', 'create', 'secret', 'generic', 'sqlite-kept', '--from-literal=a=b');
  const backup = await runJson(ROOT, ['backup.yaml', ...vars]);
  t.is(backup.code, 0, failures(backup.events).join('\n'));
  const [name] = await readdir(join(work, 'backups'));
  t.regex(await readFile(join(work, 'backups', name, 'backup.yaml'), 'utf8'), /^datastore: sqlite$/m);
  // SQLite's online backup makes a database file, readable as one.
  t.is((await readFile(join(work, 'backups', name, 'snapshot'))).subarray(0, 15).toString(), 'SQLite format 3');
  await lab.exec(1, 'k3s', 'kubectl', 'delete', 'secret', 'sqlite-kept');
  const restore = await runJson(ROOT, ['restore.yaml', ...vars, '-e', `backup=${name}`]);
  t.is(restore.code, 0, failures(restore.events).join('\n'));
  t.regex(await lab.exec(1, 'k3s', 'kubectl', 'get', 'secret', 'sqlite-kept', '-o', 'name'), /sqlite-kept/);
  // The cluster serves as before: the workers are Ready again.
  const ready = await runJson(ROOT, ['site.yaml', ...vars, '--role', 'verify']);
  t.is(ready.code, 0, failures(ready.events).join('\n'));
});

test.serial('reset.yaml removes K3s from a worker; a wrong join token then fails with a clear message', async (t) => {
  const reset = await runJson(ROOT, ['reset.yaml', ...vars, '--limit', 'h3']);
  t.is(reset.code, 0, reset.err);
  t.is(await lab.exec(3, 'sh', '-c', 'ls /usr/local/bin/k3s /etc/rancher/k3s 2>&1 | wc -l'), '2\n');
  await lab.exec(1, 'sh', '-c', "sed -i 's/server:.*/server:0000wrongtoken/' /var/lib/rancher/k3s/server/node-token");
  // Let h3's old heartbeat go stale, as a node goes NotReady after its grace period.
  await new Promise((resolve) => setTimeout(resolve, 21_000));
  // verify says which host is no Ready node, by name and address.
  const verify = await site('--role', 'verify');
  t.is(verify.code, 2);
  const missing = hostResults(verify.events).find((e) => /every inventory host is a Ready node/.test(e.task));
  t.deepEqual(
    missing?.items?.map((i) => `${i.label} ${i.status}`),
    ['h1 ok', 'h2 ok', 'h3 failed'],
  );
  t.true(JSON.stringify(missing?.result).includes(`h3 (${lab.hostIp(3)}) is not a Ready node of the cluster`), JSON.stringify(missing?.result));
  const join = await site('--role', 'k3s-agent', '--limit', 'h3');
  t.is(join.code, 2);
  const failure = hostResults(join.events).find((e) => e.host === 'h3' && e.status === 'failed' && /master refused/.test(e.msg ?? ''));
  t.truthy(failure, failures(join.events).join('\n'));
  t.regex(failure?.msg ?? '', /token mismatch/);
  t.true((failure?.msg ?? '').includes('from /var/lib/rancher/k3s/server/node-token on h1'), 'where the token lives is shown, not masked');
  t.false(JSON.stringify(join.events).includes('0000wrongtoken'));

  // A token of another cluster (another CA), as after a master's reinstall: K3s says so in its own words.
  await lab.exec(
    1,
    'sh',
    '-c',
    `sed -i 's/^K10[0-9a-f]*::/K10${'0'.repeat(64)}::/; s/server:.*/server:'"$(sed 's/.*server://' /var/lib/rancher/k3s/server/token)"'/' /var/lib/rancher/k3s/server/node-token`,
  );
  const foreign = await site('--role', 'k3s-agent', '--limit', 'h3');
  t.is(foreign.code, 2);
  const caFailure = hostResults(foreign.events).find((e) => e.host === 'h3' && e.status === 'failed' && /another cluster CA/.test(e.msg ?? ''));
  t.truthy(caFailure, failures(foreign.events).join('\n'));
  t.regex(caFailure?.msg ?? '', /token CA hash mismatch/);
});

test.serial('a full node-token as k3s_token is refused before the server is touched (its CA hash cannot match a new cluster)', async (t) => {
  const secrets = join(work, 'full-token.yaml');
  await writeFile(secrets, `k3s_token: "K10${'ab'.repeat(32)}::server:0123456789abcdef"\n`, { mode: 0o600 });
  // The simulated cluster's datastore changes by itself (node heartbeats): everything else must stay.
  const files = async () => (await lab.changes(1)).split('\n').filter((line) => !line.includes('/var/lib/rancher/k3s/server/db/'));
  const before = await files();
  const run = await site('--role', 'k3s-server', '-e', `@${secrets}`);
  t.is(run.code, 2, run.err);
  t.true(hostResults(run.events).some((e) => e.status === 'failed' && /holds a full node-token/.test(e.msg ?? '')));
  t.deepEqual(await files(), before, 'nothing changed on the master');
});

test.serial('a master behind its firewall (6443/tcp closed) fails the join with a message that says so', async (t) => {
  await lab.exec(1, 'sh', '-c', 'cp /var/lib/rancher/k3s/server/token /var/lib/rancher/k3s/server/node-token && ufw delete allow 6443/tcp >/dev/null');
  t.teardown(() => lab.exec(1, 'ufw', 'allow', '6443/tcp', 'comment', 'k3s-playbook').then(() => undefined));
  // verify says which host is no Ready node, by name and address. It waits up to 30 s for nodes to
  // be Ready; meanwhile h2's agent cannot reach the API either, so it too is NotReady by then.
  const verify = await site('--role', 'verify');
  t.is(verify.code, 2);
  const missing = hostResults(verify.events).find((e) => /every inventory host is a Ready node/.test(e.task));
  t.deepEqual(
    missing?.items?.map((i) => `${i.label} ${i.status}`),
    ['h1 ok', 'h2 failed', 'h3 failed'],
  );
  t.true(JSON.stringify(missing?.result).includes(`h3 (${lab.hostIp(3)}) is not a Ready node of the cluster`), JSON.stringify(missing?.result));
  const join = await site('--role', 'k3s-agent', '--limit', 'h3');
  t.is(join.code, 2);
  const failure = hostResults(join.events).find((e) => e.host === 'h3' && e.status === 'failed' && /could not reach the master/.test(e.msg ?? ''));
  t.truthy(failure, failures(join.events).join('\n'));
  t.regex(failure?.msg ?? '', new RegExp(`https://${lab.hostIp(1).replace(/\./g, '\\.')}:6443.*6443/tcp is open`));
});

test.serial('the mirror source: the installer and a checksum-verified K3s from a mirror on the lab', async (t) => {
  const mirror = join(work, 'served', 'mirror');
  await mkdir(join(mirror, 'k3s', 'v1.31.4-k3s1'), { recursive: true });
  await copyFile(join(ROOT, 'test', 'doubles', 'install.sh'), join(mirror, 'k3s-install.sh'));
  const binary = await readFile(join(ROOT, 'test', 'doubles', 'k3s'));
  await writeFile(join(mirror, 'k3s', 'v1.31.4-k3s1', 'k3s'), binary);
  const sums = (sha: string) => writeFile(join(mirror, 'k3s', 'v1.31.4-k3s1', 'sha256sum-amd64.txt'), `${sha}  k3s\n`);
  const fromMirror = [
    '-e',
    `{k3s_install_source: mirror, k3s_install_script_url: '${fixture.url}/mirror/k3s-install.sh', k3s_install_mirror_url: '${fixture.url}/mirror'}`,
  ];
  await runJson(ROOT, ['reset.yaml', ...vars, '--limit', 'h3']);

  // The upstream script ignores mirrors: 'mirror' with it is refused before it could reach GitHub.
  const upstream = await site('--role', 'k3s-agent', '--limit', 'h3', '-e', `{k3s_install_source: mirror, k3s_install_mirror_url: '${fixture.url}/mirror'}`);
  t.is(upstream.code, 2);
  t.true(
    hostResults(upstream.events).some((e) => e.host === 'h3' && e.status === 'failed' && /which ignores mirrors and downloads from GitHub/.test(e.msg ?? '')),
  );
  t.is(await lab.exec(3, 'sh', '-c', 'ls /usr/local/bin/k3s /usr/local/share/k3s-playbook 2>/dev/null | wc -l'), '0\n', 'nothing was downloaded or installed');

  await sums('0'.repeat(64));
  const tampered = await site('--role', 'k3s-agent', '--limit', 'h3', ...fromMirror);
  t.is(tampered.code, 2);
  t.true(hostResults(tampered.events).some((e) => e.host === 'h3' && e.status === 'failed' && /Download sha256 does not match/.test(JSON.stringify(e.result))));
  t.is(await lab.exec(3, 'sh', '-c', 'ls /usr/local/bin/k3s 2>/dev/null | wc -l'), '0\n', 'a binary that fails its checksum is not installed');

  await sums(createHash('sha256').update(binary).digest('hex'));
  const joined = await site('--role', 'k3s-agent', '--limit', 'h3', ...fromMirror);
  t.is(joined.code, 0, failures(joined.events).join('\n'));
  t.true(fixture.requests.includes('GET /mirror/k3s/v1.31.4-k3s1/k3s'), 'K3s came from the mirror');
  t.true(fixture.requests.includes('GET /mirror/k3s-install.sh'));
  t.is((await lab.exec(3, 'sha256sum', '/usr/local/bin/k3s')).split(' ')[0], createHash('sha256').update(binary).digest('hex'));
  const again = await site('--role', 'k3s-agent', '--limit', 'h3', ...fromMirror);
  t.deepEqual(changedTasks(again.events), []);
});

test.serial('an offline K3s binary of another version is refused before it replaces anything', async (t) => {
  // The install script installs whatever binary it is given (INSTALL_K3S_SKIP_DOWNLOAD): the role checks.
  const other = join(work, 'k3s-v1.31.5');
  await writeFile(other, (await readFile(join(ROOT, 'test', 'doubles', 'k3s'), 'utf8')).replace('VERSION = "v1.31.4+k3s1"', 'VERSION = "v1.31.5+k3s1"'), {
    mode: 0o755,
  });
  const installed = await lab.exec(1, 'sha256sum', '/usr/local/bin/k3s');
  const run = await site('--role', 'k3s-server', '-e', `k3s_offline_binary=${other}`);
  t.is(run.code, 2);
  t.regex(failures(run.events).join('\n'), /says 'k3s version v1\.31\.5\+k3s1[^']*', not v1\.31\.4\+k3s1/);
  t.is(await lab.exec(1, 'sha256sum', '/usr/local/bin/k3s'), installed, 'the installed binary is untouched');
  t.is((await lab.exec(1, 'k3s', '--version')).split('\n')[0], 'k3s version v1.31.4+k3s1 (k3s-playbook test double)');
});

test.serial('reset.yaml removes K3s from every host and the context from your kubeconfig', async (t) => {
  await writeFile(
    join(work, 'kubeconfig'),
    (await readFile(join(work, 'kubeconfig'), 'utf8')).replace(
      'contexts:',
      'contexts:\n  - name: mine\n    context: { cluster: k3s-playbook, user: k3s-playbook }',
    ),
  );
  const reset = await runJson(ROOT, ['reset.yaml', ...vars]);
  t.is(reset.code, 0, reset.err + failures(reset.events).join('\n'));
  for (const n of [1, 2, 3])
    t.is(
      await lab.exec(
        n,
        'sh',
        '-c',
        'ls -d /usr/local/bin/k3s /etc/rancher/k3s /var/lib/k3s-playbook /usr/local/bin/helm /etc/modules-load.d/k3s-playbook.conf 2>/dev/null | wc -l',
      ),
      '0\n',
    );
  t.is(await lab.exec(1, 'sh', '-c', 'ls /root/.kube/config 2>/dev/null | wc -l; grep -c KUBECONFIG /root/.bashrc || true'), '0\n0\n');
  const kubeconfig = parse(await readFile(join(work, 'kubeconfig'), 'utf8'));
  t.deepEqual(
    kubeconfig.contexts.map((c: { name: string }) => c.name),
    ['mine'],
    'only the context this run added is gone',
  );
  t.deepEqual(kubeconfig.clusters, []);
  t.deepEqual(await ufwRules(1), ['22/tcp'], "the ports os-prep opened are closed again; the user's own rule stays");
  t.deepEqual(await ufwRules(2), ['22/tcp']);
  const again = await runJson(ROOT, ['reset.yaml', ...vars]);
  t.deepEqual(changedTasks(again.events), [], 'a second reset changes nothing');
});
