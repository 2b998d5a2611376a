import type Router from '@koa/router';
import { koaBody } from 'koa-body';
import type { ServiceContext } from '../context.js';
import { errorPage, loadPage } from '../views/templates.js';

/** The duration a form sent, if it is written as a whole number of seconds (no sign, space or leading zero) within the range. */
export function parseDuration(raw: unknown, max: number): number | undefined {
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,5}$/.test(raw)) return undefined;
  const seconds = Number(raw);
  return seconds <= max ? seconds : undefined;
}

/** The form is one small field: anything much larger is refused with 413 before it is parsed. */
const BODY_LIMIT = '16kb';

/** POST /load: validate the duration on the server, start (or extend) the load, answer at once. */
export function loadRoute(router: Router, service: ServiceContext): void {
  // Only this route reads a body: other requests skip the parser altogether.
  const form = koaBody({ urlencoded: true, json: false, text: false, multipart: false, formLimit: BODY_LIMIT });
  router.post('load', '/load', form, (ctx) => {
    const raw = (ctx.request.body as Record<string, unknown> | undefined)?.duration;
    const seconds = parseDuration(raw, service.config.maxLoadSeconds);
    ctx.type = 'html';
    if (seconds === undefined) {
      ctx.status = 400;
      const sent = raw === undefined ? 'nothing' : `"${String(raw).slice(0, 40)}"`;
      ctx.body = errorPage({
        title: 'Invalid duration',
        message: `The duration must be a whole number of seconds from 1 to ${service.config.maxLoadSeconds}; the form sent ${sent}. No load was started.`,
      });
      return;
    }
    const outcome = service.load.start(seconds);
    service.metrics.loadSeconds.inc(seconds);
    service.metrics.loadWorkers.set(outcome.status.workers);
    service.log('info', 'load', { seconds, outcome: outcome.kind, workers: outcome.status.workers });
    const { workers, secondsLeft } = outcome.status;
    const message = {
      started: `Started CPU load on ${workers} CPU(s) of this pod for ${seconds} seconds.`,
      extended: `A load was already running; it now runs on ${workers} CPU(s) for ${secondsLeft} more seconds.`,
      unchanged: `A load is already running on ${workers} CPU(s) for ${secondsLeft} more seconds, longer than the ${seconds} seconds asked for.`,
    }[outcome.kind];
    ctx.body = loadPage({ message, podName: service.config.podName, nodeName: service.config.nodeName, panelUrl: service.config.grafanaPanelUrl });
  });
}
