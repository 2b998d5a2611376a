import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { launchChromium, saveScreenshot } from '../test/support/browser.js';
import { cpuSeconds, processExists, runnableSeconds } from '../test/support/proc.js';
import { createService } from './app.js';

// A person's visit in real headless Chromium (Debian's package), against the service on loopback.

test('a visitor reads the page, reloads, starts a 2-second load, sees the graph frame and goes back', async (t) => {
  const shoot = async (page: import('playwright-core').Page, name: string) =>
    t.is(saveScreenshot(name, await page.screenshot({ fullPage: true }), await page.innerText('body')), undefined);
  // A stand-in for the Grafana panel, on loopback, so the frame has something to show.
  const panel = createServer((_req, res) =>
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(
        '<body style="font:14px sans-serif;background:#181b1f;color:#ccc;margin:0;padding:1rem"><b>CPU usage per pod</b><svg width="600" height="200"><polyline fill="none" stroke="#73bf69" stroke-width="3" points="0,180 100,170 200,60 300,40 400,45 500,150 600,175"/></svg><p>stand-in for the Grafana panel (test)</p></body>',
      ),
  );
  await new Promise<void>((resolve) => panel.listen(0, '127.0.0.1', resolve));
  const cgroupRoot = mkdtempSync(join(tmpdir(), 'cgroup-'));
  writeFileSync(join(cgroupRoot, 'cpu.max'), '100000 100000');
  const service = createService(
    {
      port: 0,
      nodeName: 'k3s-worker-1',
      podName: 'stress-7d9f8c-x2k4q',
      maxLoadSeconds: 300,
      cgroupRoot,
      logRequests: false,
      shutdownGraceMs: 10_000,
      grafanaPanelUrl: `http://127.0.0.1:${(panel.address() as { port: number }).port}/d-solo/stress/app?panelId=2`,
    },
    () => undefined,
  );
  await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(service.server.address() as { port: number }).port}`;
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
  await shoot(page, 'service-home.png');

  await page.fill('#duration', '2');
  await Promise.all([page.waitForURL(`${url}/load`), page.click('button[type=submit]')]);
  t.regex((await page.textContent('#result'))!, /Started CPU load on 1 CPU\(s\) of this pod for 2 seconds/);
  // Measured first, well inside the 2 seconds: a screenshot on a busy machine can take most of them.
  const [pid] = service.context.load.pids();
  const before = [cpuSeconds(pid), runnableSeconds(pid)];
  await sleep(600);
  // Busy: wanting the CPU the whole time (it is niced, so other work may get it first) and getting some.
  t.true(runnableSeconds(pid) - before[1] > 0.4, 'the worker was busy during the load');
  t.true(cpuSeconds(pid) - before[0] > 0, 'and burned CPU');

  const frame = await page.waitForSelector('#grafana');
  t.regex((await frame.getAttribute('src'))!, /\/d-solo\/stress\/app\?panelId=2$/);
  await (await frame.contentFrame())!.waitForSelector('svg');
  await shoot(page, 'service-load.png');
  await sleep(2000);
  t.false(processExists(pid), 'and gone after it: nothing burns CPU any more');
  t.false(service.context.load.status().running);

  await page.click('#back');
  await page.waitForURL(`${url}/`);
  t.regex((await page.textContent('#load'))!, /idle/);
});
