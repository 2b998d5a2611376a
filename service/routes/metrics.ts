import type Router from '@koa/router';
import type { ServiceContext } from '../context.js';

/** GET /metrics in Prometheus' text format (scraped through the app role's ServiceMonitor). */
export function metricsRoute(router: Router, service: ServiceContext): void {
  router.get('metrics', '/metrics', async (ctx) => {
    service.metrics.loadWorkers.set(service.load.status().workers);
    ctx.type = service.metrics.registry.contentType;
    ctx.body = await service.metrics.registry.metrics();
  });
}
