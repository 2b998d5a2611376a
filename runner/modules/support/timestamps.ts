// The file module's access_time/modification_time: 'now', 'preserve', or a date in a strptime
// format, turned into a local date-time the host converts with its own time zone (as Ansible's
// time.mktime does on the host).

const FIELDS: Record<string, { pattern: string; key: 'Y' | 'm' | 'd' | 'H' | 'M' | 'S' }> = {
  Y: { pattern: '(\\d{4})', key: 'Y' },
  y: { pattern: '(\\d{2})', key: 'Y' },
  m: { pattern: '(\\d{1,2})', key: 'm' },
  d: { pattern: '(\\d{1,2})', key: 'd' },
  H: { pattern: '(\\d{1,2})', key: 'H' },
  M: { pattern: '(\\d{1,2})', key: 'M' },
  S: { pattern: '(\\d{1,2})', key: 'S' },
};

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** '202001311200.00' with '%Y%m%d%H%M.%S' -> '2020-01-31 12:00:00'; an Error in Ansible's words. */
export function localDateTime(value: string, format: string): string | Error {
  const keys: Array<{ key: string; directive: string }> = [];
  let pattern = '';
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '%') {
      pattern += escape(format[i]);
      continue;
    }
    const directive = format[++i];
    if (directive === '%') pattern += '%';
    else if (FIELDS[directive]) {
      pattern += FIELDS[directive].pattern;
      keys.push({ key: FIELDS[directive].key, directive });
    } else return new Error(`Error while obtaining timestamp for time ${value} using format ${format}: '%${directive}' is not supported here`);
  }
  const match = new RegExp(`^${pattern}$`).exec(value);
  if (!match)
    return new Error(`Error while obtaining timestamp for time ${value} using format ${format}: time data '${value}' does not match format '${format}'`);
  const parts: Record<string, number> = { Y: 1900, m: 1, d: 1, H: 0, M: 0, S: 0 };
  keys.forEach(({ key, directive }, index) => {
    const n = Number(match[index + 1]);
    parts[key] = directive === 'y' ? (n < 69 ? 2000 + n : 1900 + n) : n;
  });
  const two = (n: number) => String(n).padStart(2, '0');
  return `${parts.Y}-${two(parts.m)}-${two(parts.d)} ${two(parts.H)}:${two(parts.M)}:${two(parts.S)}`;
}
