import { hostname } from 'node:os';

/** Everything the service reads from its environment (the app role sets these in the Deployment). */
export interface ServiceConfig {
  port: number;
  /** The Kubernetes node (env NODE_NAME from spec.nodeName). */
  nodeName: string;
  /** The pod: its hostname. */
  podName: string;
  /** The Grafana panel to embed on the load page (the app role computes it), if any. */
  grafanaPanelUrl?: string;
  maxLoadSeconds: number;
  /** Where the cgroup filesystem is mounted (tests point it at files they write). */
  cgroupRoot: string;
  /** One log line per request (LOG_REQUESTS=true); off by default, since a load test would flood the logs. */
  logRequests: boolean;
  /** How long shutdown waits for requests in flight before it closes their connections (SHUTDOWN_GRACE_SECONDS, default 10: well inside Kubernetes' 30 s). */
  shutdownGraceMs: number;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  return {
    port: Number(env.PORT ?? 8080),
    nodeName: env.NODE_NAME || 'unknown (NODE_NAME not set)',
    podName: env.POD_NAME || hostname(),
    grafanaPanelUrl: env.GRAFANA_PANEL_URL || undefined,
    maxLoadSeconds: 300,
    cgroupRoot: env.CGROUP_ROOT ?? '/sys/fs/cgroup',
    logRequests: env.LOG_REQUESTS === 'true',
    shutdownGraceMs: 1000 * (Number(env.SHUTDOWN_GRACE_SECONDS) > 0 ? Number(env.SHUTDOWN_GRACE_SECONDS) : 10),
  };
}
