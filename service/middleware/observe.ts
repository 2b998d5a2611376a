import type { Middleware } from 'koa';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

/** The request metrics for every request, and a structured log line when logRequests is on. */
export function observeRequests(log: Logger | undefined, metrics: Metrics): Middleware {
  // prom-client hashes label values on every call; a handful of label sets repeat forever.
  const counters = new Map<string, ReturnType<Metrics['requests']['labels']>>();
  const timers = new Map<string, ReturnType<Metrics['duration']['labels']>>();
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      const key = `${ctx.method} ${route} ${ctx.status}`;
      let counter = counters.get(key);
      if (!counter) counters.set(key, (counter = metrics.requests.labels(ctx.method, route, String(ctx.status))));
      counter.inc();
      let timer = timers.get(route);
      if (!timer) timers.set(route, (timer = metrics.duration.labels(route)));
      timer.observe(seconds);
      log?.('info', 'request', { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(seconds * 1000 * 10) / 10 });
    }
  };
}
