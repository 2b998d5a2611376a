import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { failures, localInventory, runJson, workspace } from '../../test/support/workspace.js';

const PASSWORD = 'pw-4f1c9e7a';

test("get_url's credentials and headers reach the server (Basic, after its challenge unless forced) and never a command line; a wrong password fails", async (t) => {
  // A loopback server that wants Basic credentials and a header, as a protected download would.
  const server = createServer((request, response) => {
    const expected = `Basic ${Buffer.from(`kp:${PASSWORD}`).toString('base64')}`;
    if (request.headers.authorization !== expected) {
      response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="kp"' }).end('no');
      return;
    }
    response.writeHead(200).end(`hello ${String(request.headers['x-kp'])} ${String(request.headers['user-agent'])}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/file`;
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: no
  environment: { PATH: "{{ playbook_dir }}/bin:{{ lookup('env', 'PATH') }}" }
  tasks:
    - get_url: { url: "${url}", dest: "{{ playbook_dir }}/got", url_username: kp, url_password: "${PASSWORD}", headers: { X-KP: yes-please } }
      register: got
    - get_url: { url: "${url}", dest: "{{ playbook_dir }}/forced", username: kp, password: "${PASSWORD}", force_basic_auth: true, http_agent: kp-agent }
    - get_url: { url: "${url}", dest: "{{ playbook_dir }}/refused", url_username: kp, url_password: wrong }
      register: refused
      ignore_errors: true
    - assert:
        that:
          - got is changed and got.msg.startswith('OK (')
          - refused is failed
`,
  });
  t.teardown(ws.cleanup);
  // curl as the host runs it, its arguments written down first: what any user of the host could see in ps.
  await mkdir(ws.path('bin'));
  await writeFile(ws.path('bin/curl'), `#!/bin/sh\nprintf '%s\\n' "$*" >> ${ws.path('curl-args')}\nexec /usr/bin/curl "$@"\n`);
  await chmod(ws.path('bin/curl'), 0o755);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.deepEqual(failures(run.events), []);
  t.is(run.code, 0, run.err);
  t.is(await readFile(ws.path('got'), 'utf8'), 'hello yes-please ansible-httpget\n');
  t.is(await readFile(ws.path('forced'), 'utf8'), 'hello undefined kp-agent\n');
  const commandLines = await readFile(ws.path('curl-args'), 'utf8');
  t.is(commandLines.trim().split('\n').length, 3, 'curl ran for each task');
  t.false(commandLines.includes(PASSWORD), 'the password is never an argument');
  t.false(JSON.stringify(run.events).includes(PASSWORD), 'nor in any event');
});
