import { shellQuote } from '../shell/quote.js';

/** A passwd entry as getent prints it, with the names of the user's groups. */
export interface UserEntry {
  name: string;
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
  /** Supplementary groups, by name (the primary group left out). */
  groups: string[];
  /** The primary group's name. */
  group: string;
  /** The password hash from the shadow file, when asked for and readable. */
  hash?: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
}

/** One round trip: the user's passwd line, its groups, and each named group's entry (whether it exists). */
export function accountsCommand(user: string | undefined, groups: string[], withHash = false): string {
  const lines: string[] = [];
  if (user !== undefined) {
    const u = shellQuote(user);
    lines.push(`printf 'passwd=%s\\n' "$(getent passwd -- ${u})"`, `getent passwd -- ${u} >/dev/null && printf 'groups=%s\\n' "$(id -Gn -- ${u})"`);
    // The hash only: it is compared here and never shown.
    if (withHash) lines.push(`printf 'hash=%s\\n' "$(getent shadow -- ${u} | cut -d: -f2)"`);
  }
  for (const group of groups) lines.push(`printf 'group=%s\\n' "$(getent group -- ${shellQuote(group)} | cut -d: -f1,3)"`);
  return lines.join('\n');
}

export function parseAccounts(output: string): { user?: UserEntry; groups: GroupEntry[] } {
  const value = (key: string) =>
    output
      .split('\n')
      .filter((line) => line.startsWith(`${key}=`))
      .map((line) => line.slice(key.length + 1));
  const groups = value('group')
    .filter(Boolean)
    .map((line) => ({ name: line.split(':')[0], gid: Number(line.split(':')[1]) }));
  const passwd = value('passwd')[0];
  if (!passwd) return { groups };
  const [name, , uid, gid, comment, home, shell] = passwd.split(':');
  const [group = '', ...others] = (value('groups')[0] ?? '').split(' ').filter(Boolean);
  const hash = value('hash')[0];
  return { user: { name, uid: Number(uid), gid: Number(gid), comment, home, shell, group, groups: others, ...(hash !== undefined ? { hash } : {}) }, groups };
}
