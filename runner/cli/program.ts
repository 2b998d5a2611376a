import { Command, InvalidArgumentError, Option } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { DETAILED_EXIT_CODE_MEANINGS, EXIT_CODE_MEANINGS } from '../errors.js';
import { parseShard, type Shard } from '../inventory/shard.js';

export interface CliOptions {
  /** Not given: inventory.yaml (or, missing, the implicit localhost for a playbook of localhost alone). */
  inventory?: string;
  limit?: string;
  /** --shard I/N: this slice of the hosts (for N processes, or the pods of an Indexed Job). */
  shard?: Shard;
  tags: string[];
  skipTags: string[];
  check: boolean;
  diff: boolean;
  extraVars: string[];
  forks: number;
  verbose: number;
  listHosts: boolean;
  listTasks: boolean;
  syntaxCheck: boolean;
  startAtTask?: string;
  role?: string;
  json: boolean;
  detailedExitcodes: boolean;
  acceptNewHostKeys: boolean;
  forceHandlers: boolean;
  /** -c: the connection type where neither the inventory nor a play names one. */
  connection?: string;
  /** -u: the login user where neither the inventory nor a play names one. */
  user?: string;
  askBecomePass: boolean;
  askVar: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];
const shardOption = (value: string) => {
  const shard = parseShard(value);
  if ('problem' in shard) throw new InvalidArgumentError(shard.problem);
  return shard;
};
const collectCsv = (value: string, previous: string[]) => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];
const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of 1 or more.');
  return n;
};

/** The command line, with ansible-playbook's option names. */
export function buildProgram(): Command {
  return new Command('run-playbook')
    .description('Run an Ansible-style playbook against the hosts of a YAML inventory (K3s roles included).')
    .version(packageJson.version, '-V, --version', 'print the version, then stop')
    .argument('<playbook>', 'playbook file (looked up in playbooks/ too, e.g. site.yaml)')
    .option('-i, --inventory <path>', "inventory file or directory (default: inventory.yaml), or hosts separated by commas ('h1,h2', 'localhost,')")
    .addOption(new Option('-c, --connection <type>', 'connection type where the inventory and play set none').choices(['ssh', 'local', 'smart', 'paramiko']))
    .option('-u, --user <name>', 'login user where the inventory and play set none')
    .option('-l, --limit <pattern>', "only these hosts (patterns as in Ansible: 'worker', 'a:b', 'all:!m1')")
    .option('--shard <I/N>', 'only slice I (0 to N-1) of the hosts, by a hash of their names: N runs cover them all (see docs/fleet.md)', shardOption)
    .option('-t, --tags <tags>', 'only tasks with these tags (comma-separated, repeatable)', collectCsv, [])
    .option('--skip-tags <tags>', 'skip tasks with these tags', collectCsv, [])
    .option('-C, --check', "don't change anything; report what would change", false)
    .option('-D, --diff', 'show the differences in files and settings', false)
    .option('-e, --extra-vars <vars>', "variables that win over all others: 'k=v', '@file.yaml' or YAML (repeatable)", collect, [])
    .option('-f, --forks <n>', 'hosts worked on at once', positiveInt, 10)
    .option('-v, --verbose', 'show each result (repeatable)', (_v: string, previous: number) => previous + 1, 0)
    .option('--list-hosts', 'list the hosts each play would run on, then stop', false)
    .option('--list-tasks', 'list the tasks each play would run, then stop', false)
    .option('--syntax-check', 'check the playbook, roles, templates and inventory, then stop', false)
    .option('--start-at-task <name>', 'start at the task with this name')
    .option('--force-handlers', 'run notified handlers on hosts that failed too', false)
    .option('--flush-cache', "ansible-playbook's: facts are never kept between runs here, so there is no cache to clear")
    .option('--role <name>', 'run only this role of the playbook (it reads what it needs from the hosts)')
    .option('--json', 'print newline-delimited JSON events instead of text', false)
    .option('--detailed-exitcodes', "Puppet's exit codes: 2 when anything changed (with --check: drifted), 4 on failures, 6 for both", false)
    .option('--accept-new-host-keys', "trust and record SSH host keys not seen before (OpenSSH's accept-new)", false)
    .addOption(new Option('-K, --ask-become-pass', 'ask for the sudo password').default(false))
    .option('--ask-var <name>', 'ask for this variable without echo, as for a secret (repeatable; piped: one line each)', collect, [])
    .addHelpText(
      'after',
      `\nExit codes:\n${Object.entries(EXIT_CODE_MEANINGS)
        .map(([code, meaning]) => `  ${code.padEnd(4)} ${meaning}`)
        .join('\n')}\nWith --detailed-exitcodes, instead of 0, 2 and 4:\n${Object.entries(DETAILED_EXIT_CODE_MEANINGS)
        .map(([code, meaning]) => `  ${code.padEnd(4)} ${meaning}`)
        .join('\n')}`,
    )
    .showHelpAfterError('(run with --help for the options)')
    .exitOverride();
}

/** run-playbook recap: the --json streams of several runs (the shards of one) as one PLAY RECAP. */
export function buildRecapProgram(): Command {
  return new Command('run-playbook recap')
    .description("Merge the --json event streams of a playbook's shards (--shard 0/N ... N-1/N) into one PLAY RECAP and one exit code.")
    .argument('<files...>', 'the files run-playbook --json wrote, one per shard')
    .option('--detailed-exitcodes', "Puppet's exit codes, as the runs were given", false)
    .showHelpAfterError('(run with --help for the options)')
    .exitOverride();
}
