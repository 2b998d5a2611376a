import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const LAB_SCRIPT = join(import.meta.dirname, '..', 'lab', 'lab.sh');

/** A running lab (test/lab/lab.sh): N hosts h1..hN with real sshd and systemd. */
export interface Lab {
  name: string;
  dir: string;
  inventory: string;
  /** The controller's address on the lab bridge: the only address lab hosts can reach. */
  controllerIp: string;
  hostIp(n: number): string;
  /** Runs a command inside host hN; resolves with its output (rejects on a non-zero exit). */
  exec(n: number, ...command: string[]): Promise<string>;
  /** Every file the host has written (its overlay's upper layer and private tmpfs dirs), logs aside. */
  changes(n: number): Promise<string>;
  stop(): Promise<void>;
}

export async function startLab(name: string, hosts: number): Promise<Lab> {
  const { stdout } = await run(LAB_SCRIPT, ['up', String(hosts), name], { maxBuffer: 1 << 20 });
  const inventory = stdout.trim().split('\n').pop()!;
  const text = await readFile(inventory, 'utf8');
  const ips = [...text.matchAll(/ansible_host: ([\d.]+)/g)].map((m) => m[1]);
  return {
    name,
    dir: dirname(inventory),
    inventory,
    controllerIp: ips[0].replace(/\.\d+$/, '.1'),
    hostIp: (n) => ips[n - 1],
    exec: async (n, ...command) => (await run(LAB_SCRIPT, ['exec', String(n), ...command], { env: { ...process.env, LAB: name }, maxBuffer: 16 << 20 })).stdout,
    changes: async (n) => {
      const tmpfs = (
        await run(LAB_SCRIPT, ['exec', String(n), 'sh', '-c', 'find /tmp /root /home /var/tmp -xdev -printf "%p %s %m\\n" | sort'], {
          env: { ...process.env, LAB: name },
        })
      ).stdout;
      const upper = (
        await run('sh', [
          '-c',
          `cd ${dirname(inventory)}/h${n}/upper && find . -path ./var/log -prune -o -path ./var/lib/systemd -prune -o -path ./var/cache/ldconfig -prune -o -printf "%p %s %m\\n" | sort`,
        ])
      ).stdout;
      return tmpfs + upper;
    },
    stop: async () => {
      await run(LAB_SCRIPT, ['down', name]);
    },
  };
}
