import { AsyncLocalStorage } from 'node:async_hooks';
import { isUtf8 } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair, type ScalarTag, type YAMLMap } from 'yaml';
import { UserError, type SourceLocation } from '../errors.js';
import { UnsafeText } from '../text/unsafe.js';
import { indentQuotedLines } from './quoted-lines.js';

export type PathSegment = string | number;

/** Limits that keep loading linear and bounded: no real playbook, inventory or vars file comes near them. */
export const YAML_LIMITS = { bytes: 32 * 1024 * 1024, depth: 100, aliases: 1000 } as const;

/** Files from this size take a second or more to parse and check: the user is told before it starts. */
const LARGE_FILE_BYTES = 1024 * 1024;

/** Who is told when a large file starts loading, for the loads run inside it (the command line says so on stderr at once). */
export const largeFileNotice = new AsyncLocalStorage<(file: string, bytes: number) => void>();

/** A parsed YAML file that can say where any value in it was written. */
export interface SourceDoc {
  file: string;
  value: unknown;
  locate(path: readonly PathSegment[]): SourceLocation;
}

/**
 * YAML 1.1's other booleans (yes/no/on/off, as Ansible's YAML parser reads them) on top of YAML
 * 1.2's core schema: `become: yes` is true, as Ansible content expects. Numbers stay YAML 1.2's:
 * 0644 is not turned into 420 (file modes are read as octal digits; see normalizeMode).
 */
const YAML11_BOOLEANS: ScalarTag = {
  identify: (value) => typeof value === 'boolean',
  default: true,
  tag: 'tag:yaml.org,2002:bool',
  test: /^(?:[Yy]es|YES|[Nn]o|NO|[Oo]n|ON|[Oo]ff|OFF)$/,
  resolve: (text) => /^(?:yes|on)$/i.test(text),
};

