import { shellQuote } from '../connection/command-line.js';
import { defineModule } from './module.js';

interface UriArgs {
  url: string;
  method?: string;
  body?: unknown;
  body_format?: 'raw' | 'json';
  headers?: Record<string, string>;
  status_code?: number | number[];
  return_content?: boolean;
  timeout?: number;
  validate_certs?: boolean;
}

/** The curl command line, run on the host (the host's view of the network is what is checked). */
export function curlCommand(args: UriArgs): string {
  const headers = Object.entries(args.headers ?? {}).map(([key, value]) => ` -H ${shellQuote(`${key}: ${value}`)}`).join('');
  const json = args.body_format === 'json' ? ` -H 'Content-Type: application/json'` : '';
  const body = args.body !== undefined ? ' --data-binary @-' : '';
  const insecure = args.validate_certs === false ? ' -k' : '';
  return `t=$(mktemp) || exit 1; code=$(curl -sS -X ${shellQuote(args.method ?? 'GET')} --max-time ${args.timeout ?? 30}${insecure}${headers}${json}${body} -o "$t" -w '%{http_code}' -- ${shellQuote(args.url)}); rc=$?; echo "$code"; cat "$t"; rm -f "$t"; exit $rc`;
}

export default defineModule<UriArgs>({
  name: 'uri',
  description: 'Makes an HTTP request from the host and fails unless the status is one of status_code (default 200).',
  args: {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: {
      url: { type: 'string' },
      method: { enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] },
      body: {},
      body_format: { enum: ['raw', 'json'] },
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      status_code: { anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }] },
      return_content: { type: 'boolean' },
      timeout: { type: 'number', minimum: 1 },
      validate_certs: { type: 'boolean' },
    },
  },
  checkMode: 'partial',
  async run(args, ctx) {
    const method = args.method ?? 'GET';
    if (ctx.check && method !== 'GET' && method !== 'HEAD') return { changed: false, skipped: true, msg: `skipped in check mode: ${method} could change the server` };
    const stdin = args.body === undefined ? undefined : typeof args.body === 'string' ? args.body : JSON.stringify(args.body);
    const result = await ctx.run(curlCommand(args), { stdin });
    const newline = result.stdout.indexOf('\n');
    const status = Number(result.stdout.slice(0, newline === -1 ? undefined : newline)) || -1;
    const content = newline === -1 ? '' : result.stdout.slice(newline + 1);
    const wanted = ([] as number[]).concat(args.status_code ?? 200);
    let json: unknown;
    try {
      json = JSON.parse(content);
    } catch {
      json = undefined;
    }
    const output = { changed: false, status, url: args.url, ...(args.return_content ? { content } : {}), ...(json !== undefined ? { json } : {}) };
    if (result.rc !== 0) return { ...output, failed: true, msg: `request to ${args.url} failed: ${result.stderr.trim() || `curl exit code ${result.rc}`}` };
    if (!wanted.includes(status)) return { ...output, failed: true, msg: `status ${status} from ${args.url}, expected ${wanted.join(' or ')}` };
    return { ...output, msg: `OK (${status})` };
  },
});
