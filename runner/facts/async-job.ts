import { shellQuote } from '../shell/quote.js';

/**
 * A command run in the background (async): its files in ~/.ansible_async, as Ansible keeps its jobs
 * there: JID.in (its stdin), JID.out and JID.err, and JID.rc once it has ended (written last, through a rename).
 */
export const ASYNC_DIR = '"$HOME/.ansible_async"';

/** Reads a job in one round trip: running, or its exit code and output (base64, so any bytes pass). */
export function jobStatusCommand(jid: string): string {
  const base = `${ASYNC_DIR}/${shellQuote(jid)}`;
  return [
    `[ -f ${base}.out ] || { echo state=unknown; exit 0; }`,
    `[ -f ${base}.rc ] || { echo state=running; exit 0; }`,
    'echo state=finished',
    `echo "rc=$(cat ${base}.rc)"`,
    `echo "out=$(base64 -w0 < ${base}.out)"`,
    `echo "err=$(base64 -w0 < ${base}.err)"`,
  ].join('; ');
}

/** Removes a job's files (async_status mode: cleanup, and after a poll has read them). */
export const jobCleanupCommand = (jid: string) => `rm -f ${['in', 'out', 'err', 'rc'].map((kind) => `${ASYNC_DIR}/${shellQuote(`${jid}.${kind}`)}`).join(' ')}`;

export type JobStatus = { state: 'unknown' | 'running' } | { state: 'finished'; rc: number; stdout: string; stderr: string };

export function parseJobStatus(output: string): JobStatus {
  const field = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(output)?.[1] ?? '';
  const state = field('state');
  if (state !== 'finished') return { state: state === 'running' ? 'running' : 'unknown' };
  const text = (key: string) => Buffer.from(field(key), 'base64').toString('utf8');
  return { state, rc: Number(field('rc')), stdout: text('out'), stderr: text('err') };
}
