import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import type { Page } from 'playwright-core';
import { launchChromium, saveScreenshot } from '../test/support/browser.js';
import { startKubeApiStub } from '../test/support/kube-api-stub.js';
import { onCpuSeconds, processExists, runnableSeconds, waitFor } from '../test/support/proc.js';
import { startRoundRobin } from '../test/support/round-robin.js';
import { serviceAccountDir, startService } from '../test/support/service.js';
import type { Service } from './app.js';
import type { ServiceConfig } from './config.js';

// A person's visit in real headless Chromium (Debian's package), against the service on loopback.

/** A pod of the service with one CPU, as the pictures show it. */
const startPod = (config: Partial<ServiceConfig>) => startService({ nodeName: 'k3s-worker-1', podName: 'stress-7d9f8c-x2k4q', logRequests: false, ...config });

/** A stand-in for the Grafana panel, on loopback, so the frame has something to show. */
async function startPanelStandIn(): Promise<{ url: string; close: () => void }> {
  const panel = createServer((_req, res) =>
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(
        '<body style="font:14px sans-serif;background:#181b1f;color:#ccc;margin:0;padding:1rem"><b>CPU usage per pod</b><svg width="600" height="200"><polyline fill="none" stroke="#73bf69" stroke-width="3" points="0,180 100,170 200,60 300,40 400,45 500,150 600,175"/></svg><p>stand-in for the Grafana panel (test)</p></body>',
      ),
  );
  await new Promise<void>((resolve) => panel.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(panel.address() as { port: number }).port}/d-solo/stress/app?panelId=2`, close: () => panel.close() };
}

/** The page's text with what changes from run to run (the strip, counts, rates) left out, for the picture's check. */
const steadyText = (page: Page) =>
  page.evaluate(() => {
    const copy = document.body.cloneNode(true) as HTMLElement;
    for (const id of ['strip', 'shares', 'spread-stats', 'visitor']) copy.querySelector(`#${id}`)!.textContent = `(${id})`;
    document.body.append(copy);
    copy.style.position = 'absolute';
    const text = copy.innerText;
    copy.remove();
    return text;
  });

test('a visitor reads the page, reloads, starts a 2-second load, sees the graph frame and goes back', async (t) => {
  const shoot = async (page: Page, name: string) =>
    t.is(saveScreenshot(name, await page.screenshot({ fullPage: true }), await page.innerText('body')), undefined);
  const panel = await startPanelStandIn();
  const { service, port } = await startPod({ grafanaPanelUrl: panel.url });
  const url = `http://127.0.0.1:${port}`;
  const browser = await launchChromium();
  t.teardown(async () => {
    await browser.close();
    await service.close();
    panel.close();
  });
  const page = await browser.newPage({ viewport: { width: 900, height: 700 } });

  await page.goto(url);
  t.is(await page.textContent('#node'), 'k3s-worker-1');
  t.is(await page.textContent('#pod'), 'stress-7d9f8c-x2k4q');
  const first = Number(await page.textContent('#visitor'));
  await page.reload();
  t.is(Number(await page.textContent('#visitor')), first + 1);
  // Outside Kubernetes the page says what it cannot show, and why.
  await page.waitForSelector('#hpa[data-state=unavailable]');
  t.is(await page.textContent('#hpa'), 'Not shown: the service is not running in Kubernetes (KUBERNETES_SERVICE_HOST is not set).');

  await page.fill('#duration', '2');
  const clicked = Date.now();
  await Promise.all([page.waitForURL(`${url}/load`), page.click('button[type=submit]')]);
  const [pid] = service.context.load.pids();
  const before = [onCpuSeconds(pid), runnableSeconds(pid)];
  // Measured first, inside the 2 seconds (what is left of them once the page has answered, on a busy
  // machine): a screenshot can take most of them.
  const window = Math.min(600, clicked + 2000 - Date.now() - 200);
  t.true(window > 100, `the page answered ${Date.now() - clicked} ms after the click, too late to watch the load`);
  await sleep(window);
  // Busy: wanting the CPU the whole time (it is niced, so other work may get it first) and getting some.
  const runnable = runnableSeconds(pid) - before[1];
  t.true(runnable > (0.6 * window) / 1000, `the worker was runnable ${runnable.toFixed(2)} s of ${window} ms of load`);
  t.true(onCpuSeconds(pid) - before[0] > 0, 'and burned CPU');

  const frame = await page.waitForSelector('#grafana');
  t.regex((await frame.getAttribute('src'))!, /\/d-solo\/stress\/app\?panelId=2$/);
  t.regex((await page.textContent('#result'))!, /Started CPU load on 1 CPU\(s\) of this pod for 2 seconds/);
  await (await frame.contentFrame())!.waitForSelector('svg');
  await shoot(page, 'service-load.png');
  // Gone after it (bounded: a busy machine may reap the worker a moment after its deadline).
  const ended = () => !processExists(pid) && !service.context.load.status().running;
  t.true(await waitFor(ended, 6000), 'and gone after it: nothing burns CPU any more');

  await page.click('#back');
  await page.waitForURL(`${url}/`);
  t.regex((await page.textContent('#load'))!, /idle/);
});

