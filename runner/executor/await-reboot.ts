import { setTimeout as sleep } from 'node:timers/promises';
import { UnreachableError, type ExecResult } from '../connection/connection.js';
import type { AwaitRebootStep, ModuleResult } from '../modules/module.js';

/** What waiting needs of the host's connection: running a command, and dropping the connection for a new one. */
interface Reconnecting {
  run(command: string, options: object): Promise<ExecResult>;
  reconnect(): Promise<void>;
}

/** The longest pause between two attempts, as Ansible's reboot waits (exponential, then 12 s plus up to 1 s). */
const MAX_PAUSE_S = 12;

/** An attempt that takes longer than this is given up, and its connection with it: a host going down can leave a connection hanging. */
async function withinTime<T>(work: Promise<T>, seconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UnreachableError('', `no answer within ${seconds}s`)), seconds * 1000);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Retries an attempt until it succeeds or the time is up; a connection that is lost (the host went
 * down) or does not answer is dropped, so the next attempt connects again. Returns whether it succeeded.
 */
async function untilSuccess(attempt: () => Promise<void>, step: AwaitRebootStep['awaitReboot'], applier: Reconnecting): Promise<boolean> {
  const end = Date.now() + step.timeoutS * 1000;
  for (let failures = 0; Date.now() < end; failures++) {
    try {
      await withinTime(attempt(), step.attemptTimeoutS);
      return true;
    } catch (error) {
      if (error instanceof UnreachableError) await applier.reconnect();
    }
    const pause = (Math.min(2 ** failures, MAX_PAUSE_S) + Math.random()) * 1000;
    await sleep(Math.max(0, Math.min(pause, end - Date.now())));
  }
  return false;
}

/**
 * After the reboot command: waits until the host answers with another boot time than before, then
 * until its test command succeeds, as Ansible's reboot does. The result says how many seconds it took.
 */
export async function awaitReboot(step: AwaitRebootStep['awaitReboot'], applier: Reconnecting): Promise<Partial<ModuleResult>> {
  const started = Date.now();
  const elapsed = () => Math.floor((Date.now() - started) / 1000);
  if (step.postRebootDelayS > 0) await sleep(step.postRebootDelayS * 1000);
  const bootTimeChanged = async () => {
    const output = await applier.run(step.bootTimeCommand, {});
    const now = output.stdout.trim();
    if (output.rc !== 0 || now === '' || now === step.previousBootTime) throw new Error('boot time has not changed');
  };
  const testPasses = async () => {
    const output = await applier.run(step.testCommand, {});
    if (output.rc !== 0) throw new Error(`Test command failed: ${output.stderr} ${output.stdout}`);
  };
  for (const [check, description] of [
    [bootTimeChanged, 'last boot time check'],
    [testPasses, 'post-reboot test command'],
  ] as const) {
    if (!(await untilSuccess(check, step, applier)))
      return { failed: true, rebooted: true, elapsed: elapsed(), msg: `Timed out waiting for ${description} (timeout=${step.timeoutS})` };
  }
  return { changed: true, rebooted: true, elapsed: elapsed() };
}
