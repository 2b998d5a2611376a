import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A tiny real .deb (dpkg-deb) in a flat apt repository (apt-ftparchive), for the apt module's tests. */
export async function buildAptRepo(versions: string[]): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'k3s-playbook-repo-'));
  for (const version of versions) {
    const pkg = join(dir, `build-${version}`);
    await mkdir(join(pkg, 'DEBIAN'), { recursive: true });
    await mkdir(join(pkg, 'usr', 'share', 'k3s-playbook-probe'), { recursive: true });
    await writeFile(
      join(pkg, 'DEBIAN', 'control'),
      `Package: k3s-playbook-probe\nVersion: ${version}\nArchitecture: all\nMaintainer: k3s-playbook tests <tests@localhost>\nDescription: test package of the k3s-playbook apt module tests\n`,
    );
    await writeFile(join(pkg, 'usr', 'share', 'k3s-playbook-probe', 'version'), `${version}\n`);
    await run('dpkg-deb', ['--build', '--root-owner-group', pkg, join(dir, `k3s-playbook-probe_${version}_all.deb`)]);
    await rm(pkg, { recursive: true });
  }
  const { stdout } = await run('apt-ftparchive', ['packages', '.'], { cwd: dir });
  await writeFile(join(dir, 'Packages'), stdout);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Serves a directory (and a JSON status route) on the lab bridge address; records what was asked. */
export async function serveDirectory(dir: string, host: string): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.url === '/status.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ready: true }));
      return;
    }
    try {
      const body = await readFile(join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
      res.writeHead(200).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address() as { port: number };
  return { url: `http://${host}:${address.port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
