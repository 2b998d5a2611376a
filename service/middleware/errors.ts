import type { Middleware } from 'koa';
import type { Logger } from '../log.js';
import { errorPage } from '../views/templates.js';
import { discardBody } from './discard-body.js';

/** Errors become HTML pages with the right status (413 for a body over the limit); 5xx are logged. */
export function errorPages(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.type = 'html';
        ctx.body = errorPage({ title: 'Not found', message: `There is no page at ${ctx.path}.` });
      }
    } catch (error) {
      const status = Number((error as { status?: number }).status ?? 500);
      // What is left of a refused body is read first, so that the client gets to read the answer;
      // past the limit the connection closes after it.
      if (status === 413 && !(await discardBody(ctx.req))) ctx.set('Connection', 'close');
      ctx.status = status;
      ctx.type = 'html';
      const message =
        status === 413
          ? 'The request body is too large. Nothing was started.'
          : status < 500
            ? (error as Error).message
            : 'Something went wrong on the server.';
      ctx.body = errorPage({ title: `Error ${status}`, message });
      if (status >= 500) log('error', 'request failed', { path: ctx.path, error: (error as Error).message });
    }
  };
}
