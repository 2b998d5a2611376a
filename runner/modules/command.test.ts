import test from 'ava';
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
