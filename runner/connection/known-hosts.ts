import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** One line of an OpenSSH known_hosts file. */
export interface KnownHostEntry {
  marker?: string;
  hosts: string;
  keyType: string;
  key: string;
}

export type HostKeyVerdict = { status: 'known' } | { status: 'unknown' } | { status: 'changed'; expected: string } | { status: 'revoked' };

/** How OpenSSH names a host in known_hosts: 'host' on port 22, '[host]:port' otherwise. */
export const hostEntryName = (host: string, port: number) => (port === 22 ? host : `[${host}]:${port}`);

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
    if (fields.length < 3) continue;
    entries.push({ marker, hosts: fields[0], keyType: fields[1], key: fields[2] });
  }
  return entries;
}

/** Does one comma-separated host field name this host (plain, [host]:port, hashed |1|, wildcards, !negation)? */
export function entryMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of hosts.split(',')) {
    const negated = pattern.startsWith('!');
    const glob = new RegExp(
      `^${(negated ? pattern.slice(1) : pattern)
        .replace(/[.+^${}()|\\]/g, '\\$&')
        .replace(/\[/g, '\\[')
        .replace(/\]/g, '\\]')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    );
    if (glob.test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** Compare the key a server presented with what known_hosts says about that host. */
export function verifyHostKey(entries: KnownHostEntry[], name: string, keyType: string, key: string): HostKeyVerdict {
  const forHost = entries.filter((entry) => entry.marker !== '@cert-authority' && entryMatches(entry.hosts, name));
  if (forHost.some((entry) => entry.marker === '@revoked' && entry.key === key)) return { status: 'revoked' };
  const sameType = forHost.filter((entry) => !entry.marker && entry.keyType === keyType);
  if (sameType.some((entry) => entry.key === key)) return { status: 'known' };
  if (sameType.length > 0) return { status: 'changed', expected: fingerprint(Buffer.from(sameType[0].key, 'base64')) };
  return { status: 'unknown' };
}

/** Key types known_hosts holds for a host, so the connection can ask the server for one of those. */
export function knownKeyTypes(entries: KnownHostEntry[], name: string): string[] {
  return [...new Set(entries.filter((entry) => !entry.marker && entryMatches(entry.hosts, name)).map((entry) => entry.keyType))];
}

/** OpenSSH's fingerprint format: SHA256 of the key blob, base64 without padding. */
export const fingerprint = (key: Buffer) => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;

/** The key type inside an SSH public key blob (its first length-prefixed string). */
export const keyTypeOf = (key: Buffer) => key.subarray(4, 4 + key.readUInt32BE(0)).toString('ascii');

/** Parsed known_hosts files, shared by every connection of a run; a recorded key refreshes its file. */
const cache = new Map<string, Promise<KnownHostEntry[]>>();

export function readKnownHosts(file: string): Promise<KnownHostEntry[]> {
  let entries = cache.get(file);
  if (!entries) {
    entries = readFile(file, 'utf8').then(parseKnownHosts, () => []);
    cache.set(file, entries);
  }
  return entries;
}

/** Record a newly trusted key (--accept-new-host-keys), creating the file private to the user. */
export async function recordHostKey(file: string, name: string, key: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await appendFile(file, `${name} ${keyTypeOf(key)} ${key.toString('base64')}\n`, { mode: 0o600 });
  cache.delete(file);
}

/** Server host key algorithms that produce a key of a known_hosts key type. */
export function algorithmsFor(keyTypes: string[]): string[] {
  return keyTypes.flatMap((type) => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type]));
}
