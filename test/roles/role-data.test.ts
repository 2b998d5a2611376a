import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { Namespace, ConfigMap, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { parse, parseAllDocuments } from 'yaml';
import { renderValue } from '../../runner/jinja/templar.js';
import { renderTemplateFile } from '../../runner/template/render.js';
import { createScope, toPlain } from '../../runner/vars/scope.js';

// The roles' data, checked without a cluster: manifests against the Kubernetes API schemas, the
// monitoring values against the key trees of the pinned charts' values files (test/roles/chart-keys,
// written by scripts/chart-keys.ts from the charts).
const ROOT = join(import.meta.dirname, '..', '..');
const chartKeys = (chart: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, 'chart-keys', `${chart}.json`), 'utf8')) as { version: string; keys: object };
const defaults = (role: string) => parse(readFileSync(join(ROOT, 'roles', role, 'defaults', 'main.yaml'), 'utf8')) ?? {};
const origin = { loc: { file: 'test', line: 1, column: 1 }, what: 'test' };

/** The variables a role's template sees on the seed's master, from the roles' real defaults. */
function scopeFor(role: string, extra: Record<string, unknown> = {}) {
  const host = { ansible_host: '192.168.0.10', ansible_hostname: 'master1', inventory_hostname: 'master1', ansible_user: 'ubuntu' };
  return createScope(
    { ...defaults('cluster'), ...defaults(role), ...host, first_in: { master: host }, playbook_dir: join(ROOT, 'playbooks'), ...extra },
    origin,
  );
}

/** Each model takes the data of its own kind only (hence 'never' here); the kind is looked up first. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  Deployment,
  Service,
  ServiceAccount,
  Role,
  RoleBinding,
  HorizontalPodAutoscaler,
  ServiceMonitor,
  ConfigMap,
  Namespace,
  Secret,
};

function validateAll(text: string): string[] {
  const kinds: string[] = [];
  for (const doc of parseAllDocuments(text)) {
    const object = doc.toJS();
    if (!object) continue;
    const Model = MODELS[object.kind];
    if (!Model) throw new Error(`no schema for kind ${object.kind}`);
    new Model(object as never).validate();
    kinds.push(object.kind);
  }
  return kinds;
}

for (const [name, extra] of [
  ['default delivery (ConfigMap bundle)', {}],
  ['a custom image', { app_image: 'registry.example/stress:1.0' }],
] as const) {
  test(`app manifests are valid Kubernetes objects: ${name}`, (t) => {
    const file = join(ROOT, 'roles', 'app', 'templates', 'app.yaml.hbs');
    const text = renderTemplateFile(readFileSync(file, 'utf8'), file, scopeFor('app', extra));
    t.deepEqual(validateAll(text), ['ServiceAccount', 'Role', 'RoleBinding', 'Deployment', 'Service', 'HorizontalPodAutoscaler', 'ServiceMonitor']);
    const [account, role, binding, deployment, service, hpa] = parseAllDocuments(text).map((d) => d.toJS());
    // The page reads the app's HPA, Deployment and pods: read-only, in its namespace, nothing else.
    t.deepEqual(role.rules, [
      { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], resourceNames: ['stress'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['stress'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
    ]);
    t.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: account.metadata.name, namespace: account.metadata.namespace }]);
    t.is(binding.roleRef.name, role.metadata.name);
    t.is(deployment.spec.template.spec.serviceAccountName, account.metadata.name);
    const container = deployment.spec.template.spec.containers[0];
    t.false('replicas' in deployment.spec, 'the HPA owns the replica count: an applied one would conflict with it');
    t.deepEqual(container.resources, { requests: { cpu: '1000m' }, limits: { cpu: '2000m' } });
    t.deepEqual(container.env.find((e: { name: string }) => e.name === 'NODE_NAME').valueFrom, { fieldRef: { fieldPath: 'spec.nodeName' } });
    t.deepEqual(container.env.find((e: { name: string }) => e.name === 'POD_NAMESPACE').valueFrom, { fieldRef: { fieldPath: 'metadata.namespace' } });
    t.is(container.env.find((e: { name: string }) => e.name === 'APP_NAME').value, 'stress');
    t.regex(
      container.env.find((e: { name: string }) => e.name === 'GRAFANA_PANEL_URL').value,
      /^http:\/\/192\.168\.0\.10:30090\/d-solo\/k3s-playbook-stress\/stress\?orgId=1&panelId=2/,
    );
    t.truthy(container.readinessProbe && container.livenessProbe);
    t.deepEqual(service.spec.ports[0], { name: 'http', port: 80, targetPort: 'http', nodePort: 30080 });
    t.like(hpa.spec, { minReplicas: 2, maxReplicas: 4 });
    t.is(hpa.spec.metrics[0].resource.target.averageUtilization, 80);
    t.deepEqual(hpa.spec.behavior.scaleUp, { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] });
    t.deepEqual(hpa.spec.behavior.scaleDown, { stabilizationWindowSeconds: 120, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] });
    t.is(container.image, 'app_image' in extra ? extra.app_image : 'node:20.19-alpine');
  });
}

test('the Grafana dashboard is a valid ConfigMap holding valid dashboard JSON with the panel the app embeds', (t) => {
  const file = join(ROOT, 'roles', 'monitoring', 'templates', 'dashboard.yaml.hbs');
  const text = renderTemplateFile(readFileSync(file, 'utf8'), file, scopeFor('monitoring'));
  t.deepEqual(validateAll(text), ['ConfigMap']);
  const configMap = parse(text);
  t.is(configMap.metadata.labels.grafana_dashboard, '1');
  const dashboard = JSON.parse(configMap.data['stress.json']);
  t.is(dashboard.uid, 'k3s-playbook-stress');
  t.is(dashboard.panels.find((p: { id: number }) => p.id === 2).title, 'CPU per pod (cores)');
  t.is(dashboard.panels.find((p: { id: number }) => p.id === 2).targets[0].legendFormat, '{{pod}}');
});

test('the service bundle fits in a ConfigMap (1 MiB)', (t) => {
  const bundle = join(ROOT, 'dist', 'service.mjs.gz');
  t.true(existsSync(bundle), 'npm run build makes dist/service.mjs.gz');
  t.true(readFileSync(bundle).length < 1024 * 1024 * 0.9);
});

/** Keys whose values are free-form maps in the charts: anything may stand below them. */
const FREE_FORM = ['nodeSelector', 'env', 'grafana.ini', 'rules'];
/**
 * Keys the charts' templates read but the values files here leave unset: grafana's templates/service.yaml,
 * and the kube-state-metrics subchart's own nodeSelector (its values.yaml, not kept here, has one).
 */
