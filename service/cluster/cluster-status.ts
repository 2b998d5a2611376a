import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodList } from 'kubernetes-models/v1/PodList';
import { getJson, type KubeApiConfig } from './kube-api.js';

/** What the page shows of the app in the cluster, or why it cannot. */
export type ClusterStatus =
  | {
      available: true;
      hpa: { min: number; max: number; current: number; desired: number; targetCpu?: number; currentCpu?: number };
      deployment: { replicas: number; ready: number; updated: number };
      pods: Array<{ name: string; node: string; phase: string; ready: boolean; restarts: number }>;
    }
  | { available: false; reason: string };

/** Where the app's objects are: the pod's namespace, and the name the Deployment, HPA and pod label share. */
export interface AppRef {
  namespace: string;
  name: string;
}

/** The HPA, the Deployment and the pods of the app, read with the pod's read-only ServiceAccount. */
export async function readClusterStatus(api: KubeApiConfig | undefined, app: AppRef): Promise<ClusterStatus> {
  if (!api) return { available: false, reason: 'the service is not running in Kubernetes (KUBERNETES_SERVICE_HOST is not set)' };
  const ns = encodeURIComponent(app.namespace);
  const name = encodeURIComponent(app.name);
  try {
    const [hpa, deployment, pods] = await Promise.all([
      getJson<IHorizontalPodAutoscaler>(api, `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers/${name}`),
      getJson<IDeployment>(api, `/apis/apps/v1/namespaces/${ns}/deployments/${name}`),
      getJson<IPodList>(api, `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(`app.kubernetes.io/name=${app.name}`)}`),
    ]);
    const cpuTarget = hpa.spec?.metrics?.find((metric) => metric.resource?.name === 'cpu')?.resource?.target.averageUtilization;
    const cpuNow = hpa.status?.currentMetrics?.find((metric) => metric.resource?.name === 'cpu')?.resource?.current.averageUtilization;
    return {
      available: true,
      hpa: {
        min: hpa.spec?.minReplicas ?? 1,
        max: hpa.spec?.maxReplicas ?? 0,
        current: hpa.status?.currentReplicas ?? 0,
        desired: hpa.status?.desiredReplicas ?? 0,
        targetCpu: cpuTarget,
        currentCpu: cpuNow,
      },
      deployment: {
        replicas: deployment.status?.replicas ?? 0,
        ready: deployment.status?.readyReplicas ?? 0,
        updated: deployment.status?.updatedReplicas ?? 0,
      },
      pods: pods.items.map((pod) => ({
        name: pod.metadata?.name ?? '',
        node: pod.spec?.nodeName ?? '',
        phase: pod.metadata?.deletionTimestamp ? 'Terminating' : (pod.status?.phase ?? 'Unknown'),
        ready: pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false,
        restarts: (pod.status?.containerStatuses ?? []).reduce((sum, container) => sum + container.restartCount, 0),
      })),
    };
  } catch (error) {
    return { available: false, reason: (error as Error).message };
  }
}

/** readClusterStatus at most once per interval, however many browsers poll: the API server is not load-tested along with the page. */
export function cachedClusterStatus(api: KubeApiConfig | undefined, app: AppRef, intervalMs = 2000): () => Promise<ClusterStatus> {
  let last: { at: number; status: Promise<ClusterStatus> } | undefined;
  return () => {
    const now = Date.now();
    if (!last || now - last.at >= intervalMs) last = { at: now, status: readClusterStatus(api, app) };
    return last.status;
  };
}
