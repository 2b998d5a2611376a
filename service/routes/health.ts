import type Router from '@koa/router';
import type { ServiceContext } from '../context.js';

/** Kubernetes probes: alive while the event loop answers; ready until shutdown begins. */
export function healthRoutes(router: Router, service: ServiceContext): void {
  router.get('healthz', '/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('readyz', '/readyz', (ctx) => {
    ctx.status = service.shuttingDown() ? 503 : 200;
    ctx.body = { status: service.shuttingDown() ? 'shutting down' : 'ready' };
  });
}