const DOCUMENTED_UNSET = ['grafana.service.nodePort', 'kube-state-metrics.nodeSelector'];

function missingKeys(ours: unknown, chart: unknown, path: string[] = []): string[] {
  if (ours === null || typeof ours !== 'object' || Array.isArray(ours)) return [];
  const missing: string[] = [];
  for (const [key, value] of Object.entries(ours)) {
    const here = [...path, key];
    if (DOCUMENTED_UNSET.includes(here.join('.'))) continue;
    if (chart === null || typeof chart !== 'object' || !(key in (chart as object))) {
      missing.push(here.join('.'));
      continue;
    }
    if (!FREE_FORM.includes(key)) missing.push(...missingKeys(value, (chart as Record<string, unknown>)[key], here));
  }
  return missing;
}

test('every monitoring value key exists in the pinned charts (a misspelt key is silently ignored by Helm)', (t) => {
  const kps = chartKeys('kube-prometheus-stack').keys;
  const grafana = chartKeys('grafana').keys;
  t.is(
    chartKeys('kube-prometheus-stack').version,
    defaults('monitoring').kps_chart_version,
    'the key tree is of the pinned chart: rerun scripts/chart-keys.ts on a new one',
  );
  const { grafana: ourGrafana, ...ourKps } = defaults('monitoring').kps_values;
  t.deepEqual(missingKeys(ourKps, kps), []);
  t.deepEqual(missingKeys(ourGrafana, grafana, ['grafana']), []);
  t.deepEqual(missingKeys({ globl: { nodeSelector: {} } }, kps), ['globl'], 'the check does catch a wrong key');
});

/** The parts of the rendered kube-prometheus-stack values the next test reads. */
interface Placed {
  nodeSelector?: Record<string, string>;
}
interface NodePortService {
  service: { type: string; nodePort: number };
}
interface MonitoringValues {
  prometheus: NodePortService & { prometheusSpec: Placed & { scrapeInterval: string } };
  alertmanager: { alertmanagerSpec: Placed };
  prometheusOperator: Placed & { admissionWebhooks: { patch: Placed } };
  'kube-state-metrics': Placed;
  grafana: Placed & NodePortService & { admin: { existingSecret: string } };
}

