import type { ServiceConfig } from './config.js';
import type { CpuLimit } from './load/cpu-limit.js';
import type { LoadManager } from './load/load-manager.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';

/** What every route and middleware of the service shares. */
export interface ServiceContext {
  config: ServiceConfig;
  cpuLimit: CpuLimit;
  load: LoadManager;
  metrics: Metrics;
  log: Logger;
  shuttingDown(): boolean;
}
