import type { Connection, ConnectionKeywords, ConnectRetry } from '../connection/connection.js';

/** Exactly one connection per host (and login user) per run, opened on first use and shared by every task. */
export class ConnectionPool {
  private readonly opened = new Map<string, Promise<Connection>>();

  constructor(
    private readonly create: (host: string, keywords?: ConnectionKeywords) => Connection,
    private readonly onRetry: (host: string, retry: ConnectRetry) => void = () => undefined,
  ) {}

  /** The host's connection; a host that could not be reached rejects every later call the same way. */
  get(host: string, keywords: ConnectionKeywords = {}): Promise<Connection> {
    const key = keyOf(host, keywords);
    let connection = this.opened.get(key);
    if (!connection) {
      const created = this.create(host, keywords);
      connection = created.connect((retry) => this.onRetry(host, retry)).then(() => created);
      this.opened.set(key, connection);
    }
    return connection;
  }

  /** Closes the host's connection and forgets it (a reboot ended it): the next get opens a new one. */
  async reset(host: string, keywords: ConnectionKeywords = {}): Promise<void> {
    const key = keyOf(host, keywords);
    const connection = this.opened.get(key);
    this.opened.delete(key);
    await connection?.then((c) => c.close()).catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.opened.values()].map(async (connection) => (await connection).close()));
  }
}

function keyOf(host: string, keywords: ConnectionKeywords): string {
  const given = keywords.remoteUser !== undefined || keywords.connection !== undefined || keywords.vars !== undefined;
  return given ? `${host}\0${keywords.remoteUser ?? ''}\0${keywords.connection ?? ''}\0${JSON.stringify(keywords.vars ?? {})}` : host;
}