test('rendered monitoring values: NodePorts as numbers, none colliding with the app, components on the master', (t) => {
  const values = toPlain(scopeFor('monitoring').kps_values) as MonitoringValues;
  t.deepEqual(values.prometheus.service, { type: 'NodePort', nodePort: 30100 });
  t.deepEqual(values.grafana.service, { type: 'NodePort', nodePort: 30090 });
  const used = [values.prometheus.service.nodePort, values.grafana.service.nodePort, defaults('cluster').app_node_port];
  t.is(new Set(used).size, 3);
  // Every component the chart schedules, but the node-exporter DaemonSet, on a server node: by K3s'
  // role label (a hostname breaks on upper case, which K3s lowers in node names).
  const placed = {
    prometheus: values.prometheus.prometheusSpec,
    alertmanager: values.alertmanager.alertmanagerSpec,
    operator: values.prometheusOperator,
    webhookPatchJob: values.prometheusOperator.admissionWebhooks.patch,
    kubeStateMetrics: values['kube-state-metrics'],
    grafana: values.grafana,
  };
  for (const [component, where] of Object.entries(placed)) t.deepEqual(where.nodeSelector, { 'node-role.kubernetes.io/control-plane': 'true' }, component);
  t.is(values.prometheus.prometheusSpec.scrapeInterval, '10s');
  t.is(values.grafana.admin.existingSecret, 'grafana-admin', 'no password in the values');
  t.false(JSON.stringify(values).includes('adminPassword'));
});

test('--tags NAME selects the same tasks of site.yaml as --role NAME, dependencies included', async (t) => {
  const listed = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)('node', [join(ROOT, 'dist', 'cli.js'), 'site.yaml', '--list-tasks', ...args], { cwd: ROOT });
    return stdout
      .split('\n')
      .filter((line) => line.startsWith('      '))
      .map((line) => line.trim().replace(/\tTAGS: .*$/, ''));
  };
  for (const role of ['os-prep', 'k3s-server', 'k3s-agent', 'kubeconfig', 'helm', 'monitoring', 'app', 'verify']) {
    const byTag = await listed('--tags', role);
    const byRole = await listed('--role', role);
    t.true(byTag.length > 0, role);
    // The inventory check is tagged 'always': first either way (--tags repeats it in every play, as Ansible does).
    const check = 'cluster : the masters can keep a majority (1, 3, 5, ... of them)';
    t.is(byTag[0], check, role);
    t.is(byRole[0], check, role);
    const others = (tasks: string[]) => tasks.filter((task) => task !== check);
    t.deepEqual(others(byTag), others(byRole), role);
  }
  t.true(
    (await listed('--tags', 'k3s-agent')).some((task) => task.startsWith('k3s-install : ')),
    "the installer (a dependency) runs under the role's tag",
  );
});

test("the cluster's networks: K3s' defaults are left to K3s, other ones go into its config (and os-prep lets them through ufw)", (t) => {
  const config = (extra: Record<string, unknown>) =>
    parse(
      renderTemplateFile(
        readFileSync(join(ROOT, 'roles', 'k3s-server', 'templates', 'config.yaml.hbs'), 'utf8'),
        'config.yaml.hbs',
        scopeFor('k3s-server', { k3s_dns_names: [], k3s_token: '', k3s_server_extra_config: {}, ...extra }),
      ),
    );
  t.false('cluster-cidr' in config({}) || 'service-cidr' in config({}), 'a cluster made before these settings keeps its config file as it was');
  t.like(config({ k3s_cluster_cidr: '10.100.0.0/16', k3s_service_cidr: '10.101.0.0/16' }), {
    'cluster-cidr': '10.100.0.0/16',
    'service-cidr': '10.101.0.0/16',
  });
  t.is(config({})['node-name'], 'master1');
  const osPrep = readFileSync(join(ROOT, 'roles', 'os-prep', 'tasks', 'main.yaml'), 'utf8');
  t.regex(osPrep, /ufw: \{ from: "\{\{ item \}\}" \}\n\s+loop: \["\{\{ k3s_cluster_cidr \}\}", "\{\{ k3s_service_cidr \}\}"\]/);
});

