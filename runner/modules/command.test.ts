import { readdirSync } from 'node:fs';
import test from 'ava';
import { hostResults, localInventory, runJson, workspace } from '../../test/support/workspace.js';
import { join } from 'shlex';
import { commandWords } from './command.js';

test('command splits words as a shell would but never runs one', (t) => {
  t.deepEqual(commandWords({ cmd: "k3s kubectl get nodes -o 'jsonpath={.items}'" }), ['k3s', 'kubectl', 'get', 'nodes', '-o', 'jsonpath={.items}']);
  t.deepEqual(commandWords({ argv: ['echo', 1 as unknown as string] }), ['echo', '1']);
  const words = commandWords({ cmd: 'echo $HOME $(touch /tmp/pwned)' }) as string[];
  t.deepEqual(words, ['echo', '$HOME', '$(touch', '/tmp/pwned)'], 'no variables, no substitutions: as Ansible splits');
  t.is(join(words), "echo '$HOME' '$(touch' '/tmp/pwned)'", 'the re-quoted line keeps the text literal');
});

test('shell operators in command are refused with advice', (t) => {
  const error = commandWords({ cmd: 'cat /etc/hosts | grep x' });
  t.true(error instanceof Error);
  t.regex((error as Error).message, /use the shell module/);
});

test("no command, or both a command and argv, fail as Ansible's do (rc 256)", (t) => {
  t.is((commandWords({ cmd: '  ' }) as Error).message, 'no command given');
  t.is((commandWords({}) as Error).message, 'no command given');
  t.is((commandWords({ cmd: 'ls', argv: ['ls'] }) as Error).message, 'only command or argv can be given, not both');
});

test("command and shell return Ansible's fields: cmd, start/end/delta, stdin with its newline, stripped ends, shell's executable, command's warning", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - command: cat
      args: { stdin: abc, strip_empty_ends: false }
      register: with_newline
    - command: { cmd: cat, stdin: abc, stdin_add_newline: false, strip_empty_ends: false }
      register: without_newline
    - shell: printf 'x\\n\\n\\n'
      register: stripped
    - shell: { cmd: "printf 'x\\\\n\\\\n'", strip_empty_ends: false }
      register: kept
    - shell: echo $0
      args: { executable: /bin/bash }
      register: bash
    - command: ls /dev/null
      args: { executable: /bogus }
      register: warned
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  const result = (n: number) => hostResults(run.events)[n].result as Record<string, unknown>;
  t.like(result(0), { stdout: 'abc\n', cmd: ['cat'], msg: '', rc: 0 });
  t.regex(String(result(0).delta), /^0:00:0\d\.\d{6}$/);
  t.regex(String(result(0).start), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
  t.like(result(1), { stdout: 'abc' });
  t.like(result(2), { stdout: 'x', cmd: "printf 'x\\n\\n\\n'" });
  t.like(result(3), { stdout: 'x\n\n' });
  t.like(result(4), { stdout: '/bin/bash', cmd: 'echo $0' });
  t.like(result(5), { stdout: '/dev/null' });
  t.regex(String((result(5).warnings as string[])[0]), /no longer supported with the 'command' module. Not using '\/bogus'/);
  t.true(
    run.events.some((e) => e.type === 'warning' && /no longer supported/.test(e.message)),
    'printed as a warning',
  );
});

test('script runs a file from this machine on the host with its arguments (or through executable), leaving nothing behind', async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'files/hello.sh': '#!/bin/sh\necho "hello $1 from $(basename "$0" | cut -c1-3)"\n',
    'files/count.py': 'import sys\nprint(len(sys.argv) - 1)\n',
    'tmp/.keep': '',
    'site.yaml': `- hosts: all
  gather_facts: no
  environment: { TMPDIR: "{{ playbook_dir }}/tmp" }
  tasks:
    - script: hello.sh "big world"
      register: hello
    - script: count.py a b c
      args: { executable: python3 }
      register: counted
    - script: hello.sh again
      args: { creates: "{{ playbook_dir }}" }
      register: skipped
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  const [hello, counted, skipped] = hostResults(run.events).map((e) => e.result as Record<string, unknown>);
  t.like(hello, { changed: true, rc: 0, stdout: 'hello big world from tmp' });
  t.like(counted, { stdout: '3' });
  t.like(skipped, { changed: false, stdout: `skipped, since ${ws.dir} exists` });
  t.deepEqual(readdirSync(ws.path('tmp')), ['.keep'], 'the scripts were removed after running');
});
