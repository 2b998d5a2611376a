import test from 'ava';
import { debugMessages, localInventory, runJson, workspace } from '../../test/support/workspace.js';

// The reboot itself is tested on a lab host (test/integration/modules-lab.test.ts) and the waiting
// with a test double of a rebooting host (runner/executor/apply-plan.test.ts).
test("reboot refuses a local connection, in Ansible's words", async (t) => {
  const ws = await workspace({
    'inventory.yaml': localInventory(['m1']),
    'site.yaml': `- hosts: all
  gather_facts: no
  tasks:
    - reboot:
      register: local
      ignore_errors: true
    - debug: msg="{{ local.msg }} {{ local.rebooted }}"
`,
  });
  t.teardown(ws.cleanup);
  const run = await runJson(ws.dir, ['site.yaml']);
  t.is(run.code, 0, run.err);
  t.deepEqual(debugMessages(run.events, 'm1'), ['Running reboot with local connection would reboot the control node. False']);
});
