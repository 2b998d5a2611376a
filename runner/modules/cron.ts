import { posix } from 'node:path';
import Type from 'typebox';
import { shellQuote } from '../shell/quote.js';
import { defineModule, type Step } from './module.js';
import { planFileContent } from './support/file-content.js';

export interface CronJob {
  name: string;
  job?: string;
  state: 'present' | 'absent';
  minute: string;
  hour: string;
  day: string;
  month: string;
  weekday: string;
  special_time?: string;
  disabled: boolean;
  /** The user column of a cron_file line. */
  user?: string;
  /** A variable line (NAME="job") rather than a job. */
  env?: boolean;
  /** Where a new variable goes: after or before the line of this other variable (default: the top). */
  insertafter?: string;
  insertbefore?: string;
}

/** The job's line as cron reads it (commented out when disabled). */
export function cronLine(job: CronJob): string {
  const when = job.special_time ? `@${job.special_time}` : [job.minute, job.hour, job.day, job.month, job.weekday].join(' ');
  return `${job.disabled ? '#' : ''}${when} ${job.user !== undefined ? `${job.user} ` : ''}${job.job}`;
}

/**
 * A crontab's text with the job as Ansible's cron keeps it: a '#Ansible: NAME' line, then the job's
 * line; replaced in place, added at the end, or removed with its marker. Pure.
 */
export function editCrontab(text: string, job: CronJob): string | Error {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  if (job.env) {
    // A variable: NAME="value", replaced where it is; a new one at the top, or after/before another.
    const line = (name: string) => lines.findIndex((l) => l.startsWith(`${name}=`));
    const at = line(job.name);
    const decl = `${job.name}="${job.job}"`;
    if (job.state === 'absent') {
      if (at !== -1) lines.splice(at, 1);
    } else if (at !== -1) lines[at] = decl;
    else if (job.insertafter !== undefined || job.insertbefore !== undefined) {
      const other = (job.insertafter ?? job.insertbefore)!;
      const index = line(other);
      if (index === -1) return new Error(`Variable named '${other}' not found.`);
      lines.splice(job.insertafter !== undefined ? index + 1 : index, 0, decl);
    } else lines.unshift(decl);
    return lines.length ? `${lines.join('\n')}\n` : '';
  }
  const marker = `#Ansible: ${job.name}`;
  const at = lines.indexOf(marker);
  if (job.state === 'absent') {
    if (at !== -1) lines.splice(at, 2);
  } else if (at !== -1) lines[at + 1] = cronLine(job);
  else lines.push(marker, cronLine(job));
  return lines.length ? `${lines.join('\n')}\n` : '';
}

const field = (description: string) => Type.String({ default: '*', description });

