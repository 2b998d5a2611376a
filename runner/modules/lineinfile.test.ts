import test from 'ava';
import { editLines } from './lineinfile.js';

const edit = (...args: Parameters<typeof editLines>) => editLines(...args).text;

test('adds a missing line at the end, once', (t) => {
  t.is(edit('a\nb\n', { line: 'c' }), 'a\nb\nc\n');
  t.is(edit('a\nb\nc\n', { line: 'c' }), 'a\nb\nc\n');
  t.is(edit('', { line: 'c' }), 'c\n');
  t.is(edit('a', { line: 'c' }), 'a\nc\n');
});

test('regexp replaces the last matching line, or adds the line', (t) => {
  const args = { regexp: '^export KUBECONFIG=', line: 'export KUBECONFIG=~/.kube/config' };
  t.is(edit('x\nexport KUBECONFIG=/etc/rancher/k3s/k3s.yaml\ny\n', args), 'x\nexport KUBECONFIG=~/.kube/config\ny\n');
  t.is(edit('x\n', args), 'x\nexport KUBECONFIG=~/.kube/config\n');
  t.is(edit('export KUBECONFIG=~/.kube/config\n', args), 'export KUBECONFIG=~/.kube/config\n');
});

test('state absent removes matching lines; insertafter places the line', (t) => {
  t.is(edit('a\nb\na\n', { line: 'a', state: 'absent' }), 'b\n');
  t.is(edit('a\nb\n', { regexp: '^b', state: 'absent' }), 'a\n');
  t.is(edit('a\nb\n', { line: 'z', state: 'absent' }), 'a\nb\n');
  t.is(edit('[s]\nk=1\n[t]\n', { line: 'n=2', insertafter: '^k=' }), '[s]\nk=1\nn=2\n[t]\n');
});

test("insertbefore, search_string and backrefs, as Ansible's lineinfile does them", (t) => {
  t.is(edit('a\n[t]\nb\n', { line: 'n=2', insertbefore: '^\\[t\\]' }), 'a\nn=2\n[t]\nb\n');
  t.is(edit('a\nb\n', { line: '#!/bin/sh', insertbefore: 'BOF' }), '#!/bin/sh\na\nb\n');
  t.is(edit('a\nb\n', { line: 'z', insertbefore: '^nothing' }), 'a\nb\nz\n', 'no match: at the end');
  // search_string is literal: the dots and the star are not a pattern.
  t.is(edit('x=1\nnet.ipv4.*=0\n', { search_string: 'net.ipv4.*', line: 'net.ipv4.*=1' }), 'x=1\nnet.ipv4.*=1\n');
  t.is(edit('netXipv4=0\n', { search_string: 'net.ipv4', line: 'net.ipv4=1' }), 'netXipv4=0\nnet.ipv4=1\n');
  t.is(edit('a\nnet.ipv4.x=1\n', { search_string: 'net.ipv4', state: 'absent' }), 'a\n');
  // backrefs: the line is made from the match; no match, no change.
  t.is(edit('ListenPort 22\n', { regexp: '^ListenPort (\\d+)$', line: 'ListenPort \\1 # was \\g<1>', backrefs: true }), 'ListenPort 22 # was 22\n');
  t.is(edit('other\n', { regexp: '^ListenPort (\\d+)$', line: 'ListenPort \\1', backrefs: true }), 'other\n');
  t.is(edit('k = v\n', { regexp: '^(?<key>\\w+) = .*$', line: '\\g<key> = new', backrefs: true }), 'k = new\n');
});

test("firstmatch anchors on the first matching line; the message says what happened, in Ansible's words", (t) => {
  t.is(edit('a\n# x\nb\n# x\n', { line: 'new', insertafter: '^# x' }), 'a\n# x\nb\n# x\nnew\n');
  t.is(edit('a\n# x\nb\n# x\n', { line: 'new', insertafter: '^# x', firstmatch: true }), 'a\n# x\nnew\nb\n# x\n');
  t.is(edit('a\n# x\nb\n# x\n', { line: 'new', insertbefore: '^# x', firstmatch: true }), 'a\nnew\n# x\nb\n# x\n');
  t.is(editLines('a\n', { line: 'b' }).msg, 'line added');
  t.is(editLines('a=1\n', { line: 'a=2', regexp: '^a=' }).msg, 'line replaced');
  t.is(editLines('x\ny\nx\n', { line: 'x', state: 'absent' }).msg, '2 line(s) removed');
  t.deepEqual(editLines('a\n', { line: 'a' }), { text: 'a\n', msg: '' });
});
