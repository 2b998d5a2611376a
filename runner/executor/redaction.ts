/** Names that mark a variable (or result key) as secret, as the README documents. */
export const SECRET_NAME = /token|password|passwd|secret|passphrase/i;
export const MASK = '********';
/** Shorter values would mask ordinary words: a declared secret that short is refused before the run. */
export const MIN_SECRET_LENGTH = 6;
/** Keys that say where something is (slurp's source, copy's dest), not what it holds. */
const LOCATION_KEYS = new Set(['path', 'src', 'source', 'dest', 'encoding']);

/**
 * Keeps secrets out of every event: values under secret-looking names, and any text equal to a
 * value learned as secret (a no_log result, a secret variable) wherever it shows up later.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  /** Values the user wrote under ordinary names (a cluster name, a path): never secrets by themselves. */
  private readonly ordinary = new Set<string>();

  /** Remember the plain strings under ordinary names in these variables, and these names (hosts, groups). */
  learnOrdinary(vars: unknown, underSecretName = false): void {
    if (typeof vars === 'string') {
      if (!underSecretName && !vars.includes('{{')) this.ordinary.add(vars);
    } else if (Array.isArray(vars)) {
      vars.forEach((item) => this.learnOrdinary(item, underSecretName));
    } else if (vars && typeof vars === 'object') {
      for (const [key, value] of Object.entries(vars)) this.learnOrdinary(value, underSecretName || SECRET_NAME.test(key));
    }
  }

  /** Declared secrets too short to be masked without masking ordinary text: 'name' for each, with its length. */
  static tooShort(vars: unknown, path = ''): string[] {
    if (typeof vars === 'string') return vars.length > 0 && vars.length < MIN_SECRET_LENGTH && SECRET_NAME.test(path) && !vars.includes('{{') ? [path] : [];
    if (vars && typeof vars === 'object') {
      return Object.entries(vars).flatMap(([key, value]) => (LOCATION_KEYS.has(key) ? [] : Redactor.tooShort(value, path ? `${path}.${key}` : key)));
    }
    return [];
  }

  /** Remember every string under a secret-looking name (any depth) in these variables. */
  learnFromVars(vars: unknown, underSecretName = false): void {
    if (typeof vars === 'string') {
      if (underSecretName) this.learn(vars);
    } else if (Array.isArray(vars)) {
      vars.forEach((item) => this.learnFromVars(item, underSecretName));
    } else if (vars && typeof vars === 'object') {
      for (const [key, value] of Object.entries(vars)) {
        // Where a secret lives is not the secret: masking it would hide a path from the user's messages.
        if (underSecretName && LOCATION_KEYS.has(key)) continue;
        this.learnFromVars(value, underSecretName || SECRET_NAME.test(key));
      }
    }
  }

  /**
   * Remember the strings of a no_log task's result, the locations it names aside, and what the
   * user wrote under ordinary names (the cluster name in a kubeconfig result is not a secret).
   */
  learnAll(value: unknown): void {
    if (typeof value === 'string') {
      if (!this.ordinary.has(value.trim())) this.learn(value);
    } else if (Array.isArray(value)) {
      value.forEach((item) => this.learnAll(item));
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) if (!LOCATION_KEYS.has(key)) this.learnAll(item);
    }
  }

  learn(value: string): void {
    for (const candidate of [value, value.trim()]) if (candidate.length >= MIN_SECRET_LENGTH && !candidate.includes('{{')) this.secrets.add(candidate);
  }

  redact<T>(value: T, underSecretName = false): T {
    if (typeof value === 'string') return (underSecretName ? MASK : this.maskKnown(value)) as T;
    if (Array.isArray(value)) return value.map((item) => this.redact(item, underSecretName)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.redact(item, underSecretName || (SECRET_NAME.test(key) && typeof item !== 'boolean'))])) as T;
    }
    return value;
  }

  private maskKnown(text: string): string {
    let masked = text;
    for (const secret of this.secrets) if (masked.includes(secret)) masked = masked.split(secret).join(MASK);
    return masked;
  }
}
