import { execFileSync } from 'node:child_process';
import test from 'ava';
import { expansionWords } from './remote-path.js';

test('a path argument expands ~ and $VARs on the host and nothing else', (t) => {
  const expand = (path: string) =>
    execFileSync('/bin/sh', ['-c', `printf '%s' ${expansionWords(path)}`], { env: { HOME: '/home/h', USER: 'u', PATH: process.env.PATH } }).toString();
  t.is(expand('$HOME/.ssh/x'), '/home/h/.ssh/x');
  t.is(expand('~/a b'), '/home/h/a b');
  t.is(expand('/srv/${USER}.txt'), '/srv/u.txt');
  t.is(expand('/x/$(touch /tmp/k3s-playbook-pwned)`id`'), '/x/$(touch /tmp/k3s-playbook-pwned)`id`', 'command substitutions stay text');
  t.is(expand("it's $USER"), "it's u");
});
