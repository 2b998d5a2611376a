import { posix } from 'node:path';
import { quote } from 'shlex';
import { stringify } from 'yaml';
import type { HelperDelegate } from 'handlebars';

/** Handlebars passes an options object last; helpers take only the values before it. */
const values = (args: unknown[]) => args.slice(0, -1);

function required(name: string, value: unknown): unknown {
  if (value === undefined) throw new Error(`helper '${name}' got an undefined value`);
  return value;
}

const toList = (name: string, value: unknown): unknown[] => {
  if (!Array.isArray(value)) throw new Error(`helper '${name}' needs a list, got ${typeof value}`);
  return value;
};

/** Helpers for task arguments and template files: the everyday needs of a playbook. */
export const helpers: Record<string, HelperDelegate> = {
  /** {{default value "fallback"}}: the fallback when value is undefined or null. */
  default: (...args: unknown[]) => {
    const [value, fallback] = values(args);
    return value === undefined || value === null ? fallback : value;
  },
  /** {{quote value}}: one POSIX shell word, whatever the value holds. */
  quote: (...args: unknown[]) => quote(String(required('quote', values(args)[0]))),
  json: (...args: unknown[]) => JSON.stringify(required('json', values(args)[0])),
  /** {{yaml value}}: a YAML document without the trailing newline, for embedding in templates. */
  yaml: (...args: unknown[]) => stringify(required('yaml', values(args)[0])).trimEnd(),
  b64encode: (...args: unknown[]) => Buffer.from(String(required('b64encode', values(args)[0]))).toString('base64'),
  b64decode: (...args: unknown[]) => Buffer.from(String(required('b64decode', values(args)[0])), 'base64').toString('utf8'),
  /** {{join list ","}}: items joined by a separator (a space when none is given). */
  join: (...args: unknown[]) => {
    const [list, separator] = values(args);
    return toList('join', list).join(typeof separator === 'string' ? separator : ' ');
  },
  first: (...args: unknown[]) => toList('first', values(args)[0])[0],
  last: (...args: unknown[]) => toList('last', values(args)[0]).at(-1),
  lower: (...args: unknown[]) => String(required('lower', values(args)[0])).toLowerCase(),
  upper: (...args: unknown[]) => String(required('upper', values(args)[0])).toUpperCase(),
  trim: (...args: unknown[]) => String(required('trim', values(args)[0])).trim(),
  // A path's last part, as Ansible's basename filter gives it.
  basename: (...args: unknown[]) => posix.basename(String(required('basename', values(args)[0]))),
  /** {{replace text "from" "to"}}: every occurrence replaced (plain text, not a pattern). */
  replace: (...args: unknown[]) => {
    const [text, from, to] = values(args);
    return String(required('replace', text))
      .split(String(from))
      .join(String(to ?? ''));
  },
  /** {{indent text 4}}: every line but the first indented, for nesting text in YAML templates. */
  indent: (...args: unknown[]) => {
    const [text, width] = values(args);
    return String(required('indent', text)).replace(/\n/g, `\n${' '.repeat(Number(width ?? 2))}`);
  },
  eq: (...args: unknown[]) => values(args)[0] === values(args)[1],
  ne: (...args: unknown[]) => values(args)[0] !== values(args)[1],
  and: (...args: unknown[]) => values(args).every(Boolean),
  or: (...args: unknown[]) => values(args).some(Boolean),
  not: (...args: unknown[]) => !values(args)[0],
};
