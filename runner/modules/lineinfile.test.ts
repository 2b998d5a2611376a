import test from 'ava';
import { editLines } from './lineinfile.js';

test('adds a missing line at the end, once', (t) => {
  t.is(editLines('a\nb\n', { line: 'c' }), 'a\nb\nc\n');
  t.is(editLines('a\nb\nc\n', { line: 'c' }), 'a\nb\nc\n');
  t.is(editLines('', { line: 'c' }), 'c\n');
  t.is(editLines('a', { line: 'c' }), 'a\nc\n');
});

test('regexp replaces the last matching line, or adds the line', (t) => {
  const args = { regexp: '^export KUBECONFIG=', line: 'export KUBECONFIG=~/.kube/config' };
  t.is(editLines('x\nexport KUBECONFIG=/etc/rancher/k3s/k3s.yaml\ny\n', args), 'x\nexport KUBECONFIG=~/.kube/config\ny\n');
  t.is(editLines('x\n', args), 'x\nexport KUBECONFIG=~/.kube/config\n');
  t.is(editLines('export KUBECONFIG=~/.kube/config\n', args), 'export KUBECONFIG=~/.kube/config\n');
});

test('state absent removes matching lines; insertafter places the line', (t) => {
  t.is(editLines('a\nb\na\n', { line: 'a', state: 'absent' }), 'b\n');
  t.is(editLines('a\nb\n', { regexp: '^b', state: 'absent' }), 'a\n');
  t.is(editLines('a\nb\n', { line: 'z', state: 'absent' }), 'a\nb\n');
  t.is(editLines('[s]\nk=1\n[t]\n', { line: 'n=2', insertafter: '^k=' }), '[s]\nk=1\nn=2\n[t]\n');
});
