import { readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { NodeSSH, type Config } from 'node-ssh';
import pLimit from 'p-limit';
import { buildCommandLine, stdinFor } from './command-line.js';
import { UnreachableError, type Connection, type ExecOptions, type ExecResult } from './connection.js';
import { algorithmsFor, fingerprint, hostEntryName, keyTypeOf, knownKeyTypes, readKnownHosts, recordHostKey, verifyHostKey } from './known-hosts.js';
import { parseJump, resolveSshTarget, type SshTarget } from './ssh-target.js';

/** sshd allows 10 sessions per connection (MaxSessions); stay under it and queue the rest. */
const CHANNELS_PER_CONNECTION = 8;
/** Errors worth another try: the host may still be booting or its sshd restarting. */
const TRANSIENT = /ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET|Timed out while waiting for handshake/;

export interface SshSettings {
  acceptNewHostKeys: boolean;
}

/** One SSH connection per host (node-ssh over ssh2); every command is a channel on it. */
export class SshConnection implements Connection {
  private readonly ssh = new NodeSSH();
  private jump?: NodeSSH;
  private readonly channels = pLimit(CHANNELS_PER_CONNECTION);
  private target?: SshTarget;
  private closed = false;
  /** Why the host key was refused; ssh2 itself only says that verification failed. */
  private hostKeyProblem?: string;

  constructor(
    readonly host: string,
    private readonly targetFor: () => Promise<SshTarget>,
    private readonly settings: SshSettings,
  ) {}

  static forHost(host: string, vars: Record<string, unknown>, settings: SshSettings): SshConnection {
    return new SshConnection(host, () => resolveSshTarget(host, vars), settings);
  }

  async connect(): Promise<void> {
    const target = (this.target = await this.targetFor());
    let lastError: Error | undefined;
    for (let attempt = 0; attempt <= target.retries; attempt++) {
      if (attempt > 0) await sleep(250 * 2 ** attempt);
      try {
        const sock = target.proxyJump ? await this.openJump(target) : undefined;
        await this.ssh.connect(await this.config(target, target.host, target.port, target.user, sock));
        this.ssh.connection?.on('close', () => (this.closed = true));
        return;
      } catch (error) {
        if (error instanceof UnreachableError) throw error;
        lastError = this.hostKeyProblem ? new Error(this.hostKeyProblem) : (error as Error);
        if (this.hostKeyProblem || !TRANSIENT.test(lastError.message)) break;
      }
    }
    throw new UnreachableError(this.host, describeFailure(target, lastError!));
  }

  /** ProxyJump: connect to the jump host (its key verified too), then tunnel to the target through it. */
  private async openJump(target: SshTarget): Promise<NodeJS.ReadWriteStream> {
    const jump = parseJump(target.proxyJump!);
    const jumpTarget = await resolveSshTarget(jump.host, { ansible_user: jump.user ?? target.user, ansible_port: jump.port, ansible_ssh_known_hosts_file: target.knownHostsFile });
    this.jump = new NodeSSH();
    try {
      await this.jump.connect(await this.config(jumpTarget, jumpTarget.host, jumpTarget.port, jumpTarget.user));
    } catch (error) {
      const reason = this.hostKeyProblem ? new Error(this.hostKeyProblem) : (error as Error);
      throw new UnreachableError(this.host, `ProxyJump host ${describeFailure(jumpTarget, reason)}`);
    }
    return new Promise((resolve, reject) =>
      this.jump!.connection!.forwardOut('127.0.0.1', 0, target.host, target.port, (error: Error | undefined, stream: NodeJS.ReadWriteStream) => (error ? reject(error) : resolve(stream))),
    );
  }

  private async config(target: SshTarget, host: string, port: number, username: string, sock?: NodeJS.ReadWriteStream): Promise<Config> {
    const known = await readKnownHosts(target.knownHostsFile);
    const name = hostEntryName(host, port);
    const types = knownKeyTypes(known, name);
    const privateKeyPath = await firstExisting(target.keyFiles);
    return {
      host,
      port,
      username,
      sock: sock as Config['sock'],
      privateKey: privateKeyPath ? await readFile(privateKeyPath, 'utf8') : undefined,
      agent: process.env.SSH_AUTH_SOCK,
      readyTimeout: target.connectTimeoutMs,
      keepaliveInterval: 15_000,
      // Ask for a key type known_hosts has, so a host with several keys is checked against the one we know.
      algorithms: types.length ? { serverHostKey: algorithmsFor(types) as never } : undefined,
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        this.checkHostKey(target, name, key).then(
          () => verify(true),
          (error: Error) => {
            this.hostKeyProblem = error.message;
            verify(false);
          },
        );
      },
    } as Config;
  }

  /** Verify against known_hosts: never silently accept (ssh2 would accept anything without a verifier). */
  private async checkHostKey(target: SshTarget, name: string, key: Buffer): Promise<void> {
    const verdict = verifyHostKey(await readKnownHosts(target.knownHostsFile), name, keyTypeOf(key), key.toString('base64'));
    const print = fingerprint(key);
    if (verdict.status === 'known') return;
    if (verdict.status === 'changed') {
      throw new Error(
        `HOST KEY CHANGED for ${name}: it now presents ${keyTypeOf(key)} ${print}, but ${target.knownHostsFile} records ${verdict.expected}. Someone may be intercepting the connection, or the host was reinstalled. If you know why it changed, remove the old entry with: ssh-keygen -f ${target.knownHostsFile} -R '${name}'`,
      );
    }
    if (verdict.status === 'revoked') throw new Error(`the host key of ${name} (${print}) is marked @revoked in ${target.knownHostsFile}`);
    if (!this.settings.acceptNewHostKeys) {
      throw new Error(
        `unknown host key for ${name}: ${keyTypeOf(key)} ${print} is not in ${target.knownHostsFile}. Check the fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_${keyTypeOf(key).replace(/^ssh-|-sha2.*$/g, '').replace('nistp256', '')}_key.pub), then run again with --accept-new-host-keys to trust and record it`,
      );
    }
    await recordHostKey(target.knownHostsFile, name, key);
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return this.channels(async () => {
      if (this.closed || !this.ssh.connection) throw new UnreachableError(this.host, `the SSH connection to ${this.target?.host ?? this.host} was lost`);
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      const input = stdinFor(options, this.target?.user);
      try {
        const result = await this.ssh.execCommand(buildCommandLine(command, options, this.target?.user), {
          stdin: input === undefined ? undefined : Readable.from([Buffer.isBuffer(input) ? input : Buffer.from(input)]),
          onStdout: (chunk) => stdout.push(chunk),
          onStderr: (chunk) => stderr.push(chunk),
          noTrim: true,
        });
        return { rc: result.code ?? (result.signal ? 128 : 255), stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
      } catch (error) {
        throw new UnreachableError(this.host, `the SSH connection to ${this.target?.host ?? this.host} failed: ${(error as Error).message}`);
      }
    });
  }

  async close(): Promise<void> {
    this.ssh.dispose();
    this.jump?.dispose();
  }
}

async function firstExisting(files: string[]): Promise<string | undefined> {
  for (const file of files) if ((await stat(file).catch(() => undefined))?.isFile()) return file;
  return undefined;
}

function describeFailure(target: SshTarget, error: Error): string {
  const where = `${target.user}@${target.host}:${target.port}`;
  const message = error.message;
  if (/All configured authentication methods failed/.test(message)) {
    return `${where}: authentication failed (tried ${target.keyFiles.filter(Boolean).join(', ')}${process.env.SSH_AUTH_SOCK ? ' and the ssh-agent' : ''}). Check ansible_user and ansible_ssh_private_key_file.`;
  }
  if (/ECONNREFUSED/.test(message)) return `${where}: connection refused (is sshd running and listening on port ${target.port}?)`;
  if (/ETIMEDOUT|Timed out/.test(message)) return `${where}: no answer within ${target.connectTimeoutMs / 1000}s (host down, wrong address or a firewall)`;
  if (/EHOSTUNREACH|ENETUNREACH/.test(message)) return `${where}: no route to the host`;
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) return `${where}: the name ${target.host} does not resolve`;
  return `${where}: ${message}`;
}
