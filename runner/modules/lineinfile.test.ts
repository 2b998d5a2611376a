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

test("insertbefore, search_string and backrefs, as Ansible's lineinfile does them", (t) => {
  t.is(editLines('a\n[t]\nb\n', { line: 'n=2', insertbefore: '^\\[t\\]' }), 'a\nn=2\n[t]\nb\n');
  t.is(editLines('a\nb\n', { line: '#!/bin/sh', insertbefore: 'BOF' }), '#!/bin/sh\na\nb\n');
  t.is(editLines('a\nb\n', { line: 'z', insertbefore: '^nothing' }), 'a\nb\nz\n', 'no match: at the end');
  // search_string is literal: the dots and the star are not a pattern.
  t.is(editLines('x=1\nnet.ipv4.*=0\n', { search_string: 'net.ipv4.*', line: 'net.ipv4.*=1' }), 'x=1\nnet.ipv4.*=1\n');
  t.is(editLines('netXipv4=0\n', { search_string: 'net.ipv4', line: 'net.ipv4=1' }), 'netXipv4=0\nnet.ipv4=1\n');
  t.is(editLines('a\nnet.ipv4.x=1\n', { search_string: 'net.ipv4', state: 'absent' }), 'a\n');
  // backrefs: the line is made from the match; no match, no change.
  t.is(editLines('ListenPort 22\n', { regexp: '^ListenPort (\\d+)$', line: 'ListenPort \\1 # was \\g<1>', backrefs: true }), 'ListenPort 22 # was 22\n');
  t.is(editLines('other\n', { regexp: '^ListenPort (\\d+)$', line: 'ListenPort \\1', backrefs: true }), 'other\n');
  t.is(editLines('k = v\n', { regexp: '^(?<key>\\w+) = .*$', line: '\\g<key> = new', backrefs: true }), 'k = new\n');
});
