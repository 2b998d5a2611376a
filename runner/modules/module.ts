import type { Static, TObject } from 'typebox';
import { stringify } from 'yaml';
import type { ExecResult } from '../connection/connection.js';
import type { PathReading, PathWant } from '../facts/path-state.js';
import type { Vars } from '../vars/vars.js';
import type { JinjaOptions } from '../jinja/templar.js';

/** A before/after pair shown with --diff, or a diff a tool already made (kubectl diff). */
export interface Diff {
  path?: string;
  before: string;
  after: string;
  /** A unified diff made by the tool that knows the state best; shown as it is. */
  unified?: string;
}

/** A diff as Ansible's own modules return it (file): the values before and after, by name. */
export interface ValuesDiff {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/** A module's diff as the reporters show it: a values diff becomes two YAML texts. */
export function asDiffs(diff: Diff[] | ValuesDiff | undefined): Diff[] | undefined {
  if (diff === undefined || Array.isArray(diff)) return diff;
  if (JSON.stringify(diff.before) === JSON.stringify(diff.after)) return undefined;
  return [{ path: String(diff.after.path ?? diff.before.path ?? 'value'), before: stringify(diff.before), after: stringify(diff.after) }];
}

/** What a task reports; the same vocabulary as Ansible's (changed, failed, msg, rc, stdout, diff). */
export interface ModuleResult {
  changed: boolean;
  failed?: boolean;
  skipped?: boolean;
  msg?: string;
  diff?: Diff[] | ValuesDiff;
  rc?: number;
  stdout?: string;
  stderr?: string;
  /** Variables the module sets for the host (set_fact). */
  facts?: Vars;
  /** Facts a module gathered (service_facts, package_facts): variables of the facts layer, and keys of ansible_facts. */
  gatheredFacts?: Vars;
  /** Variables read from files for the host (include_vars): unlike facts, templates in them are rendered when used. */
  includedVars?: Vars;
  [key: string]: unknown;
}

/** A command that changes the host: run by the engine after the plan, never in check mode. */
export interface CommandStep {
  /** What it does, for the failure message: "systemctl restart k3s". */
  what: string;
  command: string;
  stdin?: string | Buffer;
  cwd?: string;
  /** A read-only command whose output explains a failure (the unit's journal). */
  diagnose?: string;
  /**
   * How the command's outcome becomes the result, when more than "rc 0 or failed" (command, uri,
   * a download that may turn out identical). A pure function of the output.
   */
  interpret?: (output: ExecResult, elapsedMs: number) => Partial<ModuleResult>;
  /** The command may end the connection (a reboot): a connection lost while it runs counts as success. */
  mayDisconnect?: boolean;
}

/** Waits for a host that was told to reboot to come back (reboot): the engine reconnects until its boot time changes. */
export interface AwaitRebootStep {
  what: string;
  awaitReboot: {
    /** What the boot time command printed before the reboot. */
    previousBootTime: string;
    bootTimeCommand: string;
    /** A command that must succeed once the host is back. */
    testCommand: string;
    /** Each of the two waits (boot time changed, test command passed) gives up after this. */
    timeoutS: number;
    /** How long to wait before the first check. */
    postRebootDelayS: number;
    /** How long one attempt (connecting and running a command) may take. */
    attemptTimeoutS: number;
  };
}

/** A file written on the controller (fetch): atomically, with this mode. */
export interface LocalWriteStep {
  what: string;
  writeLocal: { path: string; content: Buffer; mode: number };
}

export type Step = CommandStep | LocalWriteStep | AwaitRebootStep;

/**
 * What a module found and would do: the result to report (changed, diff, values) and the steps
 * that make it true. The module only reads; the engine applies the steps, unless in check mode.
 */
export interface Plan extends ModuleResult {
  steps?: Step[];
  /** For a module whose changes cannot be predicted: what check mode reports instead of running the steps. */
  inCheckMode?: ModuleResult;
}

export interface ModuleContext {
  host: string;
  /** Whether --diff was asked: reading the old content for a diff costs a round trip. */
  diff: boolean;
  /** Whether the task runs in check mode (steps will not run): some modules report differently then (warnings). */
  checkMode: boolean;
  /** Runs a read-only shell command on the target, with the task's become and environment. */
  run(command: string, options?: { stdin?: string | Buffer; cwd?: string }): Promise<ExecResult>;
  /** Runs a read-only command and returns its output; a non-zero exit fails the task, saying what failed. */
  read(what: string, command: string): Promise<string>;
  /** What is at a path on the target, as the task's become user; rejects when it cannot be read. */
  readPath(path: string, want: PathWant): Promise<PathReading>;
  /**
   * A controller-side file the task names: the role's files/ or templates/ first, then the
   * playbook's directory. With orDirectory, a directory of that name is found too (copy).
   */
  findLocalFile(kind: 'files' | 'templates' | 'vars', path: string, orDirectory?: boolean): Promise<string>;
  /** A directory of vars files include_vars names: in a role, below its vars/; otherwise beside the task's file. */
  varsDirectory(dir: string): string;
  /** A controller path the task names; a relative one is taken from the playbook's directory, as in Ansible. */
  localPath(path: string): string;
  /**
   * Renders a template file (Jinja2, or Handlebars for .hbs) with the task's variables and the
   * ones Ansible gives templates (ansible_managed, template_path, template_host, ...); extra adds
   * more (template_destpath).
   */
  renderTemplateFile(file: string, options?: JinjaOptions, extra?: Vars): Promise<string>;
  /** Whether the task runs on this machine (ansible_connection: local), not over SSH; asked, the connection opens. */
  isLocal(): Promise<boolean>;
  /** The task's variables, for modules that read them (debug, assert). */
  scope: Vars;
  /** Evaluates conditions in the task's scope (assert). */
  conditionsHold(conditions: Array<string | boolean>): boolean;
  /** Renders a value in the task's scope, as the task's arguments are (debug's var). */
  render(text: string): unknown;
}

/** A value a module returns, documented as Ansible's RETURN section documents it. */
export interface ReturnValue {
  description: string;
  type: 'string' | 'number' | 'boolean' | 'list' | 'dict';
}

export interface Example {
  /** What the example does, one sentence. */
  description: string;
  /** The task, as it is written in a role (YAML); every example is run by a test. */
  task: string;
  /** Variables an earlier task would have set (a registered result), given to the example when it is run. */
  given?: Vars;
}

/**
 * One declaration per module: its arguments once (a TypeBox schema, which is both the JSON Schema
 * that checks a task before the first connection and the TypeScript type of `args`), what it
 * returns and how it is used. The reference in docs/modules.md and the editor schema
 * (runner/schema/tasks.schema.json) are generated from it.
 */
export interface ModuleDeclaration<S extends TObject = TObject> {
  name: string;
  description: string;
  args: S;
  returns: Record<string, ReturnValue>;
  examples: Example[];
  /**
   * The names of the same module in Ansible collections ('ansible.posix.sysctl'), when this one
   * takes their arguments; 'ansible.builtin.NAME' needs no mention. An argument's other names
   * are in its schema: `aliases: ['dest', 'name']`, as in Ansible's argument specs.
   */
  collectionNames?: string[];
  /** Ansible's own words for a missing required argument, where its module has them ('dest is required'). */
  missingMessages?: Record<string, string>;
  /** The argument a free-form string fills ('command: echo hi' is { cmd: 'echo hi' }). */
  freeForm?: keyof Static<S> & string;
  /**
   * 'full': the plan predicts exactly what applying it changes. 'none': the module cannot know what
   * its command changes (command, shell, uri), so check mode skips it when it has steps to run.
   */
  checkMode: 'full' | 'none';
  /** Reads the host and returns what applying would change; changes nothing itself. */
  plan(args: Static<S>, ctx: ModuleContext): Promise<Plan>;
}

/**
 * A module for the registry: its arguments are typed by its own schema inside, and the engine
 * calls plan only with arguments that schema accepted.
 */
export const defineModule = <S extends TObject>(declaration: ModuleDeclaration<S>): ModuleDeclaration => declaration;

/** The defaults a module's schema declares: what a task that leaves those arguments out gets (package through apt, copy through file). */
export const argumentDefaults = (module: ModuleDeclaration): Record<string, unknown> =>
  Object.fromEntries(Object.entries(module.args.properties).flatMap(([key, schema]) => ('default' in schema ? [[key, schema.default]] : [])));

/** A list argument Ansible also takes as 'a,b' text: its items, trimmed, empty ones left out. */
export const listArgument = (value: string | string[]): string[] =>
  (Array.isArray(value) ? value : value.split(',')).map((item) => item.trim()).filter(Boolean);
