import type { ExecResult } from '../connection/connection.js';
import type { PathReading, PathWant } from '../facts/file.js';
import type { Vars } from '../inventory/inventory.js';

/** A before/after pair shown with --diff, or a diff a tool already made (kubectl diff). */
export interface Diff {
  path?: string;
  before: string;
  after: string;
  /** A unified diff made by the tool that knows the state best; shown as it is. */
  unified?: string;
}

/** What a module reports; the same vocabulary as Ansible's (changed, failed, msg, rc, stdout, diff). */
export interface ModuleResult {
  changed: boolean;
  failed?: boolean;
  skipped?: boolean;
  msg?: string;
  diff?: Diff[];
  rc?: number;
  stdout?: string;
  stderr?: string;
  /** Variables the module sets for the host (set_fact, slurp into a name). */
  facts?: Vars;
  [key: string]: unknown;
}

export interface ModuleContext {
  host: string;
  check: boolean;
  diff: boolean;
  /** Runs a shell command on the target, with the task's become and environment. */
  run(command: string, options?: { stdin?: string | Buffer; cwd?: string }): Promise<ExecResult>;
  /** What is at a path on the target, as the task's become user; rejects when it cannot be read. */
  readPath(path: string, want: PathWant): Promise<PathReading>;
  /** A controller-side file the task names: the role's files/ or templates/ first, then the playbook's directory. */
  findLocalFile(kind: 'files' | 'templates', path: string): Promise<string>;
  /** A controller path the task names; a relative one is taken from the playbook's directory, as in Ansible. */
  localPath(path: string): string;
  /** Renders a Handlebars template file with the task's variables. */
  renderTemplateFile(file: string): Promise<string>;
  /** The task's variables, for modules that read them (debug, assert). */
  scope: Vars;
  /** Evaluates conditions in the task's scope (assert). */
  conditionsHold(conditions: Array<string | boolean>): boolean;
}

/**
 * One contract for every module: read the host's state, decide by comparing it with the
 * desired state (a pure function, unit-tested without a host), act only when they differ
 * and never in check mode; report ok/changed with a diff.
 */
export interface ModuleDefinition<A = Record<string, unknown>> {
  name: string;
  description: string;
  /** JSON Schema of the arguments; checked before the first connection when they are literal. */
  args: object;
  /** The argument a free-form string fills ('command: echo hi' is { cmd: 'echo hi' }). */
  freeForm?: string;
  /** 'full': check mode predicts exactly; 'partial': it skips what it cannot predict (commands). */
  checkMode: 'full' | 'partial';
  run(args: A, ctx: ModuleContext): Promise<ModuleResult>;
}

export const defineModule = <A>(definition: ModuleDefinition<A>) => definition as unknown as ModuleDefinition;
