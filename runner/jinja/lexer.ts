import { TemplateSyntaxError } from './errors.js';

// Jinja2's lexer (jinja2/lexer.py, 3.1): text between tags, the tags' whitespace control ('-' strips,
// '+' keeps), trim_blocks and lstrip_blocks, raw blocks, comments, and the expression tokens inside tags.

export type TokenType = 'data' | 'block_begin' | 'block_end' | 'variable_begin' | 'variable_end' | 'name' | 'string' | 'integer' | 'float' | 'op' | 'eof';

export interface Token {
  type: TokenType;
  /** The operator or name; a string token's decoded text; a number's text. */
  value: string;
  /** Offset in the (newline-normalized) source, for errors. */
  pos: number;
}

export interface Delimiters {
  blockStart: string;
  blockEnd: string;
  variableStart: string;
  variableEnd: string;
  commentStart: string;
  commentEnd: string;
}

export interface LexOptions {
  delimiters?: Partial<Delimiters>;
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
  keepTrailingNewline?: boolean;
  /**
   * Ansible doubles the backslashes of string literals inside {{ }} of playbook values before Jinja reads them
   * (template/__init__.py _escape_backslashes), so '\1' there is a backslash and a 1, not an escape.
   */
  rawVariableStrings?: boolean;
}

export const DEFAULT_DELIMITERS: Delimiters = {
  blockStart: '{%',
  blockEnd: '%}',
  variableStart: '{{',
  variableEnd: '}}',
  commentStart: '{#',
  commentEnd: '#}',
};

