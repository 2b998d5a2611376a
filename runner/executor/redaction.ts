/** Names that mark a variable (or result key) as secret, as the README documents. */
export const SECRET_NAME = /token|password|passwd|secret|passphrase/i;
export const MASK = '********';
/** Shorter values would mask ordinary words; secrets that short are not worth the name. */
const MIN_SECRET_LENGTH = 6;
/** Keys that say where something is (slurp's source, copy's dest), not what it holds. */
const LOCATION_KEYS = new Set(['path', 'src', 'source', 'dest', 'encoding']);

/**
 * Keeps secrets out of every event: values under secret-looking names, and any text equal to a
 * value learned as secret (a no_log result, a secret variable) wherever it shows up later.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

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

  /** Remember every string in a value (the locations it names aside): a no_log task's whole result is secret. */
  learnAll(value: unknown): void {
    this.learnFromVars(value, true);
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
