import { ExpressionError } from './errors.js';
import { Callable, PyObject, toFloat } from './values.js';

// Python's datetime and timedelta as Ansible's to_datetime, strftime and now() give them, on the
// controller's local time. A datetime is naive: its fields are what the clock showed.

const DAY = 86_400_000_000;
const pad = (value: number, width = 2) => String(value).padStart(width, '0');
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A span of time, in microseconds (Python's timedelta: days, seconds, microseconds, total_seconds()). */
export class PyTimedelta extends PyObject {
  readonly typeName = 'timedelta';
  constructor(readonly micros: number) {
    super();
  }
  attribute(name: string): unknown {
    const days = Math.floor(this.micros / DAY);
    const rest = this.micros - days * DAY;
    switch (name) {
      case 'days':
        return days;
      case 'seconds':
        return Math.floor(rest / 1e6);
      case 'microseconds':
        return rest % 1e6;
      case 'total_seconds':
        return new Callable('total_seconds', () => toFloat(this.micros / 1e6));
    }
    return undefined;
  }
  str(): string {
    const days = Math.floor(this.micros / DAY);
    const rest = this.micros - days * DAY;
    const seconds = Math.floor(rest / 1e6);
    const clock = `${Math.floor(seconds / 3600)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}${rest % 1e6 ? `.${pad(rest % 1e6, 6)}` : ''}`;
    return days ? `${days} day${Math.abs(days) === 1 ? '' : 's'}, ${clock}` : clock;
  }
}

/** A moment as the wall clock shows it, to the microsecond (Python's naive datetime). */
export class PyDateTime extends PyObject {
  readonly typeName = 'datetime';
  /** Microseconds since 1970-01-01 00:00 of the wall clock (not UTC). */
  constructor(readonly micros: number) {
    super();
  }

  static fromDate(date: Date, utc = false): PyDateTime {
    const ms = utc ? date.getTime() : date.getTime() - date.getTimezoneOffset() * 60_000;
    return new PyDateTime(ms * 1000);
  }

  /** The fields, read as UTC from the wall-clock count. */
  private get fields() {
    const date = new Date(Math.floor(this.micros / 1000));
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
      microsecond: ((this.micros % 1e6) + 1e6) % 1e6,
      weekday: date.getUTCDay(),
    };
  }

  attribute(name: string): unknown {
    const fields = this.fields;
    if (name in fields && name !== 'weekday') return fields[name as keyof typeof fields];
    switch (name) {
      case 'strftime':
        return new Callable('strftime', ([format]) => strftime(String(format), this));
      case 'timestamp':
        return new Callable('timestamp', () => toFloat(this.micros / 1e6 + new Date(this.micros / 1000).getTimezoneOffset() * 60));
      case 'isoformat':
        return new Callable('isoformat', ([separator = 'T']) => this.str().replace(' ', String(separator)));
      case 'weekday':
        return new Callable('weekday', () => (fields.weekday + 6) % 7);
      case 'isoweekday':
        return new Callable('isoweekday', () => fields.weekday || 7);
      case 'date':
        return new Callable('date', () => new PyDateTime(Math.floor(this.micros / DAY) * DAY));
    }
    return undefined;
  }

  str(): string {
    const f = this.fields;
    return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)} ${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}${f.microsecond ? `.${pad(f.microsecond, 6)}` : ''}`;
  }

  /** Python's strftime fields of this moment. */
  format(code: string): string {
    const f = this.fields;
    const start = Date.UTC(f.year, 0, 1);
    const dayOfYear = Math.floor((Date.UTC(f.year, f.month - 1, f.day) - start) / 86_400_000) + 1;
    const firstWeekday = new Date(start).getUTCDay();
    switch (code) {
      case 'Y':
        return pad(f.year, 4);
      case 'y':
        return pad(f.year % 100);
      case 'm':
        return pad(f.month);
      case 'd':
        return pad(f.day);
      case 'e':
        return String(f.day).padStart(2, ' ');
      case 'H':
        return pad(f.hour);
      case 'I':
        return pad(f.hour % 12 || 12);
      case 'M':
        return pad(f.minute);
      case 'S':
        return pad(f.second);
      case 'f':
        return pad(f.microsecond, 6);
      case 'p':
        return f.hour < 12 ? 'AM' : 'PM';
      case 'a':
        return DAYS[f.weekday].slice(0, 3);
      case 'A':
        return DAYS[f.weekday];
      case 'w':
        return String(f.weekday);
      case 'u':
        return String(f.weekday || 7);
      case 'b':
      case 'h':
        return MONTHS[f.month - 1].slice(0, 3);
      case 'B':
        return MONTHS[f.month - 1];
      case 'j':
        return pad(dayOfYear, 3);
      case 'U':
        return pad(Math.floor((dayOfYear + firstWeekday - 1) / 7));
      case 'W':
        return pad(Math.floor((dayOfYear + ((firstWeekday + 6) % 7) - 1) / 7));
      case 'c':
        return `${this.format('a')} ${this.format('b')} ${this.format('e')} ${this.format('H')}:${this.format('M')}:${this.format('S')} ${this.format('Y')}`;
      case 'x':
        return `${this.format('m')}/${this.format('d')}/${this.format('y')}`;
      case 'X':
        return `${this.format('H')}:${this.format('M')}:${this.format('S')}`;
      case 'D':
        return `${this.format('m')}/${this.format('d')}/${this.format('y')}`;
      case 'F':
        return `${this.format('Y')}-${this.format('m')}-${this.format('d')}`;
      case 'T':
        return `${this.format('H')}:${this.format('M')}:${this.format('S')}`;
      case 's':
        return String(Math.floor(this.micros / 1e6 + new Date(this.micros / 1000).getTimezoneOffset() * 60));
      case 'z':
        return offsetText();
      case 'Z':
        return (
          Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
            .formatToParts(new Date())
            .find((part) => part.type === 'timeZoneName')?.value ?? ''
        );
      case '%':
        return '%';
    }
    return `%${code}`;
  }
}

/** The controller's UTC offset as +HHMM. */
function offsetText(): string {
  const minutes = -new Date().getTimezoneOffset();
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}${pad(Math.abs(minutes) % 60)}`;
}