test('the ports nodes open to each other follow the K3s configuration: flannel backend, IP families, embedded registry', (t) => {
  const ports = (config: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    (
      toPlain((scopeFor('os-prep', { k3s_server_extra_config: config, ...extra }) as Record<string, unknown>).k3s_peer_ports) as Array<{
        port: number;
        proto: string;
      }>
    ).map(({ port, proto }) => `${port}/${proto}`);
  t.deepEqual(ports({}), ['8472/udp'], "K3s' default: VXLAN");
  t.deepEqual(ports({ 'flannel-backend': 'wireguard-native' }), ['51820/udp']);
  t.deepEqual(
    ports({ 'flannel-backend': 'wireguard-native' }, { k3s_cluster_cidr: '10.42.0.0/16,2001:cafe:42::/56' }),
    ['51820/udp', '51821/udp'],
    'dual-stack',
  );
  t.deepEqual(ports({ 'flannel-backend': 'wireguard-native' }, { k3s_cluster_cidr: '2001:cafe:42::/56' }), ['51821/udp'], 'IPv6 only');
  t.deepEqual(ports({ 'flannel-backend': 'host-gw' }), [], 'plain routes: no overlay port');
  t.deepEqual(ports({ 'flannel-backend': 'none' }), [], 'a network plugin of your own opens its own');
  t.deepEqual(ports({ 'embedded-registry': true }), ['8472/udp', '5001/tcp', '6443/tcp'], 'Spegel: its port and the supervisor on every node');
  const loop = (parse(readFileSync(join(ROOT, 'roles', 'os-prep', 'tasks', 'main.yaml'), 'utf8')) as Array<{ name: string; loop?: string }>).find((task) =>
    task.name.startsWith('the pod network, kubelet and NodePorts'),
  )?.loop;
  t.is(loop, '{{ k3s_peer_ports + os_prep_node_ports }}', 'os-prep opens them in ufw');
  const doctor = toPlain(
    (scopeFor('doctor', { k3s_server_extra_config: { 'flannel-backend': 'wireguard-native', 'embedded-registry': true } }) as Record<string, unknown>)
      .doctor_overlay_ports,
  );
  t.deepEqual(doctor, [51820], "the doctor looks for K3s' own UDP sockets on these");
});

test("IPv6 masters: every URL writes the address in brackets, and the kubeconfig rewrite finds K3s' [::1]", (t) => {
  const master = { ansible_host: 'fd00::10', ansible_hostname: 'master2', inventory_hostname: 'master2' };
  const vars = (role: string, extra: Record<string, unknown> = {}) =>
    scopeFor(role, {
      ...parse(readFileSync(join(ROOT, 'roles', 'k3s-server', 'vars', 'main.yaml'), 'utf8')),
      ...defaults('kubeconfig'),
      ...master,
      first_in: { master: { ansible_host: 'fd00::10' } },
      groups: { master: ['master1', 'master2'] },
      ...extra,
    }) as Record<string, unknown>;
  t.is(vars('k3s-server').k3s_join_url, 'https://[fd00::10]:6443');
  t.is(vars('kubeconfig').kubeconfig_server, 'https://[fd00::10]:6443');
  t.is(vars('kubeconfig', { k3s_api_endpoint: 'fd00::100' }).kubeconfig_server, 'https://[fd00::100]:6443');
  t.is(vars('kubeconfig', { k3s_dns_names: ['k3s.example.net'] }).kubeconfig_server, 'https://k3s.example.net:6443');
  t.is(vars('kubeconfig', { first_in: { master: { ansible_host: '192.168.0.10' } } }).kubeconfig_server, 'https://192.168.0.10:6443', 'IPv4 as it is');
  t.regex(String(vars('app').app_grafana_panel_url), /^http:\/\/\[fd00::10\]:30090\/d-solo\//);

  const agentFile = join(ROOT, 'roles', 'k3s-agent', 'templates', 'config.yaml.hbs');
  const token = Buffer.from('K10abc::server:secret\n').toString('base64');
  const agent = parse(
    renderTemplateFile(readFileSync(agentFile, 'utf8'), agentFile, vars('k3s-agent', { k3s_node_token: { content: token }, k3s_agent_extra_config: {} })),
  );
  t.is(agent.server, 'https://[fd00::10]:6443');
  t.is(agent['node-ip'], 'fd00::10');

  // The copy on the master: K3s' own kubeconfig points at its loopback, [::1] on an IPv6-only node.
  const tasks = parse(readFileSync(join(ROOT, 'roles', 'kubeconfig', 'tasks', 'main.yaml'), 'utf8')) as Array<{
    block?: Array<{ copy?: { content: string } }>;
  }>;
  const expression = tasks.flatMap((task) => task.block ?? []).find((task) => task.copy?.content.includes('k3s_kubeconfig'))!.copy!.content;
  for (const loopback of ['127.0.0.1', '[::1]']) {
    const k3sYaml = `clusters:\n- cluster:\n    server: https://${loopback}:6443\n  name: default\n`;
    const scope = vars('kubeconfig', { k3s_kubeconfig: { content: Buffer.from(k3sYaml).toString('base64') } });
    t.is(renderValue(expression, scope, origin), 'clusters:\n- cluster:\n    server: https://[fd00::10]:6443\n  name: default\n', loopback);
  }
});
