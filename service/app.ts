import { createServer, type Server } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import type { ServiceConfig } from './config.js';
import type { ServiceContext } from './context.js';
import { detectCpuLimit, workersFor } from './load/cpu-limit.js';
import { LoadManager } from './load/load-manager.js';
import type { Logger } from './log.js';
import { createMetrics } from './metrics.js';
import { errorPages } from './middleware/errors.js';
import { observeRequests } from './middleware/observe.js';
import { healthRoutes } from './routes/health.js';
import { homeRoute } from './routes/home.js';
import { liveRoutes } from './routes/live.js';
import { loadRoute } from './routes/load.js';
import { metricsRoute } from './routes/metrics.js';

/** What the routes share. */
export interface Service {
  server: Server;
  context: ServiceContext;
  /** Stop accepting, finish the requests in flight, stop every load worker. */
  close(): Promise<void>;
}

export function createService(config: ServiceConfig, log: Logger): Service {
  let closing = false;
  const cpuLimit = detectCpuLimit(config.cgroupRoot);
  const context: ServiceContext = { config, cpuLimit, load: new LoadManager(workersFor(cpuLimit)), metrics: createMetrics(), log, shuttingDown: () => closing };
  const router = new Router();
  for (const register of [homeRoute, loadRoute, liveRoutes, healthRoutes, metricsRoute]) register(router, context);
  const app = new Koa();
  app.use(observeRequests(config.logRequests ? log : undefined, context.metrics));
  app.use(errorPages(log));
  app.use(router.routes());
  app.use(router.allowedMethods());
  const server = createServer(app.callback());
  // During shutdown, a response closes its connection: a kept-alive socket would hold exit back for
  // the whole keep-alive timeout. (Set before Koa sees the request, so it costs nothing until then.)
  server.prependListener('request', (_request, response) => {
    if (closing) response.setHeader('Connection', 'close');
  });
  // A client that stalls while sending its request is cut off instead of holding a socket for minutes.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  return {
    server,
    context,
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Connections that finish their request after this point become idle later: close those too.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      // Past the grace period, connections still open (a request that never finishes arriving) are closed.
      const deadline = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
      await Promise.all([closed, context.load.stopAll()]);
      clearInterval(sweep);
      clearTimeout(deadline);
    },
  };
}
