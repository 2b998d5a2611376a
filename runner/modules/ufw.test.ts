import test from 'ava';
import { parseUfwStatus } from './ufw.js';

test('ufw status: active or not, and the IPv4 allow rules with their comments', (t) => {
  const output = `Status: active\n\nTo                         Action      From\n--                         ------      ----\n22/tcp                     ALLOW       Anywhere\n6443/tcp                   ALLOW       Anywhere                   # k3s-playbook\n30000:32767/tcp            ALLOW IN    Anywhere\nAnywhere                   ALLOW       10.42.0.0/16               # k3s-playbook\n9100/tcp                   ALLOW       10.0.0.0/8\n22/tcp (v6)                ALLOW       Anywhere (v6)\n6443/tcp (v6)              ALLOW       Anywhere (v6)              # k3s-playbook\n`;
  t.deepEqual(parseUfwStatus(output), {
    active: true,
    rules: [
      { rule: '22/tcp' },
      { rule: '6443/tcp', comment: 'k3s-playbook' },
      { rule: '30000:32767/tcp' },
      { rule: 'Anywhere', from: '10.42.0.0/16', comment: 'k3s-playbook' },
      { rule: '9100/tcp', from: '10.0.0.0/8' },
    ],
  });
  t.deepEqual(parseUfwStatus('Status: inactive\n'), { active: false, rules: [] });
  t.deepEqual(parseUfwStatus('Status: not installed\n'), { active: false, rules: [] });
});