test('three pods behind a Service: the strip shows the round robin, the autoscaler its state, and a spread load reaches every pod', async (t) => {
  // The ServiceAccount's files as Kubernetes mounts them, and an API that lets it read only the app's objects.
  const account = serviceAccountDir('the-pods-token');
  const pods = ['stress-7d9f8c-x2k4q', 'stress-7d9f8c-m8w2z', 'stress-7d9f8c-q5t7n'].map((name, i) => ({ name, node: `k3s-worker-${i + 1}`, ready: true }));
  const api = await startKubeApiStub({
    token: 'the-pods-token',
    namespace: 'demo',
    app: 'stress',
    pods,
    scale: { min: 2, max: 4, current: 3, desired: 4, targetCpu: 50, currentCpu: 85 },
  });
  const panel = await startPanelStandIn();
  const started = await Promise.all(
    pods.map((pod) =>
      startPod({
        podName: pod.name,
        nodeName: pod.node,
        kubeApi: { url: api.url, serviceAccountDir: account },
        app: { namespace: 'demo', name: 'stress' },
        grafanaPanelUrl: panel.url,
      }),
    ),
  );
  const balancer = await startRoundRobin(started.map((pod) => pod.port));
  const browser = await launchChromium();
  t.teardown(async () => {
    await browser.close();
    await Promise.all(started.map((pod) => pod.service.close()));
    balancer.server.close();
    api.server.close();
    panel.close();
  });
  const page = await browser.newPage({ viewport: { width: 900, height: 1100 } });
  await page.goto(`http://127.0.0.1:${balancer.port}/`);

  // The strip fills, one answer a second, each from the pod its connection reached.
  await page.waitForFunction(() => document.querySelectorAll('#strip li').length >= 4, undefined, { timeout: 15_000 });
  const answered = await page.$$eval('#strip li', (items) => items.map((item) => item.textContent));
  t.true(new Set(answered).size >= 2, `more than one pod answered: ${answered.join(', ')}`);
  for (const text of answered)
    t.true(
      pods.some((pod) => text === `${pod.name} @ ${pod.node}`),
      text!,
    );

  // The autoscaler and the pods, as the API says.
  await page.waitForSelector('#hpa[data-state=available]');
  t.is(await page.textContent('#hpa'), '3 replicas now, 4 wanted (from 2 to 4); CPU 85% of its 50% target.');
  t.deepEqual(
    await page.$$eval('#pod-rows tr', (rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent))),
    pods.map((pod) => [pod.name, pod.node, 'Running', 'ready', '0']),
  );
  t.true(api.requests.includes('GET /api/v1/namespaces/demo/pods?labelSelector=app.kubernetes.io%2Fname%3Dstress'));

  // The load over every pod: 6 requests in flight for 3 seconds, then it stops by itself.
  const before = started.map((pod) => pod.service.context.metrics);
  const workBefore = await Promise.all(before.map((metrics) => workCount(metrics)));
  await page.fill('#parallel', '6');
  await page.fill('#seconds', '3');
  await page.click('#spread-start');
  await page.waitForFunction(() =>
    /running, \d+ s left: \d+ requests, \d+\/s now, latency p50 \d+ ms/.test(document.querySelector('#spread-stats')!.textContent!),
  );
  await (await (await page.waitForSelector('#grafana')).contentFrame())!.waitForSelector('svg');
  await shoot(page, 'service-home.png');
  await page.waitForSelector('#spread-stats[data-state=done]', { timeout: 15_000 });
  t.regex((await page.textContent('#spread-stats'))!, /^done in 3\.\d s: \d+ requests, \d+\/s now, latency p50 \d+ ms, p95 \d+ ms, p99 \d+ ms, 0 failed$/);
  const served = (await Promise.all(before.map((metrics) => workCount(metrics)))).map((count, i) => count - workBefore[i]);
  t.true(
    served.every((count) => count > 0),
    `every pod served part of the load: ${served.join(', ')}`,
  );
  const requests = Number(await page.getAttribute('#spread-stats', 'data-requests'));
  t.is(
    served.reduce((sum, count) => sum + count, 0),
    requests,
    'each request the page counted reached a pod',
  );
  t.true(await page.isDisabled('#spread-stop'));

  async function shoot(page: Page, name: string) {
    t.is(saveScreenshot(name, await page.screenshot({ fullPage: true }), await steadyText(page)), undefined);
  }
});

test('with a token the API refuses, the page says why it shows no autoscaler', async (t) => {
  const account = serviceAccountDir('an-old-token');
  const api = await startKubeApiStub({
    token: 'the-pods-token',
    namespace: 'demo',
    app: 'stress',
    pods: [],
    scale: { min: 2, max: 4, current: 2, desired: 2, targetCpu: 50 },
  });
  const { service, port } = await startPod({ kubeApi: { url: api.url, serviceAccountDir: account }, app: { namespace: 'demo', name: 'stress' } });
  const browser = await launchChromium();
  t.teardown(async () => {
    await browser.close();
    await service.close();
    api.server.close();
  });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForSelector('#hpa[data-state=unavailable]');
  t.regex(
    (await page.textContent('#hpa'))!,
    /^Not shown: GET \/apis\/autoscaling\/v2\/namespaces\/demo\/horizontalpodautoscalers\/stress: 401 Unauthorized\.$/,
  );
  t.is(await page.$$eval('#pod-rows tr', (rows) => rows.length), 0);
});

/** How many /work requests a pod has answered, from its own request counter. */
async function workCount(metrics: Service['context']['metrics']): Promise<number> {
  return (await metrics.requests.get()).values.filter((value) => value.labels.route === '/work').reduce((sum, value) => sum + value.value, 0);
}