const OPERATORS = ['//', '**', '==', '!=', '>=', '<=', '+', '-', '/', '*', '%', '~', '[', ']', '(', ')', '{', '}', '>', '<', '=', '.', ':', '|', ',', ';'];
const CLOSING: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const NAME = /[\p{L}_][\p{L}\p{N}_]*/uy;
const FLOAT = /(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?[eE][+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/y;
const INTEGER = /0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|[1-9](?:_?\d)*|0(?:_?0)*/y;
const STRING = /'([^'\\]*(?:\\[\s\S][^'\\]*)*)'|"([^"\\]*(?:\\[\s\S][^"\\]*)*)"/y;
const WHITESPACE = /\s+/y;

const at = (regex: RegExp, text: string, pos: number) => {
  regex.lastIndex = pos;
  return regex.exec(text);
};

/** Python's unicode-escape decoding of a string literal's text, as Jinja applies it: an unknown escape keeps its backslash. */
export function decodeEscapes(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(
    /\\(?:([0-7]{1,3})|x([\da-fA-F]{2})|u([\da-fA-F]{4})|U([\da-fA-F]{8})|(\n)|([\s\S]))/g,
    (whole, octal, hex2, hex4, hex8, newline, other) => {
      if (octal) return String.fromCodePoint(parseInt(octal, 8));
      const hex = hex2 ?? hex4 ?? hex8;
      if (hex) return String.fromCodePoint(parseInt(hex, 16));
      if (newline) return '';
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"' };
      return simple[other] ?? whole;
    },
  );
}

/** Jinja's source as its lexer reads it: every line break a '\n', one final newline dropped unless kept. */
export function normalizeSource(source: string, keepTrailingNewline = false): string {
  const text = source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
  return !keepTrailingNewline && text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** The tokens of a template (already normalized with normalizeSource). */
export function tokenize(source: string, options: LexOptions = {}): Token[] {
  const d: Delimiters = { ...DEFAULT_DELIMITERS };
  for (const [key, value] of Object.entries(options.delimiters ?? {})) if (value) d[key as keyof Delimiters] = value;
  const tokens: Token[] = [];
  let pos = 0;
  let stripNext = false;
  let lineStarting = true;
  const starts = [d.blockStart, d.variableStart, d.commentStart];
  const rawBegin = new RegExp(`${escape(d.blockStart)}([-+]?)\\s*raw\\s*(-?)${escape(d.blockEnd)}`, 'y');
  const rawEnd = new RegExp(`${escape(d.blockStart)}(-?)\\s*endraw\\s*(-?)${escape(d.blockEnd)}`, 'g');

  const pushData = (text: string, at: number) => {
    if (text) tokens.push({ type: 'data', value: text, pos: at });
  };
  /** After a tag: '-' strips the following whitespace, trim_blocks one newline (blocks and comments only). */
  const afterTag = (end: number, minus: boolean, trims: boolean) => {
    if (minus) stripNext = true;
    else if (trims && options.trimBlocks && source[end] === '\n') {
      lineStarting = true;
      return end + 1;
    }
    lineStarting = source[end - 1] === '\n';
    return end;
  };

  while (pos < source.length) {
    let next = -1;
    let kind = -1;
    for (let k = 0; k < 3; k++) {
      const found = source.indexOf(starts[k], pos);
      if (found >= 0 && (next < 0 || found < next || (found === next && starts[k].length > starts[kind].length))) {
        next = found;
        kind = k;
      }
    }
    let text = source.slice(pos, next < 0 ? source.length : next);
    if (stripNext) {
      const kept = text.replace(/^\s+/, '');
      pos += text.length - kept.length;
      text = kept;
      stripNext = false;
    }
    if (next < 0) {
      pushData(text, pos);
      break;
    }
    const startLength = starts[kind].length;
    const sign = source[next + startLength] === '-' || source[next + startLength] === '+' ? source[next + startLength] : '';
    if (sign === '-') text = text.replace(/\s+$/, '');
    else if (sign !== '+' && options.lstripBlocks && kind !== 1) {
      const lineStart = text.lastIndexOf('\n') + 1;
      if ((lineStart > 0 || lineStarting) && /^[ \t]*$/.test(text.slice(lineStart))) text = text.slice(0, lineStart);
    }
    pushData(text, pos);

    if (kind === 0) {
      const raw = at(rawBegin, source, next);
      if (raw) {
        rawEnd.lastIndex = raw.index + raw[0].length;
        const end = rawEnd.exec(source);
        if (!end) throw new TemplateSyntaxError('missing end of raw directive', next);
        let body = source.slice(raw.index + raw[0].length, end.index);
        if (raw[2] === '-') body = body.replace(/^\s+/, '');
        if (end[1] === '-') body = body.replace(/\s+$/, '');
        pushData(body, raw.index + raw[0].length);
        pos = afterTag(end.index + end[0].length, end[2] === '-', true);
        continue;
      }
    }
    if (kind === 2) {
      const close = source.indexOf(d.commentEnd, next + startLength);
      if (close < 0) throw new TemplateSyntaxError('missing end of comment tag', next);
      pos = afterTag(close + d.commentEnd.length, source[close - 1] === '-', true);
      continue;
    }
    const isBlock = kind === 0;
    tokens.push({ type: isBlock ? 'block_begin' : 'variable_begin', value: starts[kind], pos: next });
    const endText = isBlock ? d.blockEnd : d.variableEnd;
    const end = lexExpression(source, next + startLength + (sign ? 1 : 0), endText, tokens, isBlock, options.rawVariableStrings === true && !isBlock);
    tokens.push({ type: isBlock ? 'block_end' : 'variable_end', value: endText, pos: end.at });
    pos = afterTag(end.after, end.minus, isBlock && !end.keep);
  }
  tokens.push({ type: 'eof', value: '', pos: source.length });
  return tokens;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The tokens of one tag's expression, up to its end delimiter (outside brackets); where the tag ends. */
function lexExpression(
  source: string,
  start: number,
  endText: string,
  tokens: Token[],
  isBlock: boolean,
  rawStrings: boolean,
): { at: number; after: number; minus: boolean; keep?: boolean } {
  const balance: string[] = [];
  let pos = start;
  while (pos < source.length) {
    const space = at(WHITESPACE, source, pos);
    if (space) pos += space[0].length;
    if (pos >= source.length) break;
    if (!balance.length) {
      if (source.startsWith(endText, pos)) return { at: pos, after: pos + endText.length, minus: false };
      if (source[pos] === '-' && source.startsWith(endText, pos + 1)) return { at: pos, after: pos + 1 + endText.length, minus: true };
      if (source[pos] === '+' && isBlock && source.startsWith(endText, pos + 1)) return { at: pos, after: pos + 1 + endText.length, minus: false, keep: true };
    }
    const char = source[pos];
    if (char === "'" || char === '"') {
      const string = at(STRING, source, pos);
      if (!string) throw new TemplateSyntaxError('unexpected end of string', pos);
      const body = string[1] ?? string[2];
      tokens.push({ type: 'string', value: rawStrings ? body.replaceAll(`\\${char}`, char) : decodeEscapes(body), pos });
      pos += string[0].length;
      continue;
    }
    if (/\d/.test(char) && source[pos - 1] !== '.') {
      const float = at(FLOAT, source, pos);
      if (float) {
        tokens.push({ type: 'float', value: float[0].replaceAll('_', ''), pos });
        pos += float[0].length;
        continue;
      }
    }
    if (/\d/.test(char)) {
      const integer = at(INTEGER, source, pos);
      if (integer) {
        tokens.push({ type: 'integer', value: integer[0].replaceAll('_', ''), pos });
        pos += integer[0].length;
        continue;
      }
    }
    const name = at(NAME, source, pos);
    if (name) {
      tokens.push({ type: 'name', value: name[0], pos });
      pos += name[0].length;
      continue;
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, pos));
    if (!op) throw new TemplateSyntaxError(`unexpected char ${JSON.stringify(char)}`, pos);
    if (CLOSING[op]) balance.push(CLOSING[op]);
    else if (op === ')' || op === ']' || op === '}') {
      const expected = balance.pop();
      if (!expected) throw new TemplateSyntaxError(`unexpected '${op}'`, pos);
      if (expected !== op) throw new TemplateSyntaxError(`unexpected '${op}', expected '${expected}'`, pos);
    }
    tokens.push({ type: 'op', value: op, pos });
    pos += op.length;
  }
  throw new TemplateSyntaxError(
    balance.length ? `unexpected end of template, expected '${balance.at(-1)}'` : `unexpected end of template, expected '${endText}'`,
    pos,
  );
}
