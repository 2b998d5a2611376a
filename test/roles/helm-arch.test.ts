import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { runCli, workspace } from '../support/workspace.js';

// The helm role picks Helm's archive by the master's architecture (uname -m), and refuses one it
// has no checksum for before anything is downloaded. Run in check mode on this machine: even a
// broken refusal could change nothing here.
const ROOT = join(import.meta.dirname, '..', '..');
const INVENTORY = 'all:\n  children:\n    master:\n      hosts:\n        m1: { ansible_connection: local }\n';
const PLAY = `- hosts: all
  gather_facts: false
  roles: [helm]
  post_tasks:
    - debug: { msg: "archive {{ helm_arch }} {{ helm_checksums[helm_arch] }}" }
`;

for (const [architecture, helm, checksum] of [
  ['x86_64', 'amd64', 'fc3073'],
  ['aarch64', 'arm64', 'd3f8f1'],
  ['armv7l', 'arm', '432e77'],
  ['armv6l', 'arm', '432e77'],
  ['s390x', 's390x', '10b88d'],
  ['riscv64', 'riscv64', 'e733c7'],
]) {
  test(`a master that reports ${architecture} gets Helm's ${helm} archive and its checksum`, async (t) => {
    const ws = await workspace({
      'inventory.yaml': INVENTORY,
      'site.yaml': PLAY.replace('roles: [helm]', 'roles: []\n  vars_files: [roles/helm/defaults/main.yaml]'),
    });
    t.teardown(ws.cleanup);
    await symlink(join(ROOT, 'roles'), ws.path('roles'));
    const run = await runCli(ws.dir, ['site.yaml', '-e', `ansible_architecture=${architecture}`]);
    t.is(run.code, 0, run.err + run.out);
    t.regex(run.out, new RegExp(`archive ${helm} ${checksum}`));
  });
}

test('a master of an architecture Helm has no archive for is refused before anything is downloaded', async (t) => {
  const ws = await workspace({ 'inventory.yaml': INVENTORY, 'site.yaml': PLAY });
  t.teardown(ws.cleanup);
  await symlink(join(ROOT, 'roles'), ws.path('roles'));
  const run = await runCli(ws.dir, ['site.yaml', '--check', '-e', 'ansible_architecture=mips64']);
  t.is(run.code, 2, run.out);
  t.regex(run.out, /Helm v3\.16\.4 has no release archive known here for mips64 \(mips64\); known: amd64, arm64, arm, s390x, riscv64\. Add its SHA-256/);
  t.notRegex(run.out, /TASK \[helm : (?:the Helm version installed now|a place for downloads)/, 'the refusal is the first task');
});
