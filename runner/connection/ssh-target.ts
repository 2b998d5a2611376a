import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import type { Vars } from '../vars/vars.js';

/** Everything needed to open one SSH connection, resolved from inventory vars and ~/.ssh/config. */
export interface SshTarget {
  /** The inventory name, for messages. */
  name: string;
  host: string;
  port: number;
  user: string;
  /** Key files to try, in order (inventory's first, then ~/.ssh/config's, then the defaults). */
  keyFiles: string[];
  knownHostsFile: string;
  proxyJump?: string;
  connectTimeoutMs: number;
  retries: number;
}

const expandHome = (path: string) => (path.startsWith('~/') ? join(homedir(), path.slice(2)) : path);
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

let sshConfig: Promise<SSHConfig> | undefined;
/** ~/.ssh/config, read and parsed once per run. */
const readSshConfig = () => (sshConfig ??= readFile(join(homedir(), '.ssh', 'config'), 'utf8').then(SSHConfig.parse, () => SSHConfig.parse('')));

/**
 * Inventory vars win over ~/.ssh/config (as they do for Ansible, which passes them as -o options);
 * ~/.ssh/config fills in HostName, User, Port, IdentityFile and ProxyJump where the inventory is silent.
 */
export async function resolveSshTarget(name: string, vars: Vars, configText?: string): Promise<SshTarget> {
  const alias = String(vars.ansible_host ?? name);
  const config = (configText !== undefined ? SSHConfig.parse(configText) : await readSshConfig()).compute(alias);
  const identityFiles = ([] as string[]).concat(config.IdentityFile ?? []).map(expandHome);
  const defaults = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((file) => join(homedir(), '.ssh', file));
  const proxyJump = first(config.ProxyJump);
  return {
    name,
    host: String(first(config.HostName) ?? alias),
    port: Number(vars.ansible_port ?? first(config.Port) ?? 22),
    user: String(vars.ansible_user ?? first(config.User) ?? process.env.USER ?? 'root'),
    keyFiles: [
      ...new Set([...(vars.ansible_ssh_private_key_file ? [expandHome(String(vars.ansible_ssh_private_key_file))] : []), ...identityFiles, ...defaults]),
    ],
    knownHostsFile: expandHome(String(vars.ansible_ssh_known_hosts_file ?? join(homedir(), '.ssh', 'known_hosts'))),
    proxyJump: proxyJump && proxyJump !== 'none' ? proxyJump : undefined,
    connectTimeoutMs: Number(vars.ansible_ssh_timeout ?? 10) * 1000,
    retries: Number(vars.ansible_ssh_retries ?? 3),
  };
}

/** 'user@host:port' as ProxyJump writes a jump host. */
export function parseJump(spec: string): { user?: string; host: string; port?: number } {
  const firstHop = spec.split(',')[0];
  const match = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(firstHop);
  if (!match) throw new Error(`ProxyJump '${spec}' is not [user@]host[:port]`);
  return { user: match[1], host: match[2].replace(/^\[|\]$/g, ''), port: match[3] ? Number(match[3]) : undefined };
}
