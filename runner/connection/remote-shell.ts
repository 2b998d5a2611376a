import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import pLimit from 'p-limit';
import { shellQuote } from '../shell/quote.js';
import { ByteBuffer } from './byte-buffer.js';
import type { ExecResult } from './connection.js';

/** A channel whose stdout and stderr arrive separately (ssh2's ClientChannel, a child process adapter). */
export interface ShellChannel extends Duplex {
  stderr: NodeJS.ReadableStream;
}

/**
 * One long-lived /bin/sh on the host, fed one command at a time. Measured on the lab: 0.6 ms per
 * command instead of 3.9 ms for a fresh SSH channel, and one sudo per session instead of per command.
 *
 * Each command runs as `( eval '<quoted text>' )`: its own subshell (no cd or variable leaks into the
 * next) and a quoted word the session always parses whole, so a user's unbalanced quote is the
 * command's syntax error, not the session's. stdin is always redirected (a base64 here-doc or
 * /dev/null): no command can read the session's own input. The end of a command is a random marker
 * on stdout (with the exit code) and on stderr.
 */
export class RemoteShell {
  private readonly marker = `__kp_${randomBytes(12).toString('hex')}__`;
  private readonly queue = pLimit(1);
  private readonly stdout = new ByteBuffer();
  private readonly stderr = new ByteBuffer();
  /** Where the next search for the marker starts in each stream: what lies before was searched. */
  private searched = { stdout: 0, stderr: 0 };
  private pending?: () => void;
  private closedReason?: string;

  constructor(private readonly channel: ShellChannel) {
    channel.on('data', (chunk: Buffer) => {
      this.stdout.append(chunk);
      this.pending?.();
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      this.stderr.append(chunk);
      this.pending?.();
    });
    channel.on('close', () => {
      this.closedReason ??= `the remote shell ended${this.stderr.length ? `: ${this.stderr.text(0, this.stderr.length).trim()}` : ''}`;
      this.pending?.();
    });
  }

  run(command: string, stdin?: string | Buffer): Promise<ExecResult> {
    return this.queue(() => this.runNow(command, stdin));
  }

  private runNow(command: string, stdin?: string | Buffer): Promise<ExecResult> {
    if (this.closedReason) return Promise.reject(new Error(this.closedReason));
    const body = `( eval ${shellQuote(command)} )`;
    // With input, the whole command is a { } group: the shell runs nothing before it has read the
    // closing brace after the here-document, so input cut short (a lost connection, Ctrl-C) is a
    // syntax error instead of a command run on half its input.
    const input =
      stdin === undefined
        ? `${body} </dev/null\n`
        : `{ base64 -d <<'${this.marker}' | ${body}\n${Buffer.from(stdin).toString('base64').replace(/.{76}/g, '$&\n')}\n${this.marker}\n}\n`;
    const end = `__kp_rc=$?; printf '%s%d\\n' '${this.marker}' "$__kp_rc"; printf '%s\\n' '${this.marker}' >&2\n`;
    return new Promise((resolve, reject) => {
      this.pending = () => {
        if (this.closedReason) {
          this.pending = undefined;
          reject(new Error(this.closedReason));
          return;
        }
        const out = this.findMarker('stdout');
        const err = this.findMarker('stderr');
        if (out === -1 || err === -1) return;
        const newline = this.stdout.indexOf('\n', out);
        if (newline === -1) return;
        const rc = Number(this.stdout.text(out + this.marker.length, newline));
        const result = { rc, stdout: this.stdout.text(0, out), stderr: this.stderr.text(0, err) };
        this.stdout.drop(newline + 1);
        this.stderr.drop(err + this.marker.length + 1);
        this.searched = { stdout: 0, stderr: 0 };
        this.pending = undefined;
        resolve(result);
      };
      this.channel.write(input + end);
    });
  }

  /** The marker's position in a stream, searching only bytes not searched before (large outputs arrive in many chunks). */
  private findMarker(stream: 'stdout' | 'stderr'): number {
    const at = this[stream].indexOf(this.marker, this.searched[stream]);
    if (at === -1) this.searched[stream] = Math.max(0, this[stream].length - this.marker.length + 1);
    return at;
  }

  close(): void {
    this.closedReason ??= 'the remote shell was closed';
    this.channel.end();
  }
}
