import { quote } from 'shlex';

/** One POSIX shell word (single-quoted where needed), whatever the text holds. */
export const shellQuote = (word: string) => quote(word);
