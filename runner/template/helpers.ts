import type { HelperDelegate } from 'handlebars';
import { filters } from '../jinja/filters.js';

/** Handlebars passes an options object last; helpers take only the values before it. */
const values = (args: unknown[]) => args.slice(0, -1);

function required(name: string, value: unknown): unknown {
  if (value === undefined) throw new Error(`helper '${name}' got an undefined value`);
  return value;
}

/** A helper that is the Jinja filter of the same name: {{lower x}} is x | lower, one library for both kinds of template. */
const filter =
  (name: string, fallbacks: unknown[] = [], kwargs: Record<string, unknown> = {}): HelperDelegate =>
  (...args: unknown[]) => {
    const [value, ...rest] = values(args);
    const given = fallbacks.map((fallback, index) => rest[index] ?? fallback);
    return filters[name](required(name, value), [...given, ...rest.slice(fallbacks.length)], kwargs);
  };

/** Helpers for the project's .hbs templates: the Jinja library's filters, and Handlebars' own logic. */
export const helpers: Record<string, HelperDelegate> = {
  /** {{default value "fallback"}}: the fallback when value is undefined or null. */
  default: (...args: unknown[]) => {
    const [value, fallback] = values(args);
    return value === undefined || value === null ? fallback : value;
  },
  /** {{quote value}}: one POSIX shell word, whatever the value holds. */
  quote: filter('quote'),
  /** {{json value}}: compact JSON, as JSON.stringify writes it (Python's separators ',' and ':', text as it is). */
  json: filter('to_json', [], { separators: [',', ':'], ensure_ascii: false }),
  /** {{yaml value}}: block YAML without the final newline, for embedding in templates. */
  yaml: (...args: unknown[]) => String(filter('to_nice_yaml', [2])(...args)).trimEnd(),
  b64encode: filter('b64encode'),
  b64decode: filter('b64decode'),
  /** {{join list ","}}: items joined by a separator (a space when none is given). */
  join: filter('join', [' ']),
  first: filter('first'),
  last: filter('last'),
  lower: filter('lower'),
  upper: filter('upper'),
  trim: filter('trim'),
  basename: filter('basename'),
  /** {{replace text "from" "to"}}: every occurrence replaced (plain text, not a pattern). */
  replace: filter('replace', [undefined, '']),
  /** {{indent text 4}}: every line but the first indented, for nesting text in YAML templates. */
  indent: filter('indent', [2], { blank: true }),
  eq: (...args: unknown[]) => values(args)[0] === values(args)[1],
  ne: (...args: unknown[]) => values(args)[0] !== values(args)[1],
  and: (...args: unknown[]) => values(args).every(Boolean),
  or: (...args: unknown[]) => values(args).some(Boolean),
  not: (...args: unknown[]) => !values(args)[0],
};
