import { execFileSync, spawnSync } from 'node:child_process';
import test from 'ava';
import { buildCommandLine, stdinFor } from './command-line.js';
import { shellQuote } from '../shell/quote.js';

const NASTY = ['$(touch /tmp/pwned)', "'; rm -rf /tmp/x #", '`id`', 'a b\tc\nd', '"quoted" \\ back', '*', '', 'héllo ✓', "it's", '--', '-n'];

test('every value arrives in /bin/sh as the literal text', (t) => {
  for (const value of NASTY) {
    t.is(execFileSync('/bin/sh', ['-c', `printf '%s' ${shellQuote(value)}`]).toString(), value);
  }
});

test('command lines: environment, working directory and sudo are quoted; cd failing stops the command', (t) => {
  t.is(buildCommandLine('ls', {}), 'ls');
  t.is(buildCommandLine('ls', { cwd: '/tmp/a b', env: { A: "x'y" } }), `export A='x'"'"'y'; cd -P '/tmp/a b' && ls`);
  t.is(buildCommandLine('ls', { become: { user: 'root' } }, 'deploy'), 'sudo -n -H -u root -- /bin/sh -c ls');
  t.is(buildCommandLine('ls', { become: { user: 'root' } }, 'root'), 'ls', 'no sudo to become who we already are');
  t.regex(buildCommandLine('ls', { become: { user: 'root', password: 'pw' } }, 'deploy'), /^sudo -S -p '' -H -u root -- /);
  const run = spawnSync('/bin/sh', ['-c', buildCommandLine('echo reached', { cwd: '/nonexistent' }) + '; echo rc=$?'], { encoding: 'utf8' });
  t.notRegex(run.stdout, /reached/);
  t.regex(run.stderr, /can't cd to \/nonexistent/, "the shell's own complaint, kept out of the test output");
});

test('the sudo password goes first on stdin, never on the command line', (t) => {
  const options = { stdin: 'content', become: { user: 'root', password: 'sudo-secret' } };
  t.is(stdinFor(options, 'deploy')!.toString(), 'sudo-secret\ncontent');
  t.notRegex(buildCommandLine('cat', options, 'deploy'), /sudo-secret/);
  t.is(stdinFor(options, 'root'), 'content');
});
