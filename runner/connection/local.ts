import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import { readPathWithShell } from '../facts/file.js';
import type { PathReading, PathWant } from '../facts/path-state.js';
import { buildCommandLine, stdinFor } from './command-line.js';
import type { Connection, ExecOptions, ExecResult } from './connection.js';

/** Runs commands on the controller itself (ansible_connection: local). */
export class LocalConnection implements Connection {
  private readonly user = userInfo().username;

  constructor(readonly host: string) {}

  async connect(): Promise<void> {}

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', buildCommandLine(command, options, this.user)], { stdio: ['pipe', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.on('error', reject);
      child.on('close', (code, signal) => {
        resolve({ rc: code ?? (signal ? 128 : 1), stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
      });
      // A command that does not read stdin closes the pipe early; that is not an error.
      child.stdin.on('error', () => undefined);
      child.stdin.end(stdinFor(options, this.user) ?? '');
    });
  }

  readPath(path: string, want: PathWant, options: ExecOptions = {}): Promise<PathReading> {
    return readPathWithShell((command) => this.exec(command, options), path, want);
  }

  async close(): Promise<void> {}
}
