import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, UserError } from '../errors.js';
import { namedStrings } from '../executor/redaction.js';
import type { Vars } from '../vars/vars.js';
import { decodeUtf8, parseYaml } from '../yaml/source.js';

/** Variables given in the environment, named as Terraform names its own (TF_VAR_name): RUN_PLAYBOOK_VAR_k3s_token. */
const ENV_VAR_PREFIX = 'RUN_PLAYBOOK_VAR_';
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ExtraVars {
  vars: Vars;
  /** Secrets given where other users and logs can read them, with the safe ways instead. */
  warnings: string[];
}

/**
 * The variables that win over all others: RUN_PLAYBOOK_VAR_* from the environment first, then -e
 * values as ansible-playbook takes them: 'k=v k2=v2' (strings), '@file.yaml', or inline YAML/JSON
 * ('{"replicas": 3}'). Later ones win.
 */
export async function parseExtraVars(values: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<ExtraVars> {
  const vars: Vars = environmentVars(env);
  const warnings: string[] = [];
  for (const value of values) {
    const given = await parseOne(value, cwd);
    if (!value.startsWith('@')) for (const name of secretNames(given)) warnings.push(onCommandLine(name));
    Object.assign(vars, given);
  }
  return { vars, warnings };
}

function environmentVars(env: NodeJS.ProcessEnv): Vars {
  const vars: Vars = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(ENV_VAR_PREFIX) || value === undefined) continue;
    const name = key.slice(ENV_VAR_PREFIX.length);
    if (!VARIABLE_NAME.test(name)) {
      throw new UserError(
        `the environment variable ${key} does not name a variable.`,
        undefined,
        `Write ${ENV_VAR_PREFIX}name, with a name of letters, digits and _.`,
        ExitCode.BadOptions,
      );
    }
    vars[name] = value;
  }
  return vars;
}

/** The checked name for --ask-var. */
export function variableName(name: string): string {
  if (VARIABLE_NAME.test(name)) return name;
  throw new UserError(`--ask-var ${name}: not a variable name.`, undefined, 'Give a name of letters, digits and _, such as k3s_token.', ExitCode.BadOptions);
}

const secretNames = (vars: Vars) => [
  ...new Set([...namedStrings(vars)].filter((found) => found.secret && found.value !== '').map((found) => found.name.split('.')[0])),
];

const onCommandLine = (name: string) =>
  `-e puts '${name}' on the command line, where ps, shell history and npm's debug log can read it. ` +
  `Give it as ${ENV_VAR_PREFIX}${name} in the environment, in a private file (-e @secrets.yaml, chmod 600), or type it at --ask-var ${name}.`;

async function parseOne(value: string, cwd: string): Promise<Vars> {
  if (value.startsWith('@')) {
    const file = value.slice(1);
    const bytes = await readFile(resolve(cwd, file)).catch(() => {
      throw new UserError(`-e ${value}: the file ${file} cannot be read.`, undefined, 'Check the path after @.', ExitCode.BadOptions);
    });
    const vars = mapping(parseYaml(decodeUtf8(bytes, file), file).value, `-e ${value}`);
    await refuseSharedSecrets(vars, resolve(cwd, file), value);
    return vars;
  }
  if (/^\s*[{[]/.test(value)) return mapping(parseYaml(value, '-e').value, `-e ${value}`);
  const vars: Vars = {};
  for (const pair of value.split(/\s+(?=[A-Za-z_][A-Za-z0-9_]*=)/)) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair.trim());
    if (!match)
      throw new UserError(`-e '${value}' is not 'name=value', '@file.yaml' or a YAML mapping.`, undefined, 'Write -e name=value.', ExitCode.BadOptions);
    vars[match[1]] = match[2];
  }
  return vars;
}

function mapping(value: unknown, what: string): Vars {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError(`${what} must hold a mapping of variables.`, undefined, 'Write "name: value" lines.', ExitCode.BadOptions);
  }
  return value as Vars;
}

/** A vars file that holds secrets is the way README gives to pass them: it must be private to its owner. */
async function refuseSharedSecrets(vars: Vars, path: string, value: string): Promise<void> {
  const secrets = secretNames(vars);
  if (secrets.length === 0) return;
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  throw new UserError(
    `-e ${value} holds ${secrets.map((name) => `'${name}'`).join(', ')} but other users can read it (mode ${mode.toString(8).padStart(4, '0')}).`,
    undefined,
    `Make it private first: chmod 600 ${value.slice(1)}`,
    ExitCode.BadOptions,
  );
}
