import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from './workspace.js';
import { createService, type Service } from '../../service/app.js';
import type { ServiceConfig } from '../../service/config.js';

/** The stress service on a free loopback port, with a cgroup CPU limit the test chooses (cpu.max) and its log lines kept. */
export async function startService(
  config: Partial<ServiceConfig> = {},
  cpuMax = '100000 100000',
): Promise<{ service: Service; port: number; url: string; logs: unknown[] }> {
  const cgroupRoot = scratchDir('cgroup-');
  writeFileSync(join(cgroupRoot, 'cpu.max'), cpuMax);
  const logs: unknown[] = [];
  const service = createService(
    {
      port: 0,
      nodeName: 'node-a',
      podName: 'pod-1',
      maxLoadSeconds: 300,
      cgroupRoot,
      logRequests: true,
      shutdownGraceMs: 10_000,
      app: { namespace: 'default', name: 'stress' },
      ...config,
    },
    (level, msg, fields) => logs.push({ level, msg, ...fields }),
  );
  await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
  const { port } = service.server.address() as { port: number };
  return { service, port, url: `http://127.0.0.1:${port}`, logs };
}

/** A ServiceAccount's mounted directory, as Kubernetes gives it to a pod: its token (no CA: the stub API is plain HTTP). */
export function serviceAccountDir(token: string): string {
  const dir = scratchDir('serviceaccount-');
  writeFileSync(join(dir, 'token'), `${token}\n`);
  return dir;
}
