import { shellQuote } from './quote.js';

// Ansible's command module passes each word through os.path.expandvars and os.path.expanduser on
// the host before running it (run_command's expand_user_and_vars): $NAME and ${NAME} become the
// variable's value when it is set and stay as written when not; a leading ~ or ~user becomes a home.
// The shell the command line goes through does the same with these forms.

const VARIABLE = /\$(?:([A-Za-z_]\w*)|\{([A-Za-z_]\w*)\})/g;
const HOME_PREFIX = /^~[A-Za-z0-9._-]*(?:\/|$)/;

/** One shell word that expands its variables and leading ~ as Ansible's command module does, nothing else. */
export function expandingWord(word: string): string {
  const home = HOME_PREFIX.exec(word)?.[0] ?? '';
  const rest = word.slice(home.length);
  if (!rest.includes('$')) return home + (rest === '' ? '' : shellQuote(rest));
  let quoted = '';
  let last = 0;
  for (const match of rest.matchAll(VARIABLE)) {
    const name = match[1] ?? match[2];
    // Unset: the text as written (escaped inside the expansion's default); set, even to '': its value.
    const written = match[1] !== undefined ? `\\$${name}` : `\\\${${name}\\}`;
    quoted += literal(rest.slice(last, match.index)) + `\${${name}-${written}}`;
    last = match.index + match[0].length;
  }
  return `${home}"${quoted}${literal(rest.slice(last))}"`;
}

/** Text inside double quotes, taken literally. */
const literal = (text: string) => text.replace(/[\\"$`]/g, '\\$&');
