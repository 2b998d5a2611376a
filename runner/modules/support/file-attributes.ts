import Type from 'typebox';
import { shellQuote } from '../../shell/quote.js';
import type { FileState } from '../../facts/path-state.js';

/** Owner, group and mode a task asks for; unset ones are left as they are. */
export interface Attributes {
  owner?: string;
  group?: string;
  mode?: string;
}

/**
 * A mode as four octal digits. YAML 1.2 reads 'mode: 0600' as the decimal 600; Ansible users mean
 * octal, so a number whose digits are all octal is read digit by digit, as Ansible does.
 */
export function normalizeMode(mode: unknown): string | undefined {
  if (mode === undefined || mode === null) return undefined;
  const text = typeof mode === 'number' ? String(mode) : String(mode).replace(/^0o/, '');
  if (!/^[0-7]{1,4}$/.test(text)) throw new Error(`mode '${String(mode)}' is not an octal mode like '0644'`);
  return text.padStart(4, '0');
}

/** The arguments of every module that puts a file on the host. */
export const attributesArgs = {
  owner: Type.Optional(Type.String({ description: 'User that owns the file; left as it is when not given (a new file: the connecting or become user).' })),
  group: Type.Optional(Type.String({ description: 'Group of the file; left as it is when not given.' })),
  mode: Type.Optional(
    Type.Union([Type.String(), Type.Integer()], {
      description: "Permissions in octal: '0644', or 0644 unquoted (read as octal, as Ansible reads it). Left as it is when not given (a new file: 0644).",
    }),
  ),
};

/** backup and validate, as every module that writes a file takes them (copy, template, lineinfile, replace, blockinfile). */
export const writeArgs = {
  backup: Type.Boolean({ default: false, description: 'Keep a copy of the old file beside it (named FILE.PID.DATE@TIME~), its path in the result.' }),
  validate: Type.Optional(
    Type.String({ description: "A command that checks the new file before it replaces the old one; %s stands for the new file's path." }),
  ),
};

/** Which attributes differ from what is there (all of them for a path that does not exist yet). */
export function attributeChanges(wanted: Attributes, state: FileState): Attributes {
  const changes: Attributes = {};
  if (wanted.owner !== undefined && wanted.owner !== state.owner) changes.owner = wanted.owner;
  if (wanted.group !== undefined && wanted.group !== state.group) changes.group = wanted.group;
  if (wanted.mode !== undefined && wanted.mode !== state.mode) changes.mode = wanted.mode;
  return changes;
}

/** chown/chmod commands for a target that is already a shell word (a quoted path, or "$t"). */
export function attributeCommands(target: string, changes: Attributes): string[] {
  const p = target;
  const commands: string[] = [];
  if (changes.owner !== undefined || changes.group !== undefined) {
    commands.push(`chown ${shellQuote(`${changes.owner ?? ''}${changes.group !== undefined ? `:${changes.group}` : ''}`)} ${p}`);
  }
  if (changes.mode !== undefined) commands.push(`chmod ${changes.mode} ${p}`);
  return commands;
}

/** Before/after text of attribute changes, for --diff. */
export function describeAttributes(state: FileState, changes: Attributes): { before: string; after: string } {
  const keys = Object.keys(changes) as Array<keyof Attributes>;
  return {
    before: keys.map((key) => `${key}: ${state[key] ?? '(none)'}`).join('\n') + '\n',
    after: keys.map((key) => `${key}: ${changes[key]}`).join('\n') + '\n',
  };
}
