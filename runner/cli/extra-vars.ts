import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, UserError } from '../errors.js';
import { namedStrings } from '../executor/redaction.js';
import type { Vars } from '../vars/vars.js';
import { decodeUtf8, parseYaml } from '../yaml/source.js';

/**
 * -e values as ansible-playbook takes them: 'k=v k2=v2' (strings), '@file.yaml', or inline
 * YAML/JSON ('{"replicas": 3}'). Later -e options win.
 */
export async function parseExtraVars(values: string[], cwd: string): Promise<Vars> {
  const vars: Vars = {};
  for (const value of values) Object.assign(vars, await parseOne(value, cwd));
  return vars;
}

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
  const secrets = [...namedStrings(vars)].filter((found) => found.secret && found.value !== '').map((found) => found.name);
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
