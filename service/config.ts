import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { AppRef } from './cluster/cluster-status.js';
import type { KubeApiConfig } from './cluster/kube-api.js';

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
  /** The Kubernetes API, when the service runs in a pod (undefined elsewhere: the page says it cannot show the cluster). */
  kubeApi?: KubeApiConfig;
  /** The app's namespace and name (its Deployment, HPA and pod label). */
  app: AppRef;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The API's address as a pod sees it (KUBERNETES_API_URL overrides it, for a proxy or a test). */
function kubeApiFromEnv(env: NodeJS.ProcessEnv, serviceAccountDir: string): KubeApiConfig | undefined {
  if (env.KUBERNETES_API_URL) return { url: env.KUBERNETES_API_URL, serviceAccountDir };
  const host = env.KUBERNETES_SERVICE_HOST;
  if (!host) return undefined;
  return { url: `https://${host.includes(':') ? `[${host}]` : host}:${env.KUBERNETES_SERVICE_PORT || 443}`, serviceAccountDir };
}

/** The pod's namespace: POD_NAMESPACE (the Downward API), else the ServiceAccount's namespace file. */
function namespaceFromEnv(env: NodeJS.ProcessEnv, serviceAccountDir: string): string {
  if (env.POD_NAMESPACE) return env.POD_NAMESPACE;
  try {
    return readFileSync(join(serviceAccountDir, 'namespace'), 'utf8').trim() || 'default';
  } catch {
    return 'default';
  }
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const serviceAccountDir = env.SERVICE_ACCOUNT_DIR || SERVICE_ACCOUNT_DIR;
  return {
    port: Number(env.PORT ?? 8080),
    nodeName: env.NODE_NAME || 'unknown (NODE_NAME not set)',
    podName: env.POD_NAME || hostname(),
    grafanaPanelUrl: env.GRAFANA_PANEL_URL || undefined,
    maxLoadSeconds: 300,
    cgroupRoot: env.CGROUP_ROOT ?? '/sys/fs/cgroup',
    logRequests: env.LOG_REQUESTS === 'true',
    shutdownGraceMs: 1000 * (Number(env.SHUTDOWN_GRACE_SECONDS) > 0 ? Number(env.SHUTDOWN_GRACE_SECONDS) : 10),
    kubeApi: kubeApiFromEnv(env, serviceAccountDir),
    app: { namespace: namespaceFromEnv(env, serviceAccountDir), name: env.APP_NAME || 'stress' },
  };
}
