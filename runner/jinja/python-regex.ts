import { ExpressionError } from './errors.js';

// Python's regular expressions as Ansible content writes them, for JavaScript's engine: named
// groups (?P<name>...) and (?P=name), and re.sub's replacement templates (\1, \g<name>).

/** A Python pattern in JavaScript's syntax: named groups, and \A and \Z (the very start and end). */
const jsPattern = (pattern: string) =>
  pattern
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
    .replace(/(^|[^\\])((?:\\\\)*)\\A/g, '$1$2(?<![\\s\\S])')
    .replace(/(^|[^\\])((?:\\\\)*)\\Z/g, '$1$2(?![\\s\\S])');

/**
 * A Python regular expression as a JavaScript RegExp: its leading inline flags ('(?m)', '(?is)')
 * become the RegExp's flags, as JavaScript has no inline flags.
 */
export function pythonRegExp(pattern: string, flags = ''): RegExp {
  const inline = /^\(\?([aiLmsux]+)\)/.exec(pattern);
  const wanted = new Set([...flags, ...[...(inline?.[1] ?? '')].filter((flag) => 'ims'.includes(flag))]);
  try {
    return new RegExp(jsPattern(inline ? pattern.slice(inline[0].length) : pattern), [...wanted].join(''));
  } catch (error) {
    throw new ExpressionError(
      // In Python's re words where they match ("nothing to repeat": re's messages start in lower case).
      `'${pattern}' is not a valid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: (.)/, (_m, first: string) => first.toLowerCase())}`,
    );
  }
}

/** Python's replacement template (\1, \g<1>, \g<name>, \n) filled from a match; a '$' stays a '$'. */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  return template.replace(/\\g<(\w+)>|\\(\d+)|\\([ntr\\])/g, (_, name: string | undefined, index: string | undefined, escape: string | undefined) => {
    if (escape !== undefined) return { n: '\n', t: '\t', r: '\r', '\\': '\\' }[escape]!;
    if (name !== undefined) return (/^\d+$/.test(name) ? match[Number(name)] : match.groups?.[name]) ?? '';
    return match[Number(index)] ?? '';
  });
}

/** Python's re.subn: every match (the pattern needs the 'g' flag) replaced through the template, and how many. */
export function pythonSub(text: string, pattern: RegExp, template: string): { text: string; count: number } {
  let count = 0;
  const replaced = text.replace(pattern, (...found: unknown[]) => {
    count++;
    const groups = typeof found.at(-1) === 'object' ? (found.at(-1) as Record<string, string>) : undefined;
    const match = Object.assign(found.slice(0, groups ? -3 : -2) as string[], { groups }) as unknown as RegExpExecArray;
    return expandTemplate(template, match);
  });
  return { text: replaced, count };
}
