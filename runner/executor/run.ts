import type { Connection, ConnectionKeywords } from '../connection/connection.js';
import { ExitCode, UserError, type DetailedExitCode, type ExitCodeValue } from '../errors.js';
import type { Inventory } from '../inventory/inventory.js';
import type { Vars } from '../vars/vars.js';
import { matchHosts } from '../inventory/patterns.js';
import { inShard, type Shard } from '../inventory/shard.js';
import { allTasks, playTasks, type Play, type Playbook } from '../playbook/model.js';
import { didYouMean } from '../schema/validate.js';
import { ConnectionPool } from './connections.js';
import type { HostStats, Reporter, RunEvent } from './events.js';
import { HostState } from './host.js';
import { PlayRunner, type Gathering } from './play-runner.js';
import { MIN_SECRET_LENGTH, Redactor, tooShortSecrets } from './redaction.js';
import { TaskSelection, type SelectionOptions } from './selection.js';

export interface RunOptions {
  inventory: Inventory;
  playbook: Playbook;
  limit?: string;
  /** --shard I/N: only the hosts of this slice of the inventory. */
  shard?: Shard;
  check: boolean;
  diff: boolean;
  /** How many -v were given (debug's verbosity threshold). */
  verbosity?: number;
  forks: number;
  /** --force-handlers: notified handlers run on hosts that failed too, as the play keyword asks. */
  forceHandlers?: boolean;
  /** Ansible's gathering setting (ANSIBLE_GATHERING): implicit, explicit or smart. */
  gathering?: Gathering;
  extraVars: Vars;
  selection: SelectionOptions;
  becomePassword?: string;
  reporters: Reporter[];
  /** A host's connection; a play's or task's remote_user and connection apply where the inventory sets no ansible_user or ansible_connection. */
  createConnection(host: string, keywords?: ConnectionKeywords): Connection;
  /** Exit with Puppet's codes (changes 2, failures 4, both 6), for a job that watches for drift. */
  detailedExitCodes?: boolean;
}

export interface RunResult {
  exitCode: ExitCodeValue;
  stats: Record<string, HostStats>;
}

/** The hosts --limit and --shard leave to the run. */
export function hostFilter(inventory: Inventory, limit: string | undefined, shard: Shard | undefined): (host: string) => boolean {
  const limited = limit !== undefined ? new Set(matchHosts(inventory, limit).hosts) : undefined;
  return (host) => (!limited || limited.has(host)) && (!shard || inShard(host, shard));
}

/**
 * A shard runs its slice of the hosts alone: what needs every host of a play at once would silently
 * mean something else there (run_once once per shard, serial batches per shard), so it is refused.
 */
function refuseWithShard(playbook: Playbook): void {
  for (const play of playbook.plays) {
    const once = play.serial ? undefined : [...playTasks(play)].find((step) => step.runOnce !== undefined && step.runOnce !== false);
    if (!play.serial && !once) continue;
    const [keyword, loc] = once ? ['run_once', once.loc] : ['serial', play.loc];
    throw new UserError(
      `--shard runs each slice of the hosts on its own, but play '${play.name}' needs all of its hosts at once: ${keyword} at ${loc.file}:${loc.line} would ${keyword === 'serial' ? 'roll out in batches of each shard, side by side' : 'run once in every shard'}.`,
      undefined,
      'Run this playbook without --shard, or move what needs every host (a rollout, a task run once) into a playbook you run once.',
      ExitCode.BadOptions,
    );
  }
}

/** Checks that need both the playbook and the inventory; all before the first connection. */
export function validatePlan(options: Pick<RunOptions, 'inventory' | 'playbook' | 'limit' | 'selection' | 'shard'>): void {
  const { inventory, playbook, limit, selection } = options;
  if (options.shard) refuseWithShard(playbook);
  const names = [...inventory.groups.keys(), ...inventory.hosts.keys()];
  for (const play of playbook.plays) {
    // Ansible skips a play whose pattern matches nothing, with a warning: so does this runner, before anything runs.
    const { unmatched } = matchHosts(inventory, play.hosts);
    const warning = unmatched.length
      ? `play '${play.name}' (${play.loc.file}:${play.loc.line}) targets '${unmatched[0]}', which is neither a group nor a host in ${inventory.file}: it is skipped.${didYouMean(unmatched[0], names)}`
      : undefined;
    if (warning && !playbook.warnings.includes(warning)) playbook.warnings.push(warning);
  }
  if (limit !== undefined && matchHosts(inventory, limit).hosts.length === 0) {
    throw new UserError(
      `--limit '${limit}' matches no host in ${inventory.file}.`,
      undefined,
      `Known groups and hosts: ${names.filter((n) => n !== 'ungrouped').join(', ')}.`,
      ExitCode.BadOptions,
    );
  }
  const tasks = playbook.plays.flatMap((play) => [...playTasks(play)]);
  if (selection.startAtTask !== undefined && !tasks.some((task) => task.name === selection.startAtTask)) {
    throw new UserError(
      `--start-at-task '${selection.startAtTask}' names no task in ${playbook.file}.`,
      undefined,
      `Use a task's exact name.${didYouMean(
        selection.startAtTask,
        tasks.map((t) => t.name),
      )}`,
      ExitCode.BadOptions,
    );
  }
  const roles = [...new Set(playbook.plays.flatMap((play) => play.roles.map((role) => role.name)))];
  if (selection.role !== undefined && !roles.includes(selection.role)) {
    throw new UserError(
      `--role '${selection.role}' is not a role of ${playbook.file}.`,
      undefined,
      `Its roles: ${roles.join(', ') || 'none'}.${didYouMean(selection.role, roles)}`,
      ExitCode.BadOptions,
    );
  }
}

