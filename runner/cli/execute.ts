import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { connectionFactory } from '../connection/factory.js';
import { ExitCode, UserError, type ExitCodeValue } from '../errors.js';
import type { Reporter } from '../executor/events.js';
import { runPlaybook, validatePlan } from '../executor/run.js';
import { GATHERING, type Gathering } from '../executor/play-runner.js';
import { ansibleBoolean } from '../jinja/python.js';
import { useJinja2Native } from '../jinja/templar.js';
import { Inventory, LOCALHOST_NAMES, loadInventory } from '../inventory/inventory.js';
import { loadPlaybook } from '../playbook/load.js';
import type { Playbook } from '../playbook/model.js';
import { JsonReporter } from '../reporters/json.js';
import { ListrReporter } from '../reporters/listr.js';
import { PlainReporter } from '../reporters/plain.js';
import { largeFileNotice } from '../yaml/source.js';
import { parseExtraVars, variableName } from './extra-vars.js';
import { listHosts, listTasks } from './listing.js';
import type { CliOptions } from './program.js';
import { readSecrets } from './prompt.js';
import type { Io } from './io.js';

/** Loading and validation, then the run (or the listing a --list or --syntax-check option asks for). */
export function execute(playbookArg: string, options: CliOptions, io: Io): Promise<ExitCodeValue> {
  // Parsing a file of many megabytes takes seconds: say so before it starts, not after.
  const notice = (file: string, bytes: number) =>
    io.err(`[NOTE]: reading ${relative(io.cwd, file) || file} (${(bytes / 1024 / 1024).toFixed(1)} MB); a file this large takes seconds to check.`);
  return largeFileNotice.run(notice, () => loadAndRun(playbookArg, options, io));
}

/**
 * The inventory -i names, or inventory.yaml. Without either, a playbook with a play for localhost
 * runs on Ansible's implicit localhost (and the hosts add_host makes), as ansible-playbook does when
 * no inventory was parsed.
 */
async function inventoryFor(playbook: Playbook, given: string | undefined, io: Io): Promise<Inventory> {
  const path = resolve(io.cwd, given ?? 'inventory.yaml');
  // Ansible's host list: '-i h1,h2' (a trailing comma for one host), when no such file exists.
  if (given?.includes(',') && !existsSync(path))
    return Inventory.ofHosts(
      given
        .split(',')
        .map((host) => host.trim())
        .filter(Boolean),
      given,
    );
  const forLocalhost = playbook.plays.some((play) => play.hosts.some((pattern) => LOCALHOST_NAMES.has(pattern)));
  if (given !== undefined || existsSync(path) || !forLocalhost) return loadInventory(path);
  io.err('[WARNING]: No inventory was parsed, only implicit localhost is available');
  return new Inventory(path);
}

/** ANSIBLE_GATHERING, checked before anything runs. */
function gatheringSetting(value: string | undefined): Gathering {
  const setting = (value ?? 'implicit').trim().toLowerCase();
  if ((GATHERING as readonly string[]).includes(setting)) return setting as Gathering;
  throw new UserError(
    `ANSIBLE_GATHERING is '${value}', which is not a gathering setting.`,
    undefined,
    `Set it to one of: ${GATHERING.join(', ')}, or unset it.`,
    ExitCode.BadOptions,
  );
}

async function loadAndRun(playbookArg: string, options: CliOptions, io: Io): Promise<ExitCodeValue> {
  useJinja2Native(ansibleBoolean(io.env.ANSIBLE_JINJA2_NATIVE) === true);
  const gathering = gatheringSetting(io.env.ANSIBLE_GATHERING);
  const selection = { tags: options.tags, skipTags: options.skipTags, role: options.role, startAtTask: options.startAtTask };
  const [playbook, extraVars] = await Promise.all([
    loadPlaybook(await findPlaybook(io.cwd, playbookArg), io.cwd),
    parseExtraVars(options.extraVars, io.cwd, io.env),
  ]);
  const inventory = await inventoryFor(playbook, options.inventory, io);
  for (const warning of extraVars.warnings) io.err(`[WARNING]: ${warning}`);
  validatePlan({ inventory, playbook, limit: options.limit, shard: options.shard, selection });
  if (options.syntaxCheck) {
    for (const warning of playbook.warnings) io.err(`[WARNING]: ${warning}`);
    io.out(`playbook: ${playbook.file}\nNo issues encountered.`);
    return ExitCode.Ok;
  }
  if (options.listHosts || options.listTasks) {
    if (options.listHosts) listHosts(playbook, inventory, options.limit, options.shard).forEach((line) => io.out(line));
    if (options.listTasks) listTasks(playbook, selection).forEach((line) => io.out(line));
    return ExitCode.Ok;
  }
  const asked = options.askVar.map(variableName);
  const answers = await readSecrets([...(options.askBecomePass ? ['BECOME password: '] : []), ...asked.map((name) => `${name}: `)]);
  const becomePassword = options.askBecomePass ? answers.shift() : undefined;
  const vars = { ...extraVars.vars, ...Object.fromEntries(asked.map((name, i) => [name, answers[i]])) };
  const reporter: Reporter = options.json
    ? new JsonReporter(io.out)
    : io.isTTY
      ? new ListrReporter(io.out, { diff: options.diff })
      : new PlainReporter(io.out, { diff: options.diff, verbosity: options.verbose });
  const result = await runPlaybook({
    inventory,
    playbook,
    limit: options.limit,
    shard: options.shard,
    check: options.check,
    diff: options.diff,
    verbosity: options.verbose,
    forks: options.forks,
    forceHandlers: options.forceHandlers,
    gathering,
    becomePassword,
    extraVars: vars,
    selection,
    reporters: [reporter],
    createConnection: connectionFactory(
      inventory,
      vars,
      { acceptNewHostKeys: options.acceptNewHostKeys },
      { ...(options.connection ? { ansible_connection: options.connection } : {}), ...(options.user ? { ansible_user: options.user } : {}) },
    ),
    detailedExitCodes: options.detailedExitcodes,
  });
  return result.exitCode;
}

/** 'site.yaml' is found in the current directory or in playbooks/. */
async function findPlaybook(cwd: string, path: string): Promise<string> {
  for (const candidate of [resolve(cwd, path), resolve(cwd, 'playbooks', path)]) {
    if ((await stat(candidate).catch(() => undefined))?.isFile()) return relative(cwd, candidate) || candidate;
  }
  throw new UserError(`the playbook ${path} does not exist (looked in . and playbooks/).`, undefined, 'Check the file name.', ExitCode.BadOptions);
}
