import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The service's Prometheus metrics, on their own registry (one per app, so tests do not share). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'stress_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'stress_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['route'] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
      registers: [registry],
    }),
    visitors: new Counter({ name: 'stress_visitors_total', help: 'Visits of the home page of this pod', registers: [registry] }),
    loadWorkers: new Gauge({ name: 'stress_load_workers', help: 'CPU load workers running now', registers: [registry] }),
    loadSeconds: new Counter({ name: 'stress_load_seconds_total', help: 'Seconds of CPU load requested', registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
