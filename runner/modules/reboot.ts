import Type from 'typebox';
import { shellQuote } from '../shell/quote.js';
import { defineModule, listArgument } from './module.js';

const SEARCH_PATHS = ['/sbin', '/bin', '/usr/sbin', '/usr/bin', '/usr/local/sbin'];

/** Python's repr of a list of strings, as Ansible's messages print search_paths. */
const pythonList = (items: string[]) => `[${items.map((item) => `'${item}'`).join(', ')}]`;

/** Seconds; Ansible takes their whole part (int(-0.5) is 0), and a negative delay as 0. */
const seconds = (description: string, fallback: number, alias: string) => Type.Number({ default: fallback, description, aliases: [alias] });
const whole = (value: number) => Math.max(0, Math.trunc(value));

export default defineModule({
  name: 'reboot',
  description:
    'Reboots the host (shutdown -r), waits until it is back (its boot id changed, then a test command succeeds) and goes on with the same tasks over a new connection.',
  args: Type.Object(
    {
      msg: Type.String({ default: 'Reboot initiated by Ansible', description: 'The message shutdown shows logged-in users.' }),
      pre_reboot_delay: seconds('Seconds before the reboot, given to shutdown in whole minutes (less than 60: now).', 0, 'pre_reboot_delay_sec'),
      post_reboot_delay: seconds('Seconds to wait after the reboot command before the first check.', 0, 'post_reboot_delay_sec'),
      reboot_timeout: seconds('Seconds to wait for the host to come back, and again for the test command to pass.', 600, 'reboot_timeout_sec'),
      connect_timeout: Type.Optional(
        Type.Integer({ description: 'Seconds one attempt to reach the host may take (default 10).', aliases: ['connect_timeout_sec'] }),
      ),
      test_command: Type.String({ default: 'whoami', description: 'Must succeed on the host after the reboot.' }),
      boot_time_command: Type.String({
        default: 'cat /proc/sys/kernel/random/boot_id',
        description: 'Prints something that changes with each boot; the host is back when it prints something else.',
      }),
      reboot_command: Type.Optional(
        Type.String({ description: "The command that reboots, instead of 'shutdown -r DELAY MSG'; its first word is looked up in search_paths." }),
      ),
      search_paths: Type.Union([Type.Array(Type.String()), Type.String()], {
        default: SEARCH_PATHS,
        description: 'Where the shutdown command is looked for.',
      }),
    },
    { additionalProperties: false },
  ),
  returns: {
    rebooted: { description: 'Whether the host rebooted.', type: 'boolean' },
    elapsed: { description: 'Seconds from the reboot command until the host was back.', type: 'number' },
  },
  examples: [
    {
      description: 'Reboot after a kernel upgrade, only when the host says it needs one.',
      task: 'reboot:\n  msg: Kernel upgrade\n  reboot_timeout: 900\nwhen: reboot_required.stat.exists',
      given: { reboot_required: { stat: { exists: true } } },
    },
  ],
  // In check mode nothing runs; the reboot is reported as it would be, as in Ansible.
  checkMode: 'full',
  async plan(args, ctx) {
    if (await ctx.isLocal())
      return { changed: false, failed: true, rebooted: false, elapsed: 0, msg: 'Running reboot with local connection would reboot the control node.' };
    if (ctx.checkMode) return { changed: true, rebooted: true, elapsed: 0 };
    const bootTime = await ctx.run(args.boot_time_command);
    if (bootTime.rc !== 0)
      return {
        changed: false,
        failed: true,
        rebooted: false,
        msg: `reboot: failed to get host boot time info, rc: ${bootTime.rc}, stdout: ${bootTime.stdout}, stderr: ${bootTime.stderr}`,
      };
    const [program, ...rest] = (args.reboot_command ?? 'shutdown').split(' ');
    const commandArgs = args.reboot_command !== undefined ? rest.join(' ') : `-r ${Math.floor(whole(args.pre_reboot_delay) / 60)} ${shellQuote(args.msg)}`;
    const searchPaths = listArgument(args.search_paths);
    const found = program.startsWith('/')
      ? program
      : (
          await ctx.run(
            `for d in ${searchPaths.map(shellQuote).join(' ')}; do [ -e "$d"/${shellQuote(program)} ] && { echo "$d"/${shellQuote(program)}; break; }; done`,
          )
        ).stdout.trim();
    if (!found)
      return { changed: false, failed: true, rebooted: false, msg: `Unable to find command "${program}" in search paths: ${pythonList(searchPaths)}` };
    return {
      changed: true,
      rebooted: true,
      steps: [
        {
          what: 'rebooting',
          command: `${shellQuote(found)}${commandArgs ? ` ${commandArgs}` : ''}`,
          mayDisconnect: true,
          interpret: (output) =>
            output.rc === 0
              ? {}
              : { failed: true, rebooted: false, elapsed: 0, msg: `Reboot command failed. Error was: '${output.stdout.trim()}, ${output.stderr.trim()}'` },
        },
        {
          what: 'waiting for the host to come back',
          awaitReboot: {
            previousBootTime: bootTime.stdout.trim(),
            bootTimeCommand: args.boot_time_command,
            testCommand: args.test_command,
            timeoutS: whole(args.reboot_timeout),
            postRebootDelayS: whole(args.post_reboot_delay),
            attemptTimeoutS: args.connect_timeout ?? 10,
          },
        },
      ],
    };
  },
});
