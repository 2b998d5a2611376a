import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UnreachableError, type ExecResult } from '../connection/connection.js';
import type { ModuleDeclaration, CommandStep, ModuleResult, Plan, Step } from '../modules/module.js';
import { commandFailure } from '../modules/support/command-failure.js';
import { awaitReboot } from './await-reboot.js';
import { writeLocalFileAtomic } from './local-file.js';

export interface Applier {
  check: boolean;
  run(command: string, options: { stdin?: string | Buffer; cwd?: string }): Promise<ExecResult>;
  /** Drops the host's connection; the next run opens a new one (after a reboot). */
  reconnect(): Promise<void>;
}

/**
 * Check mode is structural: a module only plans, and this is the one place that changes a host.
 * Steps run in order; the first that fails stops the rest and fails the task with what it was.
 */
export async function applyPlan(module: Pick<ModuleDeclaration, 'name' | 'checkMode'>, plan: Plan, applier: Applier): Promise<ModuleResult> {
  const { steps = [], inCheckMode, ...result } = plan;
  if (result.failed || steps.length === 0) return result;
  if (applier.check) {
    if (module.checkMode === 'full') return result;
    return inCheckMode ?? { changed: false, skipped: true, msg: `skipped in check mode: what ${module.name} changes cannot be predicted` };
  }
  let outcome: ModuleResult = result;
  for (const [index, step] of steps.entries()) {
    const done = await applyStep(step, applier);
    if (done.failed) return { ...outcome, ...done, changed: index > 0 && outcome.changed };
    outcome = { ...outcome, ...done };
  }
  return outcome;
}

async function applyStep(step: Step, applier: Applier): Promise<Partial<ModuleResult>> {
  if ('writeLocal' in step) {
    const { path, content, mode } = step.writeLocal;
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await writeLocalFileAtomic(path, content, mode);
      return {};
    } catch (error) {
      return { failed: true, msg: `${step.what} failed: ${(error as Error).message}` };
    }
  }
  if ('awaitReboot' in step) return awaitReboot(step.awaitReboot, applier);
  const started = Date.now();
  const output = await applier.run(step.command, { stdin: step.stdin, cwd: step.cwd }).catch((error: unknown) => {
    // A reboot command may end the connection before it answers: that is what it was asked to do.
    if (step.mayDisconnect && error instanceof UnreachableError) return { rc: 0, stdout: '', stderr: '' };
    throw error;
  });
  if (step.interpret) return step.interpret(output, Date.now() - started);
  if (output.rc === 0) return {};
  return { failed: true, msg: await failureMessage(step, output, applier) };
}

/** One wording for every failed step: what it was, its exit code, the end of its error output. */
async function failureMessage(step: CommandStep, output: ExecResult, applier: Applier): Promise<string> {
  const message = commandFailure(step.what, output);
  if (!step.diagnose) return message;
  const diagnosis = await applier.run(step.diagnose, {});
  return diagnosis.stdout.trim() ? `${message}\n${diagnosis.stdout.trim()}` : message;
}
