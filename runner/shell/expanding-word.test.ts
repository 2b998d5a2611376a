import { execFileSync } from 'node:child_process';
import test from 'ava';
import { expandingWord } from './expanding-word.js';

// Each expectation is what Python's os.path.expanduser(os.path.expandvars(word)) gives in the same
// environment (Ansible's command module), read off python3; the words go through a real dash.
const cases: [string, string][] = [
  ['$PATH', '/usr/bin:/bin'],
  ['a${HOME}b', 'a/rootb'],
  ['$NOPE', '$NOPE'],
  ['${NOPE}x', '${NOPE}x'],
  ['~', '/root'],
  ['~/x y', '/root/x y'],
  ['~root/z', '/root/z'],
  ['~nouser/q', '~nouser/q'],
  ['it\'s "$HOME" `x` \\', 'it\'s "/root" `x` \\'],
  ['$1', '$1'],
  ['pre$EMPTY.post', 'pre.post'],
  ['a$', 'a$'],
  ['${weird-x}', '${weird-x}'],
  ['$(id) *', '$(id) *'],
  ['/x/$(touch /tmp/k3s-playbook-pwned)`id`', '/x/$(touch /tmp/k3s-playbook-pwned)`id`'],
];

test("command's words expand variables and a leading ~ as Ansible's command module does, and nothing else", (t) => {
  const line = cases.map(([word]) => expandingWord(word)).join(' ');
  const out = execFileSync('dash', ['-c', `for w in ${line}; do printf '%s\\n' "$w"; done`], { env: { PATH: '/usr/bin:/bin', HOME: '/root', EMPTY: '' } });
  t.deepEqual(
    out.toString().split('\n').slice(0, -1),
    cases.map(([, expanded]) => expanded),
  );
});
