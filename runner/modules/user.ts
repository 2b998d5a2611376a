import Type from 'typebox';
import { accountsCommand, parseAccounts, type UserEntry } from '../facts/accounts.js';
import type { ExecResult } from '../connection/connection.js';
import { shellQuote } from '../shell/quote.js';
import { commandFailure } from './support/command-failure.js';
import { defineModule, listArgument } from './module.js';

export default defineModule({
  name: 'user',
  description:
    'Makes a local user account exist with the uid, primary group, groups, home, shell and comment given (useradd/usermod), or removes it (userdel); only what differs is changed.',
  args: Type.Object(
    {
      name: Type.String({ description: 'The user name.', aliases: ['user'] }),
      state: Type.Enum(['present', 'absent'], { default: 'present', description: 'Whether the account exists.' }),
      uid: Type.Optional(Type.Integer({ description: "The user's uid." })),
      group: Type.Optional(Type.String({ description: 'The primary group (it must exist).' })),
      groups: Type.Optional(
        Type.Union([Type.Array(Type.String()), Type.String()], { description: 'Supplementary groups: a list, or names joined by commas.' }),
      ),
      append: Type.Boolean({ default: false, description: 'Add to the groups listed, keeping others; false: exactly the groups listed.' }),
      home: Type.Optional(Type.String({ description: 'The home directory.' })),
      shell: Type.Optional(Type.String({ description: 'The login shell.' })),
      comment: Type.Optional(Type.String({ description: 'The GECOS field (full name).' })),
      system: Type.Boolean({ default: false, description: 'A system account (uid from the system range), when created.' }),
      create_home: Type.Boolean({ default: true, description: 'Create the home directory when the account is created.', aliases: ['createhome'] }),
      remove: Type.Boolean({ default: false, description: 'With state absent: remove the home directory and mail spool too.' }),
      force: Type.Boolean({ default: false, description: 'With state absent: remove even while the user is logged in.' }),
      non_unique: Type.Boolean({ default: false, description: 'Allow a uid another user has.' }),
      password: Type.Optional(
        Type.String({
          description:
            "The password as a crypt hash (mkpasswd's output), or '*' for an account without a password that is not locked; set with chpasswd from standard input.",
        }),
      ),
      update_password: Type.Enum(['always', 'on_create'], {
        default: 'always',
        description: "'on_create': set the password only when the account is created.",
      }),
    },
    { additionalProperties: false },
  ),
  returns: {
    name: { description: 'The user name.', type: 'string' },
    state: { description: 'present or absent.', type: 'string' },
    uid: { description: "The user's uid.", type: 'number' },
    group: { description: 'The primary gid.', type: 'number' },
    home: { description: 'The home directory.', type: 'string' },
    shell: { description: 'The login shell.', type: 'string' },
  },
  examples: [
    {
      description: 'A service account without a login shell.',
      task: 'user:\n  name: example-svc\n  system: true\n  shell: /usr/sbin/nologin\n  create_home: false',
    },
  ],
  checkMode: 'full',
  async plan(args, ctx) {
    const groups = args.groups === undefined ? undefined : listArgument(args.groups);
    const wantedGroups = [...(args.group !== undefined ? [args.group] : []), ...(groups ?? [])];
    const found = parseAccounts(
      await ctx.read(`reading user ${args.name}`, accountsCommand(args.name, [args.name, ...wantedGroups], args.password !== undefined)),
    );
    const current = found.user;
    const n = shellQuote(args.name);
    const base = { name: args.name, state: args.state };
    if (args.state === 'absent') {
      if (!current) return { changed: false, ...base };
      const command = `userdel${args.remove ? ' -r' : ''}${args.force ? ' -f' : ''} -- ${n}`;
      return { changed: true, ...base, force: args.force, remove: args.remove, steps: [{ what: `removing user ${args.name}`, command }] };
    }
    const missing = wantedGroups.filter((g) => !found.groups.some((e) => e.name === g || String(e.gid) === g));
    if (missing.length) return { changed: false, failed: true, msg: `Group ${missing.join(', ')} does not exist`, ...base };
    const options = userOptions(args, groups, current);
    // The hash goes to chpasswd on standard input, never on a command line; the result says only that it was set.
    const setPassword =
      args.password !== undefined && (!current || (args.update_password === 'always' && current.hash !== args.password))
        ? [{ what: `setting the password of ${args.name}`, command: 'chpasswd -e', stdin: `${args.name}:${args.password}\n` }]
        : [];
    const passwordReport = setPassword.length ? { password: 'NOT_LOGGING_PASSWORD' } : {};
    const report = {
      ...base,
      uid: args.uid ?? current?.uid,
      home: args.home ?? current?.home,
      shell: args.shell ?? current?.shell,
      comment: args.comment ?? current?.comment,
    };
    if (!current) {
      // A group of the user's name already there: useradd must not try to make it (-N), as in Ansible.
      const own = args.group === undefined && found.groups.some((e) => e.name === args.name) ? ['-N'] : [];
      const command = ['useradd', ...options, ...own, ...(args.system ? ['-r'] : []), args.create_home ? '-m' : '-M', '--', n].join(' ');
      return {
        changed: true,
        ...report,
        ...passwordReport,
        system: args.system,
        create_home: args.create_home,
        steps: [step(`creating user ${args.name}`, command, args.name), ...setPassword],
      };
    }
    const result = { ...base, ...described(current), append: args.append, move_home: false };
    if (!options.length && !setPassword.length) return { changed: false, ...result };
    const change = options.length ? [step(`changing user ${args.name}`, ['usermod', ...options, '--', n].join(' '), args.name)] : [];
    return { changed: true, ...result, ...passwordReport, steps: [...change, ...setPassword] };
  },
});

/** useradd/usermod options for what differs from the account (all that is asked, for a new one). */
function userOptions(
  args: { uid?: number; group?: string; home?: string; shell?: string; comment?: string; append: boolean; non_unique: boolean },
  groups: string[] | undefined,
  current: UserEntry | undefined,
): string[] {
  const options: string[] = [];
  const differs = <T>(wanted: T | undefined, now: T | undefined) => wanted !== undefined && wanted !== now;
  if (differs(args.uid, current?.uid)) options.push('-u', String(args.uid), ...(args.non_unique ? ['-o'] : []));
  if (args.group !== undefined && (!current || (current.group !== args.group && String(current.gid) !== args.group)))
    options.push('-g', shellQuote(args.group));
  if (differs(args.home, current?.home)) options.push('-d', shellQuote(args.home!));
  if (differs(args.shell, current?.shell)) options.push('-s', shellQuote(args.shell!));
  if (differs(args.comment, current?.comment)) options.push('-c', shellQuote(args.comment!));
  if (groups !== undefined) {
    const have = current?.groups ?? [];
    const change = args.append ? groups.some((g) => !have.includes(g)) : groups.length !== have.length || groups.some((g) => !have.includes(g));
    if (change || (!current && groups.length)) options.push('-G', shellQuote(groups.join(',')), ...(args.append && current ? ['-a'] : []));
  }
  return options;
}

/** A change, then the account read back: Ansible reports the uid, group, home and shell the account has. */
const step = (what: string, command: string, name: string) => ({
  what,
  command: `${command} || exit 1\n${accountsCommand(name, [])}`,
  interpret: (output: ExecResult) => {
    if (output.rc !== 0) return { failed: true, msg: commandFailure(what, output) };
    const { user } = parseAccounts(output.stdout);
    return user ? described(user) : {};
  },
});

const described = (user: UserEntry) => ({ uid: user.uid, group: user.gid, home: user.home, shell: user.shell, comment: user.comment });
