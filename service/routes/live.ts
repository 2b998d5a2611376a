import type Router from '@koa/router';
import { cachedClusterStatus } from '../cluster/cluster-status.js';
import type { ServiceContext } from '../context.js';
import { liveClient } from '../views/live-client.js';

/** The most CPU one /work request may take: a page can load every pod without stalling any for long. */
export const MAX_WORK_MS = 50;
const DEFAULT_WORK_MS = 20;

/** Spins on the CPU for about `ms` milliseconds: the work a request of the spread load stands for. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** The live parts of the home page: who answers, a bounded unit of work, the cluster's view, the script. */
export function liveRoutes(router: Router, service: ServiceContext): void {
  // Transpiled by tsx (as in the tests), the function's source calls esbuild's __name helper, which
  // keeps function names: the page gets a stand-in that does nothing.
  const script = `(() => {\nconst __name = (value) => value;\n(${liveClient.toString()})();\n})();\n`;
  const clusterStatus = cachedClusterStatus(service.config.kubeApi, service.config.app);
  const identity = () => ({ pod: service.config.podName, node: service.config.nodeName });
  // A new connection for each answer: through a Service, connections (not requests) are spread over the pods.
  router.get('whoami', '/whoami', (ctx) => {
    ctx.set('Connection', 'close');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = identity();
  });
  router.get('work', '/work', (ctx) => {
    const asked = Number(ctx.query.ms ?? DEFAULT_WORK_MS);
    const ms = Number.isFinite(asked) ? Math.min(MAX_WORK_MS, Math.max(0, asked)) : DEFAULT_WORK_MS;
    spin(ms);
    ctx.set('Connection', 'close');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { ...identity(), ms };
  });
  router.get('cluster', '/api/cluster', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await clusterStatus();
  });
  router.get('script', '/live.js', (ctx) => {
    ctx.type = 'application/javascript';
    ctx.set('Cache-Control', 'max-age=300');
    ctx.body = script;
  });
}
