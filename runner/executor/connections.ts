import type { Connection, ConnectRetry } from '../connection/connection.js';

/** Exactly one connection per host per run, opened on first use and shared by every task. */
export class ConnectionPool {
  private readonly opened = new Map<string, Promise<Connection>>();

  constructor(
    private readonly create: (host: string) => Connection,
    private readonly onRetry: (host: string, retry: ConnectRetry) => void = () => undefined,
  ) {}

  /** The host's connection; a host that could not be reached rejects every later call the same way. */
  get(host: string): Promise<Connection> {
    let connection = this.opened.get(host);
    if (!connection) {
      const created = this.create(host);
      connection = created.connect((retry) => this.onRetry(host, retry)).then(() => created);
      this.opened.set(host, connection);
    }
    return connection;
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.opened.values()].map(async (connection) => (await connection).close()));
  }
}
