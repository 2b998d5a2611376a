import type { Expr } from './ast.js';
import { compileExpression } from './compile.js';
import { finalize } from './statements.js';
import { toPlainValue } from './values.js';

/** Python's ast.literal_eval of text that starts like a list or mapping, or is True/False; the text itself otherwise. */
export function literalOrText(text: string): unknown {
  if (text === 'True') return true;
  if (text === 'False') return false;
  if (!text.startsWith('[') && !text.startsWith('{')) return text;
  let expr: Expr;
  try {
    expr = compileExpression(text);
  } catch {
    return text;
  }
  const literal = literalValue(expr);
  return literal === NOT_LITERAL ? text : toPlainValue(literal);
}

const NOT_LITERAL = Symbol('not a literal');

function literalValue(node: Expr): unknown {
  switch (node.t) {
    case 'const':
      return node.value;
    case 'name':
      return node.name === 'null' ? null : NOT_LITERAL;
    case 'neg': {
      const inner = literalValue(node.node);
      return typeof inner === 'number' ? -inner : NOT_LITERAL;
    }
    case 'list':
    case 'tuple': {
      const items = node.items.map(literalValue);
      return items.includes(NOT_LITERAL) ? NOT_LITERAL : items;
    }
    case 'dict': {
      const out: Record<string, unknown> = {};
      for (const [keyNode, valueNode] of node.pairs) {
        const key = literalValue(keyNode);
        const value = literalValue(valueNode);
        if (key === NOT_LITERAL || value === NOT_LITERAL || (key !== null && typeof key === 'object')) return NOT_LITERAL;
        out[typeof key === 'string' ? key : finalize(key)] = value;
      }
      return out;
    }
    case 'binary':
      // Python's literal_eval takes the sum of adjacent strings; nothing else.
      return NOT_LITERAL;
    default:
      return NOT_LITERAL;
  }
}
