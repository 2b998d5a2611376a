import type { Expr } from './ast.js';
import { compileExpression } from './compile.js';
import { finalize } from './statements.js';
import { isNumber, PyFloat, toPlainValue, tuple } from './values.js';

// Python's ast.literal_eval as Ansible applies it to rendered text. Jinja's parser reads the text;
// the spelling of each constant is then checked against what Python (or Ansible's JSON names) allows.

/** The constant words each use accepts: Python's, plus JSON's for ansible_eval_concat (Json2Python). */
const PYTHON_WORDS = new Set(['True', 'False', 'None']);
const EVAL_CONCAT_WORDS = new Set([...PYTHON_WORDS, 'true', 'false', 'null']);

/** ansible_eval_concat: text that starts like a list or mapping, or is True/False, read as a literal; the text itself otherwise. */
export function literalOrText(text: string): unknown {
  if (text === 'True') return true;
  if (text === 'False') return false;
  if (!text.startsWith('[') && !text.startsWith('{')) return text;
  const literal = literalOf(text, EVAL_CONCAT_WORDS);
  return literal === NOT_LITERAL ? text : toPlainValue(literal);
}

/**
 * ansible_native_concat's literal_eval: any Python literal (numbers, None, quoted text, lists,
 * tuples, mappings); quoted text keeps its quotes, as Ansible returns it.
 */
export function nativeLiteralOrText(text: string): unknown {
  const literal = literalOf(text, PYTHON_WORDS);
  if (literal === NOT_LITERAL) return text;
  return typeof literal === 'string' ? `${text[0]}${literal}${text[0]}` : toPlainValue(literal);
}

function literalOf(text: string, words: Set<string>): unknown {
  // ast.parse(mode='eval') refuses leading blanks (an unexpected indent).
  if (/^[ \t]/.test(text)) return NOT_LITERAL;
  let expr: Expr;
  try {
    expr = compileExpression(text);
  } catch {
    return NOT_LITERAL;
  }
  return literalValue(expr, text, words);
}

const NOT_LITERAL = Symbol('not a literal');

function literalValue(node: Expr, text: string, words: Set<string>): unknown {
  const value = (child: Expr) => literalValue(child, text, words);
  switch (node.t) {
    case 'const': {
      const word = /^[A-Za-z]+/.exec(text.slice(node.pos))?.[0];
      if (word !== undefined && !words.has(word)) return NOT_LITERAL;
      // Python 3 reads no integer with a leading zero (042).
      if (typeof node.value !== 'string' && /^0\d/.test(text.slice(node.pos))) return NOT_LITERAL;
      return node.value;
    }
    case 'name':
      return node.name === 'null' && words.has('null') ? null : NOT_LITERAL;
    case 'neg':
    case 'pos': {
      const inner = value(node.node);
      if (!isNumber(inner) || node.t === 'pos') return isNumber(inner) ? inner : NOT_LITERAL;
      return inner instanceof PyFloat ? new PyFloat(-inner.value) : -inner;
    }
    case 'list':
    case 'tuple': {
      const items = node.items.map(value);
      if (items.includes(NOT_LITERAL)) return NOT_LITERAL;
      return node.t === 'tuple' ? tuple(items) : items;
    }
    case 'dict': {
      const out: Record<string, unknown> = {};
      for (const [keyNode, valueNode] of node.pairs) {
        const key = value(keyNode);
        const item = value(valueNode);
        if (key === NOT_LITERAL || item === NOT_LITERAL || (key !== null && typeof key === 'object')) return NOT_LITERAL;
        out[typeof key === 'string' ? key : finalize(key)] = item;
      }
      return out;
    }
    default:
      // Python's literal_eval computes no operators (only a complex number's sum, which has no use here).
      return NOT_LITERAL;
  }
}
