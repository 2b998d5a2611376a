/** Names that mark a variable (or result key) as secret, as docs/role-variables.md documents. */
export const SECRET_NAME = /token|password|passwd|secret|passphrase/i;
export const MASK = '********';
/** Shorter values would mask ordinary words: a declared secret that short is refused before the run. */
export const MIN_SECRET_LENGTH = 6;
/**
 * Keys that say where something is (slurp's source, copy's dest) or what ran and when (command's
 * cmd, written in the playbook, and its times), not what it holds.
 */
const LOCATION_KEYS = new Set(['path', 'src', 'source', 'dest', 'encoding', 'cmd', 'start', 'end', 'delta']);

/** A string found in some variables: its dotted name, and whether a secret-looking name holds it. */
export interface NamedString {
  name: string;
  value: string;
  secret: boolean;
}

/**
 * Every string in some variables (lists and mappings at any depth), with its dotted name and whether
 * a secret-looking name holds it. Where a secret lives is not the secret: location keys under a secret
 * name (slurp's source, copy's dest) are left out, so a path is never taken for a secret.
 */
export function* namedStrings(vars: unknown, name = '', secret = false): Generator<NamedString> {
  if (typeof vars === 'string') {
    yield { name, value: vars, secret };
  } else if (vars && typeof vars === 'object') {
    for (const [key, value] of Object.entries(vars)) {
      if (secret && LOCATION_KEYS.has(key)) continue;
      yield* namedStrings(value, name ? `${name}.${key}` : key, secret || SECRET_NAME.test(key));
    }
  }
}

/** The names of declared secrets too short to be masked without masking ordinary text. */
export function tooShortSecrets(vars: unknown): string[] {
  return [...namedStrings(vars)]
    .filter((s) => s.secret && s.value.length > 0 && s.value.length < MIN_SECRET_LENGTH && !s.value.includes('{{'))
    .map((s) => s.name);
}

/**
 * Keeps secrets out of every event: values under secret-looking names, and any text equal to a
 * value learned as secret (a no_log result, a secret variable) wherever it shows up later.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  /** Values the user wrote under ordinary names (a cluster name, a path): never secrets by themselves. */
  private readonly ordinary = new Set<string>();

  /** Remember every string under a secret-looking name (any depth) in these variables. */
  learnFromVars(vars: unknown): void {
    for (const found of namedStrings(vars)) if (found.secret) this.learn(found.value);
  }

  /** Remember the plain strings under ordinary names in these variables, and these names (hosts, groups). */
  learnOrdinary(vars: unknown): void {
    for (const found of namedStrings(vars)) if (!found.secret && !found.value.includes('{{')) this.ordinary.add(found.value);
  }

  /**
   * Remember the strings of a no_log task's result, the locations it names aside, and what the
   * user wrote under ordinary names (the cluster name in a kubeconfig result is not a secret).
   */
  learnAll(value: unknown): void {
    for (const found of namedStrings(value, '', true)) if (!this.ordinary.has(found.value.trim())) this.learn(found.value);
  }

  learn(value: string): void {
    for (const candidate of [value, value.trim()]) if (candidate.length >= MIN_SECRET_LENGTH && !candidate.includes('{{')) this.secrets.add(candidate);
  }

  redact<T>(value: T, underSecretName = false): T {
    if (typeof value === 'string') return (underSecretName ? MASK : this.maskKnown(value)) as T;
    if (Array.isArray(value)) return value.map((item) => this.redact(item, underSecretName)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, this.redact(item, underSecretName || (SECRET_NAME.test(key) && typeof item !== 'boolean'))]),
      ) as T;
    }
    return value;
  }

  private maskKnown(text: string): string {
    let masked = text;
    for (const secret of this.secrets) if (masked.includes(secret)) masked = masked.split(secret).join(MASK);
    return masked;
  }
}
