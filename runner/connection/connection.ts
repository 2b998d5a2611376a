import type { PathReading, PathWant } from '../facts/path-state.js';

/** Run as another user through sudo (Ansible's become). */
/** A play's or task's remote_user and connection keywords: used where the inventory sets no ansible_user or ansible_connection. */
export interface ConnectionKeywords {
  remoteUser?: string;
  connection?: string;
  /** Connection variables set outside the inventory (play, role or task vars, set_fact): they win over the inventory's, as in Ansible. */
  vars?: Record<string, unknown>;
}

export interface Become {
  user: string;
  /** For sudo that asks for a password; sent on stdin, never on a command line. */
  password?: string;
}

export interface ExecOptions {
  stdin?: string | Buffer;
  become?: Become;
  env?: Record<string, string>;
  cwd?: string;
}

export interface ExecResult {
  rc: number;
  stdout: string;
  stderr: string;
}

/**
 * How the engine reaches a host: one command at a time, each a POSIX shell command line.
 * Files travel as stdin of a command, so every transfer works the same with and without become.
 */
export interface Connection {
  readonly host: string;
  /** Opens the connection; throws UnreachableError when the host cannot be reached. Each failed attempt that is retried is told to onRetry. */
  connect(onRetry?: (retry: ConnectRetry) => void): Promise<void>;
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** What is at a path (as the become user, if any); rejects when it cannot be read. */
  readPath(path: string, want: PathWant, options?: Pick<ExecOptions, 'become'>): Promise<PathReading>;
  close(): Promise<void>;
}

/** A connection attempt failed and another follows: what a user waiting on the host is shown. */
export interface ConnectRetry {
  attempt: number;
  attempts: number;
  reason: string;
  retryInMs: number;
  /** The longest all attempts together can take: timeouts and pauses. */
  budgetMs: number;
}

/** The host could not be reached or authenticated: the run goes on without it. */
export class UnreachableError extends Error {
  constructor(
    readonly host: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnreachableError';
  }
}