export async function runPlaybook(options: RunOptions): Promise<RunResult> {
  validatePlan(options);
  const { inventory, playbook } = options;
  const started = Date.now();
  const hosts = new Map([...inventory.hosts.keys()].map((name) => [name, new HostState(name, inventory.hostVars(name))]));
  const redactor = new Redactor();
  learnDeclaredSecrets(redactor, options);
  if (options.becomePassword) redactor.learn(options.becomePassword);
  const emit = async (event: RunEvent) => {
    const safe = redactor.redact(event);
    for (const reporter of options.reporters) await reporter.handle(safe);
  };
  const pool = new ConnectionPool(options.createConnection, (host, retry) => void emit({ type: 'host.retry', host, ...retry }));
  const selection = new TaskSelection(options.selection, playbook);
  const selected = hostFilter(inventory, options.limit, options.shard);
  try {
    await emit({ type: 'playbook.start', file: playbook.file, check: options.check });
    for (const message of playbook.warnings) await emit({ type: 'warning', message });
    for (const play of playbook.plays) {
      if (options.selection.role !== undefined && !play.roles.some((role) => role.name === options.selection.role)) continue;
      const matched = matchHosts(inventory, play.hosts).hosts;
      const targets = ordered(matched.filter(selected), play.order);
      if (targets.length === 0) {
        // A pattern that matches nothing was warned of before the run; here --limit or --shard left no host.
        if (matched.length > 0) await emit({ type: 'warning', message: `play '${play.name}': no hosts matched, skipping` });
        continue;
      }
      const stopped = await new PlayRunner(
        {
          inventory,
          hosts,
          extraVars: options.extraVars,
          playbookDir: playbook.dir,
          check: options.check,
          diff: options.diff,
          verbosity: options.verbosity,
          forks: options.forks,
          forceHandlers: options.forceHandlers,
          gathering: options.gathering,
          becomePassword: options.becomePassword,
          selection,
          redactor,
          connect: (host, keywords) => pool.get(host, keywords),
          reconnect: (host, keywords) => pool.reset(host, keywords),
          emit,
        },
        play,
      ).run(targets);
      if (stopped) {
        await emit({ type: 'warning', message: stopped });
        break;
      }
    }
  } finally {
    await pool.closeAll();
  }
  const stats = Object.fromEntries([...hosts.values()].filter((host) => Object.values(host.stats).some((n) => n > 0)).map((host) => [host.name, host.stats]));
  const exitCode = options.detailedExitCodes ? detailedExitCodeFor(Object.values(stats)) : exitCodeFor(Object.values(stats));
  await emit({ type: 'recap', hosts: stats });
  await emit({ type: 'playbook.end', exitCode, durationMs: Date.now() - started });
  return { exitCode, stats };
}

/** The play's hosts in the order its 'order' keyword asks for (inventory order by default). */
function ordered(hosts: string[], order: Play['order']): string[] {
  if (order === 'reverse_inventory') return [...hosts].reverse();
  if (order === 'sorted' || order === 'reverse_sorted') {
    const sorted = [...hosts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return order === 'sorted' ? sorted : sorted.reverse();
  }
  if (order === 'shuffle') return [...hosts].sort(() => Math.random() - 0.5);
  return hosts;
}

/** Unreachable wins over failed, as in ansible-playbook. */
export function exitCodeFor(stats: HostStats[]): ExitCodeValue {
  if (stats.some((s) => s.unreachable > 0)) return ExitCode.HostsUnreachable;
  if (stats.some((s) => s.failed > 0)) return ExitCode.HostsFailed;
  return ExitCode.Ok;
}

export function detailedExitCodeFor(stats: HostStats[]): DetailedExitCode {
  const changed = stats.some((s) => s.changed > 0) ? 2 : 0;
  const failed = stats.some((s) => s.failed > 0 || s.unreachable > 0) ? 4 : 0;
  return (changed + failed) as DetailedExitCode;
}

/**
 * Values under secret-looking names anywhere in the inputs are masked in every event; values under
 * ordinary names are known as ordinary. A declared secret too short to mask is refused here, before
 * any host is reached.
 */
function learnDeclaredSecrets(redactor: Redactor, options: RunOptions): void {
  const sources: Array<[string, unknown]> = [['-e (extra vars)', options.extraVars]];
  for (const group of options.inventory.groups.values()) sources.push([`group '${group.name}' of ${options.inventory.file}`, group.vars]);
  for (const host of options.inventory.hosts.values()) sources.push([`host '${host.name}' of ${options.inventory.file}`, host.vars]);
  for (const play of options.playbook.plays) {
    sources.push([`play '${play.name}'`, [play.vars, play.varsFiles]]);
    for (const role of play.roles) sources.push([`role '${role.name}'`, [role.defaults, role.vars, role.params]]);
    for (const task of allTasks([...play.preTasks, ...play.tasks, ...play.postTasks])) sources.push([`task '${task.name}'`, task.vars]);
  }
  for (const [where, vars] of sources) {
    const short = tooShortSecrets(vars);
    if (short.length > 0) {
      throw new UserError(
        `the secret '${short[0].replace(/^\d+\./, '')}' (${where}) is shorter than ${MIN_SECRET_LENGTH} characters: it could not be hidden in output without hiding ordinary words too.`,
        undefined,
        `Choose a longer value (a join token or password should be long and random), or empty it to let one be generated.`,
      );
    }
    redactor.learnFromVars(vars);
    redactor.learnOrdinary(vars);
  }
  redactor.learnOrdinary([...options.inventory.hosts.keys(), ...options.inventory.groups.keys()]);
}
