// npm run bench:service: the stress service against a plain node:http server that sends a page of
// the same size and a bare Koa app (the framework's floor), in the same run, on loopback; then the
// service's p99 while a CPU load runs.
// Every run is bounded (fixed durations) and stops by itself. Servers run on CPU 0 and the load
// generator (this process, started on CPU 1 by npm run bench:service) on the other, as wrk would be
// pinned: on a shared core the client's own work would decide the figures.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { cpuSeconds } from '../test/support/proc.js';

const SERVICE = join(import.meta.dirname, '..', 'dist', 'service.mjs');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 20;

/** A server process whose output goes nowhere (as a container's logs would, not into this process). */
async function startProcess(args: string[], env: Record<string, string>, url: string): Promise<ChildProcess> {
  const child = spawn('taskset', ['-c', '0', 'node', ...args], { env: { ...process.env, ...env }, stdio: 'ignore' });
  for (let attempt = 0; attempt < 100; attempt++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return child;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill();
  throw new Error(`${args.join(' ')} did not answer on ${url}`);
}

async function measure(url: string, label: string, server: ChildProcess) {
  const before = cpuSeconds(server.pid!);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS });
  if (result.non2xx || result.errors) throw new Error(`${label}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { label, rps: result.requests.average, p99: result.latency.p99, cpuMicros: ((cpuSeconds(server.pid!) - before) / result.requests.total) * 1e6 };
}

const service = await startProcess([SERVICE], { PORT: '18110', NODE_NAME: 'bench-node' }, 'http://127.0.0.1:18110/healthz');
const page = await (await fetch('http://127.0.0.1:18110/')).text();
const plain = await startProcess(
  [
    '-e',
    `const page = Buffer.from(process.env.PAGE); require('node:http').createServer((q, s) => { s.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }); s.end(page); }).listen(18111);`,
  ],
  { PAGE: page },
  'http://127.0.0.1:18111/',
);
// The framework's own floor: a bare Koa app sending the same page.
const koa = await startProcess(
  [
    '--input-type=module',
    '-e',
    `import Koa from 'koa'; const page = process.env.PAGE; const app = new Koa(); app.use((ctx) => { ctx.type = 'html'; ctx.body = page; }); app.listen(18112);`,
  ],
  { PAGE: page },
  'http://127.0.0.1:18112/',
);
try {
  const baseline = await measure('http://127.0.0.1:18111/', 'plain node:http', plain);
  const bareKoa = await measure('http://127.0.0.1:18112/', 'bare Koa, same page', koa);
  const idle = await measure('http://127.0.0.1:18110/', 'stress service', service);
  await fetch('http://127.0.0.1:18110/load', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `duration=${SECONDS + 4}`,
  });
  const loaded = await measure('http://127.0.0.1:18110/', 'stress service, CPU load running', service);
  console.log(`\nGET / on loopback, ${CONNECTIONS} connections, ${SECONDS} s each (page of ${page.length} bytes)`);
  console.log('server | requests/s | p99 latency | server CPU per request');
  for (const row of [baseline, bareKoa, idle, loaded]) console.log(`${row.label} | ${Math.round(row.rps)} | ${row.p99} ms | ${row.cpuMicros.toFixed(0)} µs`);
  console.log(
    `service / bare Koa requests/s: ${(idle.rps / bareKoa.rps).toFixed(2)}x (target: at least 0.6x); bare Koa / plain: ${(bareKoa.rps / baseline.rps).toFixed(2)}x; service / plain: ${(idle.rps / baseline.rps).toFixed(2)}x`,
  );
  console.log(
    `CPU per request, bare Koa / service: ${(bareKoa.cpuMicros / idle.cpuMicros).toFixed(2)}x; plain / bare Koa: ${(baseline.cpuMicros / bareKoa.cpuMicros).toFixed(2)}x`,
  );
  console.log(`p99 during a load / idle p99: ${(loaded.p99 / Math.max(idle.p99, 1)).toFixed(2)}x (target: under 3x)`);
} finally {
  for (const child of [service, plain, koa]) child.kill('SIGTERM');
}