export default defineModule({
  name: 'cron',
  description:
    "Keeps a named job in a user's crontab or in a file of /etc/cron.d, as Ansible's cron does (a '#Ansible: NAME' line above the job), or removes it.",
  args: Type.Object(
    {
      name: Type.String({ description: "The job's name, written in the marker line." }),
      job: Type.Optional(Type.String({ description: 'The command to run (needed to add a job).', aliases: ['value'] })),
      state: Type.Enum(['present', 'absent'], { default: 'present', description: 'Whether the job is there.' }),
      minute: field('Minute (0-59, */5, ...).'),
      hour: field('Hour (0-23, ...).'),
      day: Type.String({ default: '*', description: 'Day of the month (1-31, ...).', aliases: ['dom'] }),
      month: field('Month (1-12, ...).'),
      weekday: Type.String({ default: '*', description: 'Day of the week (0-6 for Sunday-Saturday, ...).', aliases: ['dow'] }),
      special_time: Type.Optional(
        Type.Enum(['annually', 'daily', 'hourly', 'monthly', 'reboot', 'weekly', 'yearly'], { description: 'Instead of the five fields.' }),
      ),
      disabled: Type.Boolean({ default: false, description: 'Keep the job, commented out.' }),
      user: Type.Optional(
        Type.String({ description: 'Whose crontab (default: the connecting or become user); with cron_file, the user the job runs as (required there).' }),
      ),
      cron_file: Type.Optional(Type.String({ description: "A file of /etc/cron.d (a name, or a path) instead of a user's crontab." })),
      env: Type.Boolean({ default: false, description: 'Keep a variable (NAME="job") in the crontab instead of a job.' }),
      insertafter: Type.Optional(Type.String({ description: "With env: a new variable goes after this other variable's line." })),
      insertbefore: Type.Optional(Type.String({ description: "With env: a new variable goes before this other variable's line." })),
      backup: Type.Boolean({ default: false, description: 'Keep a copy of the crontab as it was in a temporary file on the host, its path in backup_file.' }),
    },
    { additionalProperties: false },
  ),
  returns: {
    jobs: { description: 'The names of the jobs this runner keeps in the crontab.', type: 'list' },
    envs: { description: 'The names of the variables the crontab sets.', type: 'list' },
    backup_file: { description: 'With backup: where the crontab as it was is kept.', type: 'string' },
  },
  examples: [
    {
      description: 'Clean a directory every night.',
      task: 'cron:\n  name: clean scratch\n  hour: "3"\n  minute: "0"\n  job: find /var/tmp/scratch -mtime +7 -delete\n  cron_file: example-clean\n  user: root',
    },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    if (args.state === 'present' && args.job === undefined)
      return { changed: false, failed: true, msg: "You must specify 'job' to install a new cron job or variable" };
    if (args.cron_file !== undefined && args.user === undefined && args.state === 'present')
      return { changed: false, failed: true, msg: 'To use cron_file=... parameter you must specify user=... as well' };
    if ((args.insertafter !== undefined || args.insertbefore !== undefined) && !args.env)
      return { changed: false, failed: true, msg: 'Insertafter and insertbefore parameters are valid only with env=yes' };
    if (args.env && args.name.includes(' ')) return { changed: false, failed: true, msg: 'Invalid name for environment variable' };
    const job: CronJob = { ...args, user: args.cron_file !== undefined ? args.user : undefined };
    const names = (text: string) => ({
      jobs: [...text.matchAll(/^#Ansible: (.*)$/gm)].map((m) => m[1]),
      envs: [...text.matchAll(/^(\S+?)=/gm)].map((m) => m[1]),
    });
    // As Ansible's backup: the crontab as it was, in a new temporary file, whether or not it changes.
    const backup = (before: string): Step[] =>
      args.backup
        ? [
            {
              what: 'backing up the crontab',
              command: 'b=$(mktemp -t crontabXXXXXXXX) && cat > "$b" && echo "$b"',
              stdin: before,
              interpret: (output) =>
                output.rc === 0 ? { backup_file: output.stdout.trim() } : { failed: true, msg: `backing up the crontab failed: ${output.stderr.trim()}` },
            },
          ]
        : [];
    if (args.cron_file !== undefined) {
      const path = args.cron_file.includes('/') ? args.cron_file : posix.join('/etc/cron.d', args.cron_file);
      const { state, content } = await ctx.readPath(path, 'content');
      const before = content?.toString('utf8') ?? '';
      const after = editCrontab(before, job);
      if (after instanceof Error) return { changed: false, failed: true, msg: after.message };
      if (after === before) return { changed: false, ...names(before), steps: backup(before) };
      // A file left without a job goes, as Ansible removes it.
      if (after.trim() === '')
        return { changed: true, ...names(''), steps: [...backup(before), { what: `removing ${path}`, command: `rm -f -- ${shellQuote(path)}` }] };
      const plan = await planFileContent(ctx, path, after, { mode: '0644' }, { state, text: before });
      return { ...plan, ...names(after), steps: [...backup(before), ...(plan.steps ?? [])] };
    }
    const who = args.user !== undefined ? `-u ${shellQuote(args.user)} ` : '';
    // crontab -l says 'no crontab for USER' (rc 1) when there is none yet: an empty one.
    const listed = await ctx.run(`crontab ${who}-l`);
    if (listed.rc !== 0 && !/no crontab for/.test(listed.stderr)) return { changed: false, failed: true, msg: `crontab -l failed: ${listed.stderr.trim()}` };
    const before = listed.rc === 0 ? listed.stdout : '';
    const after = editCrontab(before, job);
    if (after instanceof Error) return { changed: false, failed: true, msg: after.message };
    if (after === before) return { changed: false, ...names(before), steps: backup(before) };
    const diff = ctx.diff ? [{ path: `crontab${args.user !== undefined ? ` of ${args.user}` : ''}`, before, after }] : undefined;
    return { changed: true, ...names(after), diff, steps: [...backup(before), { what: 'installing the crontab', command: `crontab ${who}-`, stdin: after }] };
  },
});