/** Ansible's !unsafe: a value never templated (text without {{ or {% needs no mark). */
const UNSAFE: ScalarTag = {
  tag: '!unsafe',
  resolve: (text) => (/\{[{%#]/.test(text) ? new UnsafeText(text) : text),
};

function checkSize(bytes: number, file: string): void {
  if (bytes > YAML_LIMITS.bytes) {
    throw new UserError(
      `the file is ${(bytes / 1024 / 1024).toFixed(1)} MB; YAML files of up to ${YAML_LIMITS.bytes / 1024 / 1024} MB are read.`,
      { file, line: 1, column: 1 },
      'Split it, or check that this is the file you meant.',
    );
  }
}

export function parseYaml(text: string, file: string): SourceDoc {
  checkSize(text.length, file);
  if (text.length >= LARGE_FILE_BYTES) largeFileNotice.getStore()?.(file, text.length);
  // Duplicate keys are found below in one pass: the parser's own check compares each key with every other.
  const parse = (source: string) => {
    const lineCounter = new LineCounter();
    const doc = parseDocument(source, { lineCounter, uniqueKeys: false, prettyErrors: true, customTags: (tags) => [YAML11_BOOLEANS, UNSAFE, ...tags] });
    return { doc, lineCounter, source };
  };
  let parsed = parse(text);
  if (parsed.doc.errors.some((error) => error.code === 'MISSING_CHAR')) {
    // A quoted value whose lines are indented less than its key, which Ansible's parser reads.
    const again = parse(indentQuotedLines(text));
    if (again.doc.errors.length === 0) parsed = again;
  }
  const { doc, lineCounter, source } = parsed;
  const at = (offset: number): SourceLocation => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  const problem = doc.errors[0];
  if (problem) throw syntaxError(problem, text, file);
  checkShape(doc, source, at);
  const children = new WeakMap<YAMLMap, Map<string, Pair>>();
  return {
    file,
    value: toValue(doc, source, at),
    locate(path) {
      let node: unknown = doc.contents;
      let offset = (node as Node | null)?.range?.[0] ?? 0;
      for (const segment of path) {
        const next = childNode(node, segment, children);
        if (!next) break;
        node = next.node;
        offset = next.offset;
      }
      return at(offset);
    },
  };
}

type ParseProblem = Document.Parsed['errors'][number];

function syntaxError(problem: ParseProblem, text: string, file: string): UserError {
  if (/Maximum call stack size exceeded/.test(problem.message)) {
    return new UserError(
      `it nests deeper than ${YAML_LIMITS.depth} levels.`,
      { file, line: problem.linePos?.[0].line ?? 1, column: 1 },
      'Flatten the structure.',
    );
  }
  // A one-character range marks the end of the last good token: the mistake is where it points next.
  const positions = problem.linePos ?? [{ line: 1, col: 1 }];
  const pos = problem.pos[1] - problem.pos[0] <= 1 ? positions[positions.length - 1] : positions[0];
  const lineText = text.split('\n')[pos.line - 1] ?? '';
  // Pointing at a line's indentation means its first word: that is what is misplaced.
  const column = pos.col <= lineText.search(/\S|$/) ? lineText.search(/\S|$/) + 1 : pos.col;
  const loc = { file, line: pos.line, column };
  const reason = problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const hint = problem.code === 'BAD_INDENT' ? 'Indent it like the keys it belongs with (spaces, not tabs).' : 'Fix the YAML syntax at that place.';
  return new UserError(`invalid YAML: ${reason}.`, loc, hint, undefined, excerpt(text, loc));
}

/** The line at a location with a caret under its column. */
export function excerpt(text: string, loc: SourceLocation): string {
  const line = text.split('\n')[loc.line - 1] ?? '';
  const number = String(loc.line);
  return `  ${number} | ${line}\n  ${' '.repeat(number.length)} | ${' '.repeat(Math.max(0, loc.column - 1))}^`;
}

/** One pass over the document: nesting depth and duplicate keys, with where they are. */
function checkShape(doc: Document.Parsed, text: string, at: (offset: number) => SourceLocation): void {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: doc.contents, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > YAML_LIMITS.depth) {
      const loc = at(node.range?.[0] ?? 0);
      throw new UserError(`it nests deeper than ${YAML_LIMITS.depth} levels.`, loc, 'Flatten the structure.', undefined, excerpt(text, loc));
    }
    if (isSeq(node)) {
      for (const item of node.items) stack.push({ node: item, depth: depth + 1 });
      continue;
    }
    const seen = new Map<string, number>();
    for (const pair of node.items) {
      if (isScalar(pair.key)) {
        const key = String(pair.key.value);
        const offset = pair.key.range?.[0] ?? 0;
        if (seen.has(key)) {
          const loc = at(offset);
          throw new UserError(
            `invalid YAML: map keys must be unique: '${key}' is also at line ${at(seen.get(key)!).line}.`,
            loc,
            'Remove one of them or merge them.',
            undefined,
            excerpt(text, loc),
          );
        }
        seen.set(key, offset);
      }
      stack.push({ node: pair.value, depth: depth + 1 });
    }
  }
}

/** The document as plain values; aliases that would expand beyond the limit are refused (a "billion laughs" file). */
function toValue(doc: Document.Parsed, text: string, at: (offset: number) => SourceLocation): unknown {
  try {
    return doc.toJS({ maxAliasCount: YAML_LIMITS.aliases });
  } catch (error) {
    if (!/alias/i.test((error as Error).message)) throw error;
    let offset = 0;
    visit(doc, {
      Alias(_key, node) {
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const loc = at(offset);
    throw new UserError(
      `its aliases (*name) expand to more than ${YAML_LIMITS.aliases} copies, as in a "billion laughs" file.`,
      loc,
      'Use fewer aliases, or write the values out.',
      undefined,
      excerpt(text, loc),
    );
  }
}

/** The child of a YAML map or sequence and the offset to report for it (a map's keys are indexed once). */
function childNode(node: unknown, segment: PathSegment, children: WeakMap<YAMLMap, Map<string, Pair>>): { node: unknown; offset: number } | undefined {
  if (isMap(node)) {
    let index = children.get(node);
    if (!index) {
      index = new Map();
      for (const item of node.items) if (isPair(item) && isScalar(item.key) && !index.has(String(item.key.value))) index.set(String(item.key.value), item);
      children.set(node, index);
    }
    const pair = index.get(String(segment));
    if (!pair) return undefined;
    // Point at the key: that is the line a reader looks for, even when the value starts below it.
    return { node: pair.value, offset: (pair.key as Node).range?.[0] ?? 0 };
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment] as Node | undefined;
    return item ? { node: item, offset: item.range?.[0] ?? 0 } : undefined;
  }
  return undefined;
}

/** A file's bytes as text; invalid UTF-8 is refused with its line, never turned into U+FFFD silently. */
export function decodeUtf8(bytes: Buffer, file: string): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let start = 0;
  for (let line = 1; ; line++) {
    const end = bytes.indexOf(10, start);
    const slice = bytes.subarray(start, end === -1 ? bytes.length : end);
    if (!isUtf8(slice)) {
      const loc = { file, line, column: slice.toString('utf8').indexOf('\uFFFD') + 1 || 1 };
      throw new UserError('the file is not valid UTF-8 text.', loc, 'Save it as UTF-8 (iconv -f latin1 -t utf-8 converts an old Latin-1 file).');
    }
    if (end === -1) return bytes.toString('utf8');
    start = end + 1;
  }
}

/** Where a file that cannot be read was named (an include), and what to tell the user. */
interface NamedAt {
  at?: SourceLocation;
  hint?: string;
}

function unreadable(error: unknown, file: string, what: string, named: NamedAt): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`;
  return new UserError(`the ${what} file ${file} ${reason}.`, named.at, named.hint ?? `Check the path given for the ${what}.`);
}

export async function loadYamlFile(file: string, what: string): Promise<SourceDoc> {
  return parseYaml(await readTextFile(file, what), file);
}

/** A file's text (UTF-8, checked), or a UserError saying why it cannot be read. */
export async function readTextFile(file: string, what: string): Promise<string> {
  let bytes: Buffer;
  try {
    // A file far past the limit is refused before it is read into memory.
    checkSize((await stat(file)).size, file);
    bytes = await readFile(file);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw unreadable(error, file, what, {});
  }
  return decodeUtf8(bytes, file);
}

/** loadYamlFile for the synchronous task loader (a task file an include names). */
export function loadYamlFileSync(file: string, what: string, named: NamedAt): SourceDoc {
  let bytes: Buffer;
  try {
    checkSize(statSync(file).size, file);
    bytes = readFileSync(file);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw unreadable(error, file, what, named);
  }
  return parseYaml(decodeUtf8(bytes, file), file);
}
