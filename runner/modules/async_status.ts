import Type from 'typebox';
import { jobCleanupCommand, jobStatusCommand, parseJobStatus } from '../facts/async-job.js';
import { defineModule } from './module.js';

export default defineModule({
  name: 'async_status',
  description:
    'Reads a background job started with async and poll: 0: finished (1 or 0) and, once it has, its rc, stdout and stderr. Wait for one with until: result.finished.',
  args: Type.Object(
    {
      jid: Type.String({ description: "The job's id: the ansible_job_id of the task that started it." }),
      mode: Type.Enum(['status', 'cleanup'], { default: 'status', description: "status: read it; cleanup: remove the job's files." }),
    },
    { additionalProperties: false },
  ),
  returns: {
    finished: { description: '1 once the job has ended, else 0.', type: 'number' },
    rc: { description: "The job's exit code, once finished.", type: 'number' },
    stdout: { description: 'Its standard output, once finished (without its last newlines).', type: 'string' },
    stderr: { description: 'Its standard error, once finished.', type: 'string' },
  },
  examples: [
    {
      description: "Remove a job's files once its result is read.",
      task: 'async_status:\n  jid: "{{ job.ansible_job_id }}"\n  mode: cleanup',
      given: { job: { ansible_job_id: 'j0123456789ab' } },
    },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    if (args.mode === 'cleanup')
      return {
        changed: false,
        ansible_job_id: args.jid,
        erased: `~/.ansible_async/${args.jid}`,
        steps: [{ what: `removing the files of job ${args.jid}`, command: jobCleanupCommand(args.jid) }],
      };
    const status = parseJobStatus(await ctx.read(`the state of job ${args.jid}`, jobStatusCommand(args.jid)));
    if (status.state !== 'finished')
      return status.state === 'running'
        ? { changed: false, finished: 0, started: 1, ansible_job_id: args.jid }
        : { changed: false, failed: true, finished: 1, ansible_job_id: args.jid, msg: `could not find job ${args.jid}` };
    const trim = (text: string) => text.replace(/[\r\n]+$/, '');
    return {
      changed: true,
      finished: 1,
      ansible_job_id: args.jid,
      rc: status.rc,
      stdout: trim(status.stdout),
      stderr: trim(status.stderr),
      stdout_lines: trim(status.stdout) === '' ? [] : trim(status.stdout).split('\n'),
      ...(status.rc !== 0 ? { failed: true, msg: 'non-zero return code' } : {}),
    };
  },
});
