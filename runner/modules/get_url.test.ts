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

test("get_url's checksum as Ansible takes it: any of its algorithms, or the URL of a checksum file listing the download by name", async (t) => {
  const body = 'k3s binary\n';
  const { createHash } = await import('node:crypto');
  const sha256 = createHash('sha256').update(body).digest('hex');
  const sha1 = createHash('sha1').update(body).digest('hex');
  const server = createServer((request, response) => {
    if (request.url === '/sha256sum-amd64.txt') response.writeHead(200).end(`${'0'.repeat(64)}  k3s-arm64\n${sha256} *k3s\n`);
    else if (request.url === '/k3s') response.writeHead(200).end(body);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - get_url: { url: "${base}/k3s", dest: "{{ playbook_dir }}/k3s", checksum: "sha256:${base}/sha256sum-amd64.txt" }
      register: listed
    - get_url: { url: "${base}/k3s", dest: "{{ playbook_dir }}/k3s", checksum: "sha1:${sha1}" }
      register: again
    - get_url: { url: "${base}/k3s", dest: "{{ playbook_dir }}/other", checksum: "sha1:${'0'.repeat(40)}" }
      register: mismatch
      ignore_errors: true
    - get_url: { url: "${base}/k3s-riscv", dest: "{{ playbook_dir }}/riscv", checksum: "sha256:${base}/sha256sum-amd64.txt" }
      register: unlisted
      ignore_errors: true
    - assert:
        that:
          - listed is changed and again is not changed
          - mismatch is failed and 'checksum mismatch' in mismatch.msg
          - "unlisted.msg == \\"Unable to find a checksum for file 'k3s-riscv' in '${base}/sha256sum-amd64.txt'\\""
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.deepEqual(failures(run.events), []);
  t.is(run.code, 0, run.err);
  t.is(await readFile(ws.path('k3s'), 'utf8'), body);
});
