import type Router from '@koa/router';
import type { ServiceContext } from '../context.js';
import { homePageCache } from '../views/templates.js';

/** GET /: node, pod, this pod's visitor number and the load form. */
export function homeRoute(router: Router, service: ServiceContext): void {
  let visitors = 0;
  const homePage = homePageCache();
  router.get('home', '/', (ctx) => {
    visitors += 1;
    service.metrics.visitors.inc();
    ctx.type = 'html';
    ctx.body = homePage({
      nodeName: service.config.nodeName,
      podName: service.config.podName,
      visitor: visitors,
      load: service.load.status(),
      maxSeconds: service.config.maxLoadSeconds,
      cpuLimit: service.cpuLimit.cpus,
      cpuSource: service.cpuLimit.source,
      panelUrl: service.config.grafanaPanelUrl,
    });
  });
}
