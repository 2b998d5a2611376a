import { readFile } from 'node:fs/promises';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { UserError, type SourceLocation } from '../errors.js';

export type PathSegment = string | number;

/** A parsed YAML file that can say where any value in it was written. */
export interface SourceDoc {
  file: string;
  value: unknown;
  locate(path: readonly PathSegment[]): SourceLocation;
}

export function parseYaml(text: string, file: string): SourceDoc {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const problem = doc.errors[0];
  if (problem) {
    // A one-character range marks the end of the last good token: the mistake is where it points next.
    const positions = problem.linePos ?? [{ line: 1, col: 1 }];
    const pos = problem.pos[1] - problem.pos[0] <= 1 ? positions[positions.length - 1] : positions[0];
    const reason = problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new UserError(`invalid YAML: ${reason}.`, { file, line: pos.line, column: pos.col }, 'Fix the YAML syntax at that place.');
  }
  const at = (offset: number): SourceLocation => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  return {
    file,
    value: doc.toJS({ maxAliasCount: 1000 }),
    locate(path) {
      let node: unknown = doc.contents;
      let offset = (node as Node | null)?.range?.[0] ?? 0;
      for (const segment of path) {
        const next = childNode(node, segment);
        if (!next) break;
        node = next.node;
        offset = next.offset;
      }
      return at(offset);
    },
  };
}

/** The child of a YAML map or sequence and the offset to report for it. */
function childNode(node: unknown, segment: PathSegment): { node: unknown; offset: number } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
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

export async function loadYamlFile(file: string, what: string): Promise<SourceDoc> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`;
    throw new UserError(`the ${what} file ${file} ${reason}.`, undefined, `Check the path given for the ${what}.`);
  }
  return parseYaml(text, file);
}