export const strftime = (format: string, moment: PyDateTime) => format.replace(/%([a-zA-Z%])/g, (_, code: string) => moment.format(code));

/** Python's datetime.strptime for the common fields (%Y %m %d %H %M %S %f %y %b %B %p %I %j and literals). */
export function strptime(text: string, format: string): PyDateTime {
  const fields = { year: 1900, month: 1, day: 1, hour: 0, minute: 0, second: 0, micro: 0, pm: undefined as boolean | undefined };
  const setters: ((value: string) => void)[] = [];
  const pattern = format.replace(/%([a-zA-Z%])|([.*+?^${}()|[\]\\])/g, (whole, code: string | undefined, special: string | undefined) => {
    if (special) return `\\${special}`;
    const field = (regex: string, set: (value: string) => void) => {
      setters.push(set);
      return `(${regex})`;
    };
    switch (code) {
      case 'Y':
        return field('\\d{4}', (v) => (fields.year = Number(v)));
      case 'y':
        return field('\\d{2}', (v) => (fields.year = Number(v) + (Number(v) < 69 ? 2000 : 1900)));
      case 'm':
        return field('\\d{1,2}', (v) => (fields.month = Number(v)));
      case 'd':
        return field('\\d{1,2}', (v) => (fields.day = Number(v)));
      case 'H':
        return field('\\d{1,2}', (v) => (fields.hour = Number(v)));
      case 'I':
        return field('\\d{1,2}', (v) => (fields.hour = Number(v) % 12));
      case 'M':
        return field('\\d{1,2}', (v) => (fields.minute = Number(v)));
      case 'S':
        return field('\\d{1,2}', (v) => (fields.second = Number(v)));
      case 'f':
        return field('\\d{1,6}', (v) => (fields.micro = Number(v.padEnd(6, '0'))));
      case 'p':
        return field('AM|PM|am|pm', (v) => (fields.pm = v.toUpperCase() === 'PM'));
      case 'b':
      case 'B':
        return field('[A-Za-z]+', (v) => {
          const index = MONTHS.findIndex((month) => month.toLowerCase().startsWith(v.toLowerCase().slice(0, 3)));
          if (index < 0) throw new ExpressionError(`time data '${text}' does not match format '${format}'`);
          fields.month = index + 1;
        });
      case 'a':
      case 'A':
        return field('[A-Za-z]+', () => undefined);
      case 'j':
        return field('\\d{1,3}', (v) => {
          fields.month = 1;
          fields.day = Number(v);
        });
      case 'z':
        return field('[+-]\\d{4}|Z', () => undefined);
      case '%':
        return '%';
    }
    return whole;
  });
  const match = new RegExp(`^${pattern}$`).exec(text);
  if (!match) throw new ExpressionError(`time data '${text}' does not match format '${format}'`);
  setters.forEach((set, index) => set(match[index + 1]));
  if (fields.pm !== undefined) fields.hour = (fields.hour % 12) + (fields.pm ? 12 : 0);
  const ms = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
  return new PyDateTime(ms * 1000 + fields.micro);
}

/** The arithmetic Python defines on datetimes: their difference, and a timedelta added or taken away. */
export function dateArithmetic(op: string, a: unknown, b: unknown): PyObject | undefined {
  if (op === '-' && a instanceof PyDateTime && b instanceof PyDateTime) return new PyTimedelta(a.micros - b.micros);
  if ((op === '+' || op === '-') && a instanceof PyDateTime && b instanceof PyTimedelta) return new PyDateTime(a.micros + (op === '+' ? b.micros : -b.micros));
  if (op === '+' && a instanceof PyTimedelta && b instanceof PyDateTime) return new PyDateTime(b.micros + a.micros);
  if ((op === '+' || op === '-') && a instanceof PyTimedelta && b instanceof PyTimedelta)
    return new PyTimedelta(a.micros + (op === '+' ? b.micros : -b.micros));
  return undefined;
}
