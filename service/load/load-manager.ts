import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';

/**
 * The body of one load worker, run with `node -e`: burn CPU in 50 ms slices until the deadline,
 * take a later deadline when the server sends one, and exit when the server goes away. Inline so
 * it works the same from sources, the bundle and the container image.
 */
const BURN = `
process.title = 'stress-load-worker';
let deadline = Number(process.argv[1]);
process.on('message', (m) => { if (typeof m.deadline === 'number') deadline = m.deadline; });
process.on('disconnect', () => process.exit(0));
(function burn() {
  const slice = Date.now() + 50;
  while (Date.now() < slice) {}
  if (Date.now() >= deadline) process.exit(0);
  setImmediate(burn);
})();
`;

/** How long after the deadline a worker may take to exit on its own. */
const OVERTIME_MS = 250;

export interface LoadStatus {
  running: boolean;
  workers: number;
  secondsLeft: number;
}

export type LoadOutcome = { kind: 'started' | 'extended' | 'unchanged'; status: LoadStatus };

/**
 * CPU load on at most `maxWorkers` child processes at the lowest priority (nice 19), so the web
 * server keeps answering. A request during a load moves the end later (never earlier); the worker
 * count never grows past the limit, however many requests arrive. Workers stop by themselves at
 * the deadline; one starved of CPU (it is niced) is killed a moment later; all are killed and reaped
 * when the server stops.
 */
export class LoadManager {
  private readonly workers = new Set<ChildProcess>();
  private deadline = 0;
  private overtime?: NodeJS.Timeout;

  constructor(
    private readonly maxWorkers: number,
    private readonly now: () => number = Date.now,
  ) {}

  start(seconds: number): LoadOutcome {
    const until = this.now() + seconds * 1000;
    if (this.workers.size > 0) {
      if (until <= this.deadline) return { kind: 'unchanged', status: this.status() };
      this.deadline = until;
      for (const worker of this.workers) worker.send({ deadline: until });
      this.killAfterDeadline();
      return { kind: 'extended', status: this.status() };
    }
    this.deadline = until;
    for (let i = 0; i < this.maxWorkers; i++) this.spawnWorker(until);
    this.killAfterDeadline();
    return { kind: 'started', status: this.status() };
  }

  /** The server keeps the deadline too: a worker still there shortly after it is killed. */
  private killAfterDeadline(): void {
    clearTimeout(this.overtime);
    this.overtime = setTimeout(() => this.workers.forEach((worker) => worker.kill('SIGKILL')), Math.max(0, this.deadline - this.now()) + OVERTIME_MS);
    this.overtime.unref();
  }

  private spawnWorker(deadline: number): void {
    const worker = spawn(process.execPath, ['-e', BURN, String(deadline)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.workers.add(worker);
    try {
      setPriority(worker.pid!, 19);
    } catch {
      // Without the right to renice (rare), the load still runs; the server may slow down.
    }
    worker.on('exit', () => this.workers.delete(worker));
  }

  status(): LoadStatus {
    const secondsLeft = Math.max(0, Math.ceil((this.deadline - this.now()) / 1000));
    return { running: this.workers.size > 0, workers: this.workers.size, secondsLeft: this.workers.size > 0 ? secondsLeft : 0 };
  }

  pids(): number[] {
    return [...this.workers].map((worker) => worker.pid!).filter(Boolean);
  }

  /** Stop every worker and wait until each has exited (and been reaped). */
  async stopAll(): Promise<void> {
    clearTimeout(this.overtime);
    const exits = [...this.workers].map(
      (worker) => new Promise<void>((resolve) => (worker.exitCode !== null || worker.signalCode !== null ? resolve() : worker.once('exit', () => resolve()))),
    );
    for (const worker of this.workers) worker.kill('SIGKILL');
    await Promise.all(exits);
    this.deadline = 0;
  }
}
