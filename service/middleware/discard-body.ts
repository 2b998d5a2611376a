import type { IncomingMessage } from 'node:http';

/** How much of a refused body is still read and dropped before the answer goes out. */
const DISCARD_LIMIT = { bytes: 16 * 1024 * 1024, ms: 10_000 } as const;

/**
 * Reads and drops the rest of a request body that will not be used, up to the limit; true when
 * it all arrived. A client writes its whole body before it reads the answer: closing the socket
 * under it gives the client EPIPE or a reset instead of the 413 it should read (with
 * `Connection: close`, Node closes right after the answer), so the answer waits for the body.
 */
export function discardBody(request: IncomingMessage): Promise<boolean> {
  if (request.complete) return Promise.resolve(true);
  return new Promise((resolve) => {
    let received = 0;
    const finish = () => {
      clearTimeout(timer);
      request.off('data', count).off('end', finish).off('close', finish);
      if (!request.complete) request.pause();
      resolve(request.complete);
    };
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received > DISCARD_LIMIT.bytes) finish();
    };
    const timer = setTimeout(finish, DISCARD_LIMIT.ms);
    request.on('data', count).once('end', finish).once('close', finish);
    request.resume();
  });
}
