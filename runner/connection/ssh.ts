import { readFile, stat } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config, NodeSSH } from 'node-ssh';
import { buildCommandLine } from './command-line.js';
import { shellQuote } from '../shell/quote.js';
import { UnreachableError, type Connection, type ConnectRetry, type ExecOptions, type ExecResult } from './connection.js';
import { algorithmsFor, fingerprint, hostEntryName, keyTypeOf, knownKeyTypes, readKnownHosts, recordHostKey, verifyHostKey } from './known-hosts.js';
import { contentLimitFor, readPathWithShell, withChecksum } from '../facts/file.js';
import type { PathReading, PathWant } from '../facts/path-state.js';
import { PATH_READER_COMMAND, PathReader } from './path-reader.js';
import { RemoteShell, type ShellChannel } from './remote-shell.js';
import { parseJump, resolveSshTarget, type SshTarget } from './ssh-target.js';

/** node-ssh (and ssh2 under it) is loaded by the first connection: a run without SSH hosts, or a --syntax-check, never pays for it. */
const nodeSsh = async () => new (await import('node-ssh')).NodeSSH();

/** Errors worth another try: the host may still be booting or its sshd restarting. */
const TRANSIENT = /ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET|Timed out while waiting for handshake/;

export interface SshSettings {
  acceptNewHostKeys: boolean;
}

/**
 * One SSH connection per host (node-ssh over ssh2). Commands run in long-lived remote shells on
 * it (runner/connection/remote-shell.ts) and paths are read by a long-lived path reader
 * (path-reader.ts): one of each for the login user and per become user, so a host never holds
 * more than a few of sshd's 10 sessions.
 */
export class SshConnection implements Connection {
  private ssh?: NodeSSH;
  private jump?: NodeSSH;
  private readonly shells = new Map<string, Promise<RemoteShell>>();
  private readonly readers = new Map<string, Promise<PathReader | undefined>>();
  private sudoChecked?: Promise<void>;
  private target?: SshTarget;
  private closed = false;
  /** Why an open connection was lost (keepalive timeout, reset), for the unreachable message. */
  private lostReason?: string;
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

