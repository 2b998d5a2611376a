import type { Connection, ConnectRetry } from '../connection/connection.js';

/** Exactly one connection per host (and login user) per run, opened on first use and shared by every task. */
export class ConnectionPool {
  private readonly opened = new Map<string, Promise<Connection>>();

  constructor(
    private readonly create: (host: string, remoteUser?: string) => Connection,
    private readonly onRetry: (host: string, retry: ConnectRetry) => void = () => undefined,
  ) {}

  /** The host's connection; a host that could not be reached rejects every later call the same way. */
  get(host: string, remoteUser?: string): Promise<Connection> {
    const key = remoteUser === undefined ? host : `${host}\0${remoteUser}`;
    let connection = this.opened.get(key);
    if (!connection) {
      const created = this.create(host, remoteUser);
      connection = created.connect((retry) => this.onRetry(host, retry)).then(() => created);
      this.opened.set(key, connection);
    }
    return connection;
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.opened.values()].map(async (connection) => (await connection).close()));
  }
}
