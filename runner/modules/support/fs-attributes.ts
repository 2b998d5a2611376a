// Owner, group, mode, chattr flags and times of one path, compared with what a task asks and
// turned into commands: Ansible's set_fs_attributes_if_different and update_timestamp_for_file.
import type { Inode, InodeReading } from '../../facts/inode.js';
import { octalMode, wantedMode } from './symbolic-mode.js';

/** 'preserve' keeps a time, 'now' sets the current one, a number sets those epoch seconds. */
export type Time = 'preserve' | 'now' | number;

export interface FsWants {
  owner?: string;
  group?: string;
  mode?: string | number;
  attributes?: string;
  mtime: Time;
  atime: Time;
}

/** Ansible's diff of a file: the values before and after, keyed by what changed. */
export interface FsDiff {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

export interface FsChanges {
  changed: boolean;
  commands: string[];
}

const numeric = (value: string) => /^\d+$/.test(value);

/** The uid or gid a task's owner or group names, from the host's databases; an Error as Ansible words it. */
export function idOf(kind: 'user' | 'group', name: string, reading: InodeReading): number | Error {
  if (numeric(name)) return Number(name);
  const entry = kind === 'user' ? reading.user : reading.groupEntry;
  if (entry && entry.name === name) return entry.id;
  return new Error(kind === 'user' ? `chown failed: failed to look up user ${name}` : `chgrp failed: failed to look up group ${name}`);
}

/** Check mode's warnings for an owner or group the host does not have (an earlier task may create it). */
export function lookupWarnings(wants: Pick<FsWants, 'owner' | 'group'>, reading: InodeReading): string[] {
  const warnings: string[] = [];
  const warn = (kind: 'user' | 'group', name: string | undefined, found: boolean) => {
    if (name === undefined || found) return;
    const what = numeric(name) ? `${kind} with ${kind === 'user' ? 'uid' : 'gid'} ${name}` : `${kind} ${name}`;
    warnings.push(`failed to look up ${what}. Create ${kind} up to this point in real play`);
  };
  warn('user', wants.owner, reading.user !== undefined);
  warn('group', wants.group, reading.groupEntry !== undefined);
  return warnings;
}

const setTime = (time: Time, previous: number) => (time === 'preserve' ? previous : time === 'now' ? Date.now() / 1000 : time);

/**
 * What it takes to give an existing path (a shell word: a quoted path or "$d"; as lstat sees it: a link's own bits) the wanted
 * attributes; a missing path (check mode, not created yet) counts as changed. Fills the diff.
 */
export function planFsAttributes(word: string, inode: Inode | undefined, wants: FsWants, reading: InodeReading, diff?: FsDiff): FsChanges | Error {
  if (!inode) return { changed: true, commands: [] };
  const p = word;
  const commands: string[] = [];
  let changed = false;
  const note = (key: string, before: unknown, after: unknown, changes = true) => {
    changed ||= changes;
    if (diff) {
      diff.before[key] = before;
      diff.after[key] = after;
    }
  };
  for (const [kind, name, current, program] of [
    ['user', wants.owner, inode.uid, 'chown'],
    ['group', wants.group, inode.gid, 'chgrp'],
  ] as const) {
    // The name the path already has needs no lookup.
    if (name === undefined || name === (kind === 'user' ? inode.owner : inode.group)) continue;
    const id = idOf(kind, name, reading);
    if (id instanceof Error) return id;
    if (id === current) continue;
    note(kind === 'user' ? 'owner' : 'group', current, id);
    commands.push(`${program} -h ${id} -- ${p}`);
  }
  if (wants.mode !== undefined) {
    const mode = wantedMode(wants.mode, inode.mode, inode.type === 'directory', reading.umask);
    if (mode instanceof Error) return mode;
    if (mode !== inode.mode) {
      // Linux has no lchmod: a link's own bits stay 0777, shown in the diff but no change (as in Ansible).
      note('mode', octalMode(inode.mode), octalMode(mode), inode.type !== 'link');
      if (inode.type !== 'link') commands.push(`chmod ${mode.toString(8)} -- ${p}`);
    }
  }
  if (wants.attributes !== undefined) {
    const operator = /^[-+]/.test(wants.attributes) ? wants.attributes[0] : '=';
    const flags = operator === '=' ? wants.attributes : wants.attributes.slice(1);
    if ((reading.attributes ?? '') !== flags || operator === '-') {
      note('attributes', reading.attributes, `${operator}${flags}`);
      commands.push(`chattr ${operator}${flags.replace(/[^a-zA-Z]/g, '')} -- ${p}`);
    }
  }
  commands.push(...timeCommands(p, inode, wants, note));
  return { changed, commands };
}

function timeCommands(p: string, inode: Inode, wants: FsWants, note: (key: string, before: unknown, after: unknown) => void): string[] {
  const { mtime, atime } = wants;
  if (mtime === 'preserve' && atime === 'preserve') return [];
  // Both 'now': utime(path, None), which needs no ownership of the file.
  if (mtime === 'now' && atime === 'now') {
    const now = Date.now() / 1000;
    note('mtime', inode.mtime, now);
    note('atime', inode.atime, now);
    return [`touch -c -- ${p}`];
  }
  const m = setTime(mtime, inode.mtime);
  const a = setTime(atime, inode.atime);
  if (m === inode.mtime && a === inode.atime) return [];
  if (m !== inode.mtime) note('mtime', inode.mtime, m);
  if (a !== inode.atime) note('atime', inode.atime, a);
  return [`touch -c -m -d @${m} -- ${p}`, `touch -c -a -d @${a} -- ${p}`];
}
