import { createServer, type Server } from 'node:http';

/** One pod as the stub lists it. */
export interface StubPod {
  name: string;
  node: string;
  ready: boolean;
}

/** What the stub's HPA reports. */
export interface StubScale {
  min: number;
  max: number;
  current: number;
  desired: number;
  targetCpu: number;
  currentCpu?: number;
}

/**
 * TEST DOUBLE of the Kubernetes API server, for the stress page: it answers only what the app's
 * ServiceAccount may read (RBAC get on its HPA and Deployment, list of its pods, in its namespace),
 * as the real one does: 401 for a wrong token, 403 Forbidden (a Status naming verb, resource and
 * namespace) for anything else, 404 NotFound for another name, and label selectors applied.
 */
export async function startKubeApiStub(options: {
  token: string;
  namespace: string;
  app: string;
  pods: StubPod[];
  scale: StubScale;
}): Promise<{ url: string; server: Server; requests: string[] }> {
  const requests: string[] = [];
  const status = (code: number, reason: string, message: string) => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });
  const user = `system:serviceaccount:${options.namespace}:${options.app}`;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const send = (code: number, body: unknown) => res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.headers.authorization !== `Bearer ${options.token}`) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    const match = /^\/(?:api\/v1|apis\/(apps|autoscaling)\/(v1|v2))\/namespaces\/([^/]+)\/([a-z]+)(?:\/([^/]+))?$/.exec(url.pathname);
    const group = match?.[1] ?? '';
    const [namespace, resource, name] = [match?.[3], match?.[4], match?.[5]];
    const verb = req.method !== 'GET' ? req.method!.toLowerCase() : name ? 'get' : 'list';
    const allowed =
      namespace === options.namespace &&
      ((verb === 'get' && group === 'autoscaling' && resource === 'horizontalpodautoscalers') ||
        (verb === 'get' && group === 'apps' && resource === 'deployments') ||
        (verb === 'list' && group === '' && resource === 'pods'));
    if (!match || !allowed) {
      const what = `${resource ?? url.pathname}${group ? `.${group}` : ''}${name ? ` "${name}"` : ''}`;
      return send(
        403,
        status(
          403,
          'Forbidden',
          `${what} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group}" in the namespace "${namespace}"`,
        ),
      );
    }
    if (name !== undefined && name !== options.app) return send(404, status(404, 'NotFound', `${resource}.${group} "${name}" not found`));
    const { scale, pods } = options;
    if (resource === 'horizontalpodautoscalers') {
      return send(200, {
        kind: 'HorizontalPodAutoscaler',
        apiVersion: 'autoscaling/v2',
        metadata: { name: options.app, namespace },
        spec: {
          minReplicas: scale.min,
          maxReplicas: scale.max,
          scaleTargetRef: { kind: 'Deployment', name: options.app },
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: scale.targetCpu } } }],
        },
        status: {
          currentReplicas: scale.current,
          desiredReplicas: scale.desired,
          currentMetrics:
            scale.currentCpu === undefined ? [] : [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: scale.currentCpu } } }],
        },
      });
    }
    if (resource === 'deployments') {
      const ready = pods.filter((pod) => pod.ready).length;
      return send(200, {
        kind: 'Deployment',
        apiVersion: 'apps/v1',
        metadata: { name: options.app, namespace },
        status: { replicas: pods.length, readyReplicas: ready, updatedReplicas: pods.length },
      });
    }
    const selector = url.searchParams.get('labelSelector');
    const items = selector === `app.kubernetes.io/name=${options.app}` ? pods : [];
    return send(200, {
      kind: 'PodList',
      apiVersion: 'v1',
      items: items.map((pod) => ({
        metadata: { name: pod.name, namespace, labels: { 'app.kubernetes.io/name': options.app } },
        spec: { nodeName: pod.node, containers: [{ name: 'stress' }] },
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: pod.ready ? 'True' : 'False' }],
          containerStatuses: [{ name: 'stress', restartCount: 0, ready: pod.ready, image: 'node', imageID: '' }],
        },
      })),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server, requests };
}
