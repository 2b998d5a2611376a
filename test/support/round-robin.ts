import { connect, createServer, type Server } from 'node:net';

/**
 * TEST DOUBLE of a Kubernetes Service's load balancing (kube-proxy): each new TCP connection goes
 * to the next backend in turn; the requests of one kept-alive connection all reach the same one.
 */
export async function startRoundRobin(backends: number[]): Promise<{ port: number; server: Server; connections: number[] }> {
  const connections = backends.map(() => 0);
  let next = 0;
  const server = createServer((client) => {
    const index = next++ % backends.length;
    connections[index] += 1;
    const upstream = connect(backends[index], '127.0.0.1');
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server, connections };
}
