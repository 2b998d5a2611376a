import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { startKubeApiStub } from '../../test/support/kube-api-stub.js';
import { serviceAccountDir, startService } from '../../test/support/service.js';
import { readClusterStatus } from '../cluster/cluster-status.js';
import type { ServiceConfig } from '../config.js';
import { MAX_WORK_MS } from './live.js';

const start = (config: Partial<ServiceConfig> = {}) => startService({ app: { namespace: 'demo', name: 'stress' }, logRequests: false, ...config });

test('/whoami and /work answer who served them and close the connection, so a Service spreads the next one', async (t) => {
  const { service, url } = await start();
  t.teardown(() => service.close());
  const who = await fetch(`${url}/whoami`);
  t.is(who.headers.get('connection'), 'close');
  t.deepEqual(await who.json(), { pod: 'pod-1', node: 'node-a' });
  const work = await fetch(`${url}/work?ms=5000`);
  t.is(work.headers.get('connection'), 'close');
  t.deepEqual(await work.json(), { pod: 'pod-1', node: 'node-a', ms: MAX_WORK_MS }, 'a request never takes more than the cap');
  t.is(((await (await fetch(`${url}/work?ms=abc`)).json()) as { ms: number }).ms, 20);
  const script = await fetch(`${url}/live.js`);
  t.is(script.headers.get('content-type'), 'application/javascript; charset=utf-8');
  const source = await script.text();
  t.notThrows(() => new Function(source), 'the served script parses');
});

test('/api/cluster says why it has nothing outside Kubernetes', async (t) => {
  const { service, url } = await start();
  t.teardown(() => service.close());
  t.deepEqual(await (await fetch(`${url}/api/cluster`)).json(), {
    available: false,
    reason: 'the service is not running in Kubernetes (KUBERNETES_SERVICE_HOST is not set)',
  });
});

test('the cluster status is read with the ServiceAccount token, and RBAC refusals and unreachable APIs are reported, not thrown', async (t) => {
  const pods = [
    { name: 'stress-a', node: 'w1', ready: true },
    { name: 'stress-b', node: 'w2', ready: false },
  ];
  const api = await startKubeApiStub({
    token: 'good',
    namespace: 'demo',
    app: 'stress',
    pods,
    scale: { min: 2, max: 4, current: 2, desired: 3, targetCpu: 50 },
  });
  t.teardown(() => api.server.close());
  const good = { url: api.url, serviceAccountDir: serviceAccountDir('good') };
  t.deepEqual(await readClusterStatus(good, { namespace: 'demo', name: 'stress' }), {
    available: true,
    hpa: { min: 2, max: 4, current: 2, desired: 3, targetCpu: 50, currentCpu: undefined },
    deployment: { replicas: 2, ready: 1, updated: 2 },
    pods: [
      { name: 'stress-a', node: 'w1', phase: 'Running', ready: true, restarts: 0 },
      { name: 'stress-b', node: 'w2', phase: 'Running', ready: false, restarts: 0 },
    ],
  });
  const forbidden = await readClusterStatus(good, { namespace: 'kube-system', name: 'stress' });
  t.false(forbidden.available);
  t.regex(
    (forbidden as { reason: string }).reason,
    /: 403 .* cannot get resource "(?:horizontalpodautoscalers|deployments)" .* in the namespace "kube-system"$/,
  );
  const wrongToken = await readClusterStatus({ url: api.url, serviceAccountDir: serviceAccountDir('bad') }, { namespace: 'demo', name: 'stress' });
  t.regex((wrongToken as { reason: string }).reason, /: 401 Unauthorized$/);
  const noCredentials = await readClusterStatus(
    { url: api.url, serviceAccountDir: join(tmpdir(), 'no-such-serviceaccount') },
    { namespace: 'demo', name: 'stress' },
  );
  t.regex((noCredentials as { reason: string }).reason, /^no ServiceAccount credentials in .*no-such-serviceaccount \(ENOENT\)$/);
  const down = await readClusterStatus({ ...good, url: 'http://127.0.0.1:1' }, { namespace: 'demo', name: 'stress' });
  t.regex((down as { reason: string }).reason, /ECONNREFUSED/);
});
