import { createService } from './app.js';
import { configFromEnv } from './config.js';
import { jsonLogger } from './log.js';

const config = configFromEnv();
const service = createService(config, jsonLogger);
service.server.listen(config.port, () => {
  jsonLogger('info', 'listening', {
    port: config.port,
    node: config.nodeName,
    pod: config.podName,
    cpus: service.context.cpuLimit.cpus,
    cpuSource: service.context.cpuLimit.source,
  });
});

// Kubernetes sends SIGTERM and waits: finish what is in flight, stop the load, then exit.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, async () => {
    jsonLogger('info', 'shutting down', { signal });
    await service.close();
    process.exit(0);
  });
}
