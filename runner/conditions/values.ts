/** Python's truthiness, which Ansible users expect: empty strings, lists and mappings are false. */
export function isTruthy(value: unknown): boolean {
  if (typeof value === 'string') return !['', 'false', 'no', 'off', '0'].includes(value.trim().toLowerCase());
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

export function looseEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) return JSON.stringify(a) === JSON.stringify(b);
  return false;
}