  async connect(onRetry?: (retry: ConnectRetry) => void): Promise<void> {
    const target = (this.target = await this.targetFor());
    const attempts = target.retries + 1;
    const pause = (attempt: number) => 250 * 2 ** attempt;
    const budgetMs = attempts * target.connectTimeoutMs + Array.from({ length: target.retries }, (_, i) => pause(i + 1)).reduce((a, b) => a + b, 0);
    const started = Date.now();
    let lastError: Error | undefined;
    let made = 0;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(pause(attempt));
      made = attempt + 1;
      try {
        const sock = target.proxyJump ? await this.openJump(target) : await openSocket(target.host, target.port, target.connectTimeoutMs);
        this.ssh ??= await nodeSsh();
        await this.ssh.connect(await this.config(target, target.host, target.port, target.user, sock));
        this.watch(this.ssh);
        return;
      } catch (error) {
        if (error instanceof UnreachableError) throw error;
        lastError = this.hostKeyProblem ? new Error(this.hostKeyProblem) : (error as Error);
        if (this.hostKeyProblem || !TRANSIENT.test(lastError.message)) break;
        if (made < attempts) onRetry?.({ attempt: made, attempts, reason: describeFailure(target, lastError), retryInMs: pause(made), budgetMs });
      }
    }
    const tries = made > 1 ? ` (${made} attempts over ${((Date.now() - started) / 1000).toFixed(1)} s)` : '';
    throw new UnreachableError(this.host, `${describeFailure(target, lastError!)}${tries}`);
  }

  /**
   * After connecting, ssh2 reports a lost connection (keepalive timeout, reset) as an 'error' event;
   * unheard, it would end the whole run. It makes this host unreachable instead.
   */
  private watch(ssh: NodeSSH): void {
    ssh.connection?.on('error', (error: Error) => {
      this.closed = true;
      this.lostReason = error.message;
    });
    ssh.connection?.on('close', () => (this.closed = true));
  }

  /** ProxyJump: connect to the jump host (its key verified too), then tunnel to the target through it. */
  private async openJump(target: SshTarget): Promise<NodeJS.ReadWriteStream> {
    const jump = parseJump(target.proxyJump!);
    const jumpTarget = await resolveSshTarget(jump.host, {
      ansible_user: jump.user ?? target.user,
      ansible_port: jump.port,
      ansible_ssh_known_hosts_file: target.knownHostsFile,
    });
    this.jump = await nodeSsh();
    try {
      await this.jump.connect(await this.config(jumpTarget, jumpTarget.host, jumpTarget.port, jumpTarget.user));
      this.watch(this.jump);
    } catch (error) {
      const reason = this.hostKeyProblem ? new Error(this.hostKeyProblem) : (error as Error);
      throw new UnreachableError(this.host, `ProxyJump host ${describeFailure(jumpTarget, reason)}`);
    }
    return new Promise((resolve, reject) =>
      this.jump!.connection!.forwardOut('127.0.0.1', 0, target.host, target.port, (error: Error | undefined, stream: NodeJS.ReadWriteStream) =>
        error ? reject(error) : resolve(stream),
      ),
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
        `unknown host key for ${name}: ${keyTypeOf(key)} ${print} is not in ${target.knownHostsFile}. Check the fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_${keyTypeOf(
          key,
        )
          .replace(/^ssh-|-sha2.*$/g, '')
          .replace('nistp256', '')}_key.pub), then run again with --accept-new-host-keys to trust and record it`,
      );
    }
    await recordHostKey(target.knownHostsFile, name, key);
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const shell = await this.sessionFor(this.shells, options.become, (become) => this.openShell(become));
    return this.unlessLost(() => shell.run(buildCommandLine(command, { env: options.env, cwd: options.cwd }), options.stdin));
  }

  /** Through the Perl path reader when the host has perl (see path-reader.ts), else with shell commands. */
  async readPath(path: string, want: PathWant, options: Pick<ExecOptions, 'become'> = {}): Promise<PathReading> {
    const reader = await this.sessionFor(this.readers, options.become, (become) => this.openReader(become));
    const run = (command: string) => this.exec(command, options);
    if (!reader) return readPathWithShell(run, path, want);
    return withChecksum(await this.unlessLost(() => reader.read(path, contentLimitFor(want))), path, want, run);
  }

  private lost(): UnreachableError {
    return new UnreachableError(this.host, `the SSH connection to ${this.target?.host ?? this.host} was lost${this.lostReason ? `: ${this.lostReason}` : ''}`);
  }

  private async unlessLost<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.closed ? this.lost() : error;
    }
  }

  /** The session (shell or reader) for the login user or a become user, opened on first use. */
  private sessionFor<T>(sessions: Map<string, Promise<T>>, become: ExecOptions['become'], open: (become: ExecOptions['become']) => Promise<T>): Promise<T> {
    if (this.closed || !this.ssh?.connection) return Promise.reject(this.lost());
    const effective = become && become.user !== this.target?.user ? become : undefined;
    const key = effective?.user ?? '';
    let session = sessions.get(key);
    if (!session) {
      session = open(effective);
      sessions.set(key, session);
    }
    return session;
  }

  private async openShell(become: ExecOptions['become']): Promise<RemoteShell> {
    const shell = new RemoteShell(await this.openChannel(become, '/bin/sh'));
    // The first command's answer also holds whatever came before it (a chatty ~/.bashrc), so it is
    // not a task's; and a sudo that refuses ends the session: find out now, with sudo's own words.
    try {
      await shell.run('true');
    } catch (error) {
      throw become ? new Error(`cannot become ${become.user} with sudo on ${this.host}: ${(error as Error).message}`) : error;
    }
    return shell;
  }

  /** The path reader, or undefined when it does not start (no perl): paths are then read with shell commands. */
  private async openReader(become: ExecOptions['become']): Promise<PathReader | undefined> {
    const reader = new PathReader(await this.openChannel(become, PATH_READER_COMMAND));
    if (await reader.started) return reader;
    reader.close();
    return undefined;
  }

  /** A channel running a program as the login user, or through sudo as the become user (its password checked first). */
  private async openChannel(become: ExecOptions['become'], program: string): Promise<ShellChannel> {
    const user = become ? shellQuote(become.user) : '';
    let command = program;
    if (become && become.password === undefined) command = `sudo -n -H -u ${user} -- ${program}`;
    if (become?.password !== undefined) {
      await this.checkSudoPassword(become.password);
      // Whichever of sudo (when it prompts) and 'read' does not take the password line takes the
      // comment line: neither is ever run as a command.
      command = `sudo -S -p '' -H -u ${user} -- /bin/sh -c ${shellQuote(`IFS= read -r _; exec ${program}`)}`;
    }
    const channel = await new Promise<ShellChannel>((resolve, reject) =>
      this.ssh!.connection!.exec(command, (error: Error | undefined, stream: ShellChannel) => (error ? reject(error) : resolve(stream))),
    );
    if (become?.password !== undefined) channel.write(`${become.password}\n# k3s-playbook session\n`);
    return channel;
  }

  /** sudo -v on a channel whose stdin ends after one line: a wrong password fails at once, no retry. Once per connection. */
  private checkSudoPassword(password: string): Promise<void> {
    this.sudoChecked ??= this.channelExec(`sudo -k -S -p '' -v`, `${password}\n`).then((check) => {
      if (check.rc !== 0) throw new Error(`sudo refused the become password for ${this.target?.user}@${this.host}: ${check.stderr.replace(/\n/g, ' ').trim()}`);
    });
    return this.sudoChecked;
  }

  /** A one-off command on its own channel, with stdin that ends. */
  private async channelExec(command: string, stdin: string): Promise<ExecResult> {
    const result = await this.ssh!.execCommand(command, { stdin, noTrim: true });
    return { rc: result.code ?? 255, stdout: result.stdout, stderr: result.stderr };
  }

  async close(): Promise<void> {
    for (const shell of this.shells.values())
      shell.then(
        (s) => s.close(),
        () => undefined,
      );
    for (const reader of this.readers.values())
      reader.then(
        (r) => r?.close(),
        () => undefined,
      );
    this.ssh?.dispose();
    this.jump?.dispose();
  }
}

/**
 * A TCP socket with Nagle's algorithm off: every command is a small request waiting for a small
 * answer, and with Nagle on each one stalls ~40 ms on the peer's delayed ACK.
 */
function openSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.setNoDelay(true);
    socket.once('connect', () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`ETIMEDOUT connecting to ${host}:${port}`));
    });
    socket.once('error', reject);
  });
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
