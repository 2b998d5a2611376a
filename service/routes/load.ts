import type Router from '@koa/router';
import type { ServiceContext } from '../app.js';
import { errorPage, loadPage } from '../views/templates.js';

/** The duration a form sent, if it is a whole number of seconds within the allowed range. */
export function parseDuration(raw: unknown, max: number): number | undefined {
  if (typeof raw !== 'string' || !/^\d{1,6}$/.test(raw.trim())) return undefined;
  const seconds = Number(raw.trim());
  return seconds >= 1 && seconds <= max ? seconds : undefined;
}

/** POST /load: validate the duration on the server, start (or extend) the load, answer at once. */
export function loadRoute(router: Router, service: ServiceContext): void {
  router.post('load', '/load', (ctx) => {
    const raw = (ctx.request.body as Record<string, unknown> | undefined)?.duration;
    const seconds = parseDuration(raw, service.config.maxLoadSeconds);
    ctx.type = 'html';
    if (seconds === undefined) {
      ctx.status = 400;
      const sent = raw === undefined ? 'nothing' : `"${String(raw).slice(0, 40)}"`;
      ctx.body = errorPage({ title: 'Invalid duration', message: `The duration must be a whole number of seconds from 1 to ${service.config.maxLoadSeconds}; the form sent ${sent}. No load was started.` });
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
