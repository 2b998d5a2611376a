import jsep, { type Expression } from 'jsep';
import jsepObject from '@jsep-plugin/object';

// Jinja's grammar on top of jsep's: word operators, filters ('|') binding tighter than anything else,
// Python's inline if (right-associative 'else' over 'if'), keyword arguments ('name=value'), dict literals.
jsep.plugins.register(jsepObject);
jsep.addBinaryOp('=', 0.1);
jsep.addBinaryOp('else', 0.2, true);
jsep.addBinaryOp('if', 0.3);
jsep.addBinaryOp('or', 1);
jsep.addBinaryOp('and', 2);
// 'x is in y' and 'x is not in y': Jinja's 'in' test, the same as the operators.
for (const op of ['in', 'not in', 'is', 'is not', 'is in', 'is not in']) jsep.addBinaryOp(op, 6);
jsep.removeBinaryOp('|');
jsep.addBinaryOp('|', 12);
jsep.addBinaryOp('~', 9);
jsep.addBinaryOp('//', 10);
jsep.addBinaryOp('**', 11, true);
jsep.addUnaryOp('not');
for (const [word, value] of Object.entries({ True: true, False: false, None: null, true: true, false: false, none: null })) jsep.addLiteral(word, value);

/**
 * Jinja reads `list.0` as `list[0]`; jsep reads a number there, so give it the brackets first.
 * Outside strings, any Unicode space (a no-break space typed by an editor) is a space, as Jinja's `\s` reads it;
 * inside them, an unknown escape keeps its backslash, as in Python.
 */
export function bracketNumericAttributes(text: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      out += char;
      // Python's escapes jsep lacks (octal, \x, \u) become their character; an escape Python does not know keeps its backslash ('\p' is two characters).
      const code = char === '\\' ? /^(?:[0-7]{1,3}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})/.exec(text.slice(i + 1))?.[0] : undefined;
      if (code) {
        out = out.slice(0, -1) + String.fromCharCode(parseInt(/^[xu]/.test(code) ? code.slice(1) : code, /^[xu]/.test(code) ? 16 : 8));
        i += code.length;
      } else if (char === '\\') out += /[nrtbfv\\'"]/.test(text[i + 1] ?? '') ? text[++i] : '\\';
      else if (char === quote) quote = null;
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    if (/[^\S \t\n\r]/.test(char)) {
      out += ' ';
      continue;
    }
    const digits = char === '.' ? /^\d+/.exec(text.slice(i + 1))?.[0] : undefined;
    const word = /[A-Za-z0-9_]*$/.exec(out)![0];
    if (digits && (/^[A-Za-z_]/.test(word) || /[\])]$/.test(out))) {
      out += `[${digits}]`;
      i += digits.length;
      continue;
    }
    out += char;
  }
  return out;
}

const CHILDREN = ['left', 'right', 'argument', 'object', 'test', 'consequent', 'alternate'] as const;

/**
 * Where Jinja's precedence differs from jsep's, rewrite the tree (children first):
 * 'not a == b' is 'not (a == b)' (jsep binds unary operators tightly), and a filter applies after
 * a test: 'x is defined | ternary(a, b)' is '(x is defined) | ternary(a, b)'.
 */
function jinjaPrecedence(node: Expression): Expression {
  for (const key of CHILDREN) if (node[key]) node[key] = jinjaPrecedence(node[key] as Expression);
  if (node.type !== 'BinaryExpression') return node;
  const operator = node.operator as string;
  const left = node.left as Expression;
  const right = node.right as Expression;
  if (!['and', 'or', 'if', 'else', '='].includes(operator) && left.type === 'UnaryExpression' && left.operator === 'not') {
    return { type: 'UnaryExpression', operator: 'not', prefix: true, argument: jinjaPrecedence({ ...node, left: left.argument }) };
  }
  if ((operator === 'is' || operator === 'is not') && right.type === 'BinaryExpression' && right.operator === '|') {
    return jinjaPrecedence({ ...right, left: { ...node, right: right.left } });
  }
  return node;
}

const parsed = new Map<string, Expression>();

/** Parse one Jinja expression (cached); throws jsep's error on bad syntax. */
export function parseJinjaExpression(text: string): Expression {
  let ast = parsed.get(text);
  if (!ast) {
    const tree = jsep(bracketNumericAttributes(text));
    // jsep reads 'a b' as two expressions side by side; Jinja has no such thing.
    if (tree.type === 'Compound') throw new Error(`expected one expression, found ${(tree.body as Expression[]).length} side by side`);
    ast = jinjaPrecedence(tree);
    parsed.set(text, ast);
  }
  return ast;
}
