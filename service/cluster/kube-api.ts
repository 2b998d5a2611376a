import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';

/** How the pod reaches the Kubernetes API: its ServiceAccount's token and CA, as every in-cluster client does. */
export interface KubeApiConfig {
  /** https://KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT, or KUBERNETES_API_URL. */
  url: string;
  /** The mounted ServiceAccount directory (token, ca.crt); the token is read again for each call, since Kubernetes rotates it. */
  serviceAccountDir: string;
}

/** A failed call, in words for the page: what was asked and why it was not answered. */
export class KubeApiError extends Error {}

const TIMEOUT_MS = 2000;
const MAX_BYTES = 4 * 1024 * 1024;

/** GET a path of the API as JSON; rejects with a KubeApiError that says why. */
export function getJson<T>(api: KubeApiConfig, path: string): Promise<T> {
  let token: string;
  let ca: Buffer | undefined;
  try {
    token = readFileSync(join(api.serviceAccountDir, 'token'), 'utf8').trim();
    ca = api.url.startsWith('https:') ? readFileSync(join(api.serviceAccountDir, 'ca.crt')) : undefined;
  } catch (error) {
    return Promise.reject(new KubeApiError(`no ServiceAccount credentials in ${api.serviceAccountDir} (${(error as NodeJS.ErrnoException).code})`));
  }
  const url = new URL(path, api.url);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const call = request(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, ca, timeout: TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BYTES) call.destroy(new KubeApiError(`the answer to ${url.pathname} is over ${MAX_BYTES} bytes`));
        else chunks.push(chunk);
      });
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (response.statusCode !== 200) {
          const message = parseMessage(text);
          return reject(new KubeApiError(`GET ${url.pathname}: ${response.statusCode}${message ? ` ${message}` : ''}`));
        }
        try {
          resolve(JSON.parse(text) as T);
        } catch {
          reject(new KubeApiError(`GET ${url.pathname}: the answer is not JSON`));
        }
      });
    });
    call.on('timeout', () => call.destroy(new KubeApiError(`GET ${url.pathname}: no answer within ${TIMEOUT_MS / 1000} s`)));
    call.on('error', (error) => reject(error instanceof KubeApiError ? error : new KubeApiError(`GET ${url.pathname}: ${error.message}`)));
    call.end();
  });
}

/** The message of a Kubernetes Status answer (403 Forbidden says which verb and resource). */
function parseMessage(text: string): string | undefined {
  try {
    return (JSON.parse(text) as { message?: string }).message;
  } catch {
    return undefined;
  }
}
