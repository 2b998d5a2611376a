import Type, { type Static } from 'typebox';
import type { ExecResult } from '../connection/connection.js';
import { shellQuote } from '../shell/quote.js';
import { defineModule, type ModuleResult } from './module.js';

const uriArgs = Type.Object(
  {
    url: Type.String({ description: 'The URL, requested from the host (its view of the network is what is checked).' }),
    method: Type.Enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], { default: 'GET', description: 'The HTTP method.' }),
    body: Type.Optional(Type.Unknown({ description: 'The request body: a string as it is, anything else as JSON.' })),
    body_format: Type.Enum(['raw', 'json'], { default: 'raw', description: "'json' sends Content-Type: application/json." }),
    headers: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Request headers.' })),
    status_code: Type.Union([Type.Integer(), Type.Array(Type.Integer())], { default: 200, description: 'The status (or statuses) that count as success.' }),
    return_content: Type.Boolean({ default: false, description: 'Return the body as content (a JSON body is always returned as json).' }),
    timeout: Type.Number({ minimum: 1, default: 30, description: 'Seconds the request may take.' }),
    validate_certs: Type.Boolean({ default: true, description: "Whether the server's TLS certificate must be valid." }),
  },
  { additionalProperties: false },
);

type UriArgs = Static<typeof uriArgs>;

/** The curl command line, run on the host (the host's view of the network is what is checked). */
export function curlCommand(args: UriArgs): string {
  const headers = Object.entries(args.headers ?? {})
    .map(([key, value]) => ` -H ${shellQuote(`${key}: ${value}`)}`)
    .join('');
  const json = args.body_format === 'json' ? ` -H 'Content-Type: application/json'` : '';
  const body = args.body !== undefined ? ' --data-binary @-' : '';
  const insecure = args.validate_certs === false ? ' -k' : '';
  return `t=$(mktemp) || exit 1; code=$(curl -sS -X ${shellQuote(args.method)} --max-time ${args.timeout}${insecure}${headers}${json}${body} -o "$t" -w '%{http_code}' -- ${shellQuote(args.url)}); rc=$?; echo "$code"; cat "$t"; rm -f "$t"; exit $rc`;
}

/** The response as the result: status, content and json; failed unless the status is wanted. */
function responseResult(args: UriArgs, output: ExecResult): Partial<ModuleResult> {
  const newline = output.stdout.indexOf('\n');
  const status = Number(output.stdout.slice(0, newline === -1 ? undefined : newline)) || -1;
  const content = newline === -1 ? '' : output.stdout.slice(newline + 1);
  const wanted = ([] as number[]).concat(args.status_code);
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    json = undefined;
  }
  const response = { changed: false, status, url: args.url, ...(args.return_content ? { content } : {}), ...(json !== undefined ? { json } : {}) };
  if (output.rc !== 0) return { ...response, failed: true, msg: `request to ${args.url} failed: ${output.stderr.trim() || `curl exit code ${output.rc}`}` };
  if (!wanted.includes(status)) return { ...response, failed: true, msg: `status ${status} from ${args.url}, expected ${wanted.join(' or ')}` };
  return { ...response, msg: `OK (${status})` };
}

export default defineModule({
  name: 'uri',
  description:
    'Makes an HTTP request from the host and fails unless the status is one of status_code (default 200). Skipped in check mode, as in Ansible: a request may change the server.',
  args: uriArgs,
  returns: {
    status: { description: 'The HTTP status (-1 when there was no response).', type: 'number' },
    content: { description: 'The body, with return_content.', type: 'string' },
    json: { description: 'The body parsed, when it is JSON.', type: 'dict' },
  },
  examples: [
    { description: "Check that the app answers through the node's NodePort.", task: 'uri:\n  url: "http://{{ ansible_host }}:30080/healthz"\n  timeout: 10' },
  ],
  checkMode: 'none',
  async plan(args) {
    const stdin = args.body === undefined ? undefined : typeof args.body === 'string' ? args.body : JSON.stringify(args.body);
    return {
      changed: false,
      steps: [{ what: `${args.method} ${args.url}`, command: curlCommand(args), stdin, interpret: (output) => responseResult(args, output) }],
    };
  },
});
