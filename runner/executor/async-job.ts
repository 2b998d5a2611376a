import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ASYNC_DIR, jobCleanupCommand, jobStatusCommand, parseJobStatus } from '../facts/async-job.js';
import type { CommandStep, ModuleResult, Plan } from '../modules/module.js';
import { commandFailure } from '../modules/support/command-failure.js';
import { shellQuote } from '../shell/quote.js';
import type { Applier } from './apply-plan.js';

/**
 * The command that starts a step as a background job (Ansible's async): detached from the SSH
 * session (setsid), stopped after `seconds` (timeout), its stdin, output and exit code in files.
 */
export function startJobCommand(jid: string, step: CommandStep, seconds: number): string {
  const base = `${ASYNC_DIR}/${jid}`;
  const job = [
    ...(step.cwd ? [`cd -P ${shellQuote(step.cwd)} || { echo 1 > ${base}.rc; exit 1; }`] : []),
    `timeout ${seconds} sh -c ${shellQuote(step.command)} < ${base}.in > ${base}.out 2> ${base}.err`,
    `echo $? > ${base}.rc.tmp && mv ${base}.rc.tmp ${base}.rc`,
  ].join('\n');
  return `mkdir -p ${ASYNC_DIR} && cat > ${base}.in && : > ${base}.out && (setsid sh -c ${shellQuote(job)} </dev/null >/dev/null 2>&1 &)`;
}

/**
 * Runs a command module's plan as an async job: with poll 0 it is left running and the result
 * names it (ansible_job_id, for async_status); otherwise it is checked every `poll` seconds until
 * it ends, or fails once `seconds` have passed, as Ansible's async does.
 */
export async function runAsJob(plan: Plan, timing: { seconds: number; poll: number }, run: Applier['run']): Promise<ModuleResult> {
  const { steps = [], inCheckMode: _inCheckMode, ...result } = plan;
  const step = steps[0] as CommandStep;
  const jid = `j${randomBytes(6).toString('hex')}`;
  const started = await run(startJobCommand(jid, step, timing.seconds), { stdin: step.stdin ?? '' });
  if (started.rc !== 0) return { ...result, changed: false, failed: true, msg: commandFailure(`starting ${step.what} in the background`, started) };
  const job = { ansible_job_id: jid, results_file: `~/.ansible_async/${jid}`, started: 1 };
  if (timing.poll <= 0) return { ...result, ...job, changed: true, finished: 0 };
  const begun = Date.now();
  for (;;) {
    await sleep(timing.poll * 1000);
    const status = parseJobStatus((await run(jobStatusCommand(jid), {})).stdout);
    if (status.state === 'finished') {
      await run(jobCleanupCommand(jid), {});
      if (status.rc === 124)
        return {
          ...result,
          ...job,
          changed: false,
          failed: true,
          finished: 1,
          msg: `async task did not complete within the requested time - ${timing.seconds}s`,
        };
      const output = { rc: status.rc, stdout: status.stdout, stderr: status.stderr };
      return { ...result, ...(step.interpret ? step.interpret(output, Date.now() - begun) : {}), ...job, finished: 1 };
    }
    // The job's own timeout ends it; this bound only guards against a job whose files vanished.
    if (status.state === 'unknown' || Date.now() - begun > (timing.seconds + 2 * timing.poll + 10) * 1000)
      return { ...result, ...job, changed: false, failed: true, finished: 0, msg: `could not find job ${jid}` };
  }
}
