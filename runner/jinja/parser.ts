import type { Args, BinaryOp, CompareOp, Expr, Macro, Node, Target } from './ast.js';
import { TemplateSyntaxError } from './errors.js';
import type { Token } from './lexer.js';
import { toFloat } from './values.js';

// Jinja2's grammar (jinja2/parser.py, 3.1), precedence from loosest to tightest:
// inline if < or < and < not < comparisons (chained, in, not in) < + - < ~ < * / // % < ** < unary - +
// < filters (|), tests (is [not]) and calls on their result < attributes, subscripts and calls.

const COMPARE: Record<string, CompareOp> = { '==': '==', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const CONSTANTS: Record<string, unknown> = { true: true, false: false, none: null, True: true, False: false, None: null };
/** Tokens that may start a test's single argument written without parentheses ('x is divisibleby 3'). */
const TEST_ARGUMENT_START = new Set(['name', 'string', 'integer', 'float']);
const BLOCK_ENDS = ['endif', 'endfor', 'endset', 'endmacro', 'endcall', 'endfilter', 'endwith', 'endblock', 'endraw'];

export class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  private get current(): Token {
    return this.tokens[this.index];
  }

  private peek(offset = 1): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    const token = this.current;
    if (token.type !== 'eof') this.index++;
    return token;
  }

  private is(type: Token['type'], value?: string, token = this.current): boolean {
    return token.type === type && (value === undefined || token.value === value);
  }

  private skip(type: Token['type'], value?: string): boolean {
    if (!this.is(type, value)) return false;
    this.next();
    return true;
  }

  private fail(message: string, token = this.current): never {
    throw new TemplateSyntaxError(message, token.pos);
  }

  private describe(token: Token): string {
    if (token.type === 'eof') return 'end of template';
    if (token.type === 'variable_end' || token.type === 'block_end') return `end of ${token.type === 'block_end' ? 'statement block' : 'print statement'}`;
    if (token.type === 'string') return 'string';
    return `'${token.value}'`;
  }

  private expect(type: Token['type'], value?: string): Token {
    if (this.is(type, value)) return this.next();
    const wanted = value ? `'${value}'` : type === 'name' ? 'a name' : type.replace('_', ' ');
    this.fail(`expected ${wanted}, got ${this.describe(this.current)}`);
  }

  // ---------- templates ----------

  /** The whole template. */
  parseTemplate(): Node[] {
    const body = this.subparse([]);
    if (!this.is('eof')) this.fail(`unexpected '${this.current.value}'`);
    return body;
  }

  /** One expression alone (a condition, or the text inside {{ }} of a value), to the end of the tokens. */
  parseStandaloneExpression(): Expr {
    const expr = this.parseTuple();
    if (!this.is('eof')) this.fail(`expected the end of the expression, got ${this.describe(this.current)}`);
    return expr;
  }

  /** Statements until a block tag whose name is one of endTokens (left unconsumed, after its block_begin). */
  private subparse(endTokens: string[]): Node[] {
    const body: Node[] = [];
    while (!this.is('eof')) {
      const token = this.current;
      if (token.type === 'data') {
        body.push({ t: 'data', text: token.value });
        this.next();
      } else if (token.type === 'variable_begin') {
        this.next();
        const expr = this.parseTuple();
        body.push({ t: 'output', expr, pos: token.pos });
        this.expect('variable_end');
      } else if (token.type === 'block_begin') {
        this.next();
        if (endTokens.length && this.is('name') && endTokens.includes(this.current.value)) return body;
        body.push(...this.parseStatement());
        this.expect('block_end');
      } else this.fail(`unexpected ${this.describe(token)}`);
    }
    if (endTokens.length) this.fail(`unexpected end of template: expected ${endTokens.map((end) => `'${end}'`).join(' or ')}`);
    return body;
  }

  /** Statements up to one of the end tags; with `drop`, the end tag's name is consumed too (its block_end never is). */
  private parseBody(endTokens: string[], drop = false): Node[] {
    const body = this.subparse(endTokens);
    if (this.is('eof')) this.fail(`unexpected end of template: expected ${endTokens.join(' or ')}`);
    if (drop) this.next();
    return body;
  }

  private parseStatement(): Node[] {
    const token = this.current;
    if (token.type !== 'name') this.fail('tag name expected');
    switch (token.value) {
      case 'if':
        return [this.parseIf()];
      case 'for':
        return [this.parseFor()];
      case 'set':
        return [this.parseSet()];
      case 'macro':
        return [this.parseMacro()];
      case 'call':
        return [this.parseCallBlock()];
      case 'filter':
        return [this.parseFilterBlock()];
      case 'include':
        return [this.parseInclude()];
      case 'import':
        return [this.parseImport()];
      case 'from':
        return [this.parseFromImport()];
      case 'with':
        return [this.parseWith()];
      case 'block':
        return [this.parseBlock()];
      case 'extends':
        this.next();
        return [{ t: 'extends', template: this.parseExpression(), pos: token.pos }];
    }
    if (BLOCK_ENDS.includes(token.value)) this.fail(`unexpected '${token.value}': no open block is ended here`);
    this.fail(`unknown tag '${token.value}' (Jinja's tags: if, for, set, macro, call, filter, include, import, from, with, block, raw)`);
  }

  private parseIf(): Node {
    const pos = this.next().pos;
    const branches: [Expr, Node[]][] = [];
    let otherwise: Node[] | undefined;
    for (;;) {
      const test = this.parseTuple(false);
      this.expect('block_end');
      branches.push([test, this.parseBody(['elif', 'else', 'endif'])]);
      const tag = this.next().value;
      if (tag === 'elif') continue;
      if (tag === 'else') {
        this.expect('block_end');
        otherwise = this.parseBody(['endif'], true);
      }
      break;
    }
    return { t: 'if', branches, otherwise, pos };
  }

  private parseFor(): Node {
    const pos = this.next().pos;
    const target = this.parseAssignTarget(true);
    this.expect('name', 'in');
    const iter = this.parseTuple(false, ['recursive']);
    const filter = this.skip('name', 'if') ? this.parseTuple(false) : undefined;
    const recursive = this.skip('name', 'recursive');
    this.expect('block_end');
    const body = this.parseBody(['endfor', 'else']);
    let otherwise: Node[] | undefined;
    if (this.next().value === 'else') {
      this.expect('block_end');
      otherwise = this.parseBody(['endfor'], true);
    }
    return { t: 'for', target, iter, body, otherwise, filter, recursive, pos };
  }

  private parseSet(): Node {
    const pos = this.next().pos;
    const target = this.parseAssignTarget(true, true);
    if (this.skip('op', '=')) return { t: 'set', target, value: this.parseTuple(), pos };
    const filter = this.is('op', '|') ? this.parseFilterChain(null) : undefined;
    this.expect('block_end');
    const body = this.parseBody(['endset'], true);
    return { t: 'setblock', target, filter, body, pos };
  }

  private parseSignature(macro: Macro): void {
    this.expect('op', '(');
    while (!this.is('op', ')')) {
      if (macro.params.length) this.expect('op', ',');
      const name = this.expect('name').value;
      if (this.skip('op', '=')) macro.defaults.push(this.parseExpression());
      else if (macro.defaults.length) this.fail('non-default argument follows default argument');
      macro.params.push(name);
    }
    this.expect('op', ')');
  }

  private parseMacro(): Node {
    const pos = this.next().pos;
    const macro: Macro = { name: this.expect('name').value, params: [], defaults: [], body: [] };
    this.parseSignature(macro);
    this.expect('block_end');
    macro.body = this.parseBody(['endmacro'], true);
    return { t: 'macro', pos, ...macro };
  }

  private parseCallBlock(): Node {
    const pos = this.next().pos;
    const macro: Macro = { name: 'caller', params: [], defaults: [], body: [] };
    if (this.is('op', '(')) this.parseSignature(macro);
    const call = this.parseExpression();
    if (call.t !== 'call') this.fail('expected call', this.current);
    this.expect('block_end');
    macro.body = this.parseBody(['endcall'], true);
    return { t: 'callblock', call, macro, pos };
  }

  private parseFilterBlock(): Node {
    const pos = this.next().pos;
    const filter = this.parseFilterChain(null, true);
    this.expect('block_end');
    const body = this.parseBody(['endfilter'], true);
    return { t: 'filterblock', filter, body, pos };
  }

  private parseContext(fallback: boolean): boolean {
    if ((this.is('name', 'with') || this.is('name', 'without')) && this.is('name', 'context', this.peek())) {
      const withContext = this.next().value === 'with';
      this.next();
      return withContext;
    }
    return fallback;
  }

  private parseInclude(): Node {
    const pos = this.next().pos;
    const template = this.parseExpression();
    let ignoreMissing = false;
    if (this.is('name', 'ignore') && this.is('name', 'missing', this.peek())) {
      this.next();
      this.next();
      ignoreMissing = true;
    }
    return { t: 'include', template, ignoreMissing, withContext: this.parseContext(true), pos };
  }

  private parseImport(): Node {
    const pos = this.next().pos;
    const template = this.parseExpression();
    this.expect('name', 'as');
    const target = this.expect('name').value;
    return { t: 'import', template, target, withContext: this.parseContext(false), pos };
  }

  private parseFromImport(): Node {
    const pos = this.next().pos;
    const template = this.parseExpression();
    this.expect('name', 'import');
    const names: [string, string][] = [];
    let withContext = false;
    const atContext = () => (this.is('name', 'with') || this.is('name', 'without')) && this.is('name', 'context', this.peek());
    for (;;) {
      if (names.length) this.expect('op', ',');
      if (atContext()) {
        withContext = this.parseContext(false);
        break;
      }
      const name = this.expect('name').value;
      if (name.startsWith('_')) this.fail('names starting with an underline can not be imported');
      names.push([name, this.skip('name', 'as') ? this.expect('name').value : name]);
      if (atContext()) {
        withContext = this.parseContext(false);
        break;
      }
      if (!this.is('op', ',')) break;
    }
    if (!names.length) this.fail('expected a name to import');
    return { t: 'fromimport', template, names, withContext, pos };
  }

  private parseWith(): Node {
    const pos = this.next().pos;
    const targets: [Target, Expr][] = [];
    while (!this.is('block_end')) {
      if (targets.length) this.expect('op', ',');
      const target = this.parseAssignTarget(false);
      this.expect('op', '=');
      targets.push([target, this.parseExpression()]);
    }
    this.expect('block_end');
    const body = this.parseBody(['endwith'], true);
    return { t: 'with', targets, body, pos };
  }

  private parseBlock(): Node {
    const pos = this.next().pos;
    const name = this.expect('name').value;
    this.skip('name', 'scoped');
    this.skip('name', 'required');
    this.expect('block_end');
    const body = this.parseBody(['endblock'], true);
    this.skip('name', name);
    return { t: 'block', name, body, pos };
  }

  /** A for loop's or set's target: name, (a, b), a, b; with nsattr, 'ns.attr' too. */
  private parseAssignTarget(allowTuple: boolean, allowNamespace = false): Target {
    if (allowNamespace && this.is('name') && this.is('op', '.', this.peek())) {
      const name = this.next().value;
      this.next();
      return { t: 'nsattr', name, attr: this.expect('name').value };
    }
    const one = (): Target => {
      if (this.skip('op', '(')) {
        const inner = this.targetList();
        this.expect('op', ')');
        return inner;
      }
      const token = this.expect('name');
      if (token.value in CONSTANTS) this.fail(`can't assign to '${token.value}'`, token);
      return { t: 'name', name: token.value };
    };
    if (!allowTuple) return one();
    const first = one();
    if (!this.is('op', ',')) return first;
    const items = [first];
    while (this.skip('op', ',')) {
      if (this.is('name', 'in') || this.is('op', '=')) break;
      items.push(one());
    }
    return { t: 'tuple', items };
  }

  private targetList(): Target {
    const items: Target[] = [];
    do {
      if (this.is('op', ')')) break;
      items.push(this.parseAssignTarget(false));
    } while (this.skip('op', ','));
    return items.length === 1 && !this.is('op', ',') ? items[0] : { t: 'tuple', items };
  }

  // ---------- expressions ----------

  /**
   * Expressions separated by commas make a tuple; one alone is itself. `a, b` in {{ }} and in for's iterable.
   * extraEnd: names that end the list (for's 'recursive'). Without withCondExpr, an 'if' is left to the statement (for's filter).
   */
  parseTuple(withCondExpr = true, extraEnd: string[] = []): Expr {
    const pos = this.current.pos;
    const items: Expr[] = [];
    let comma = false;
    for (;;) {
      if (items.length) this.expect('op', ',');
      if (this.atTupleEnd(extraEnd)) break;
      items.push(this.parseExpression(withCondExpr));
      if (this.is('op', ',')) comma = true;
      else break;
    }
    if (!comma) {
      if (!items.length) this.fail(`expected an expression, got ${this.describe(this.current)}`);
      return items[0];
    }
    return { t: 'tuple', items, pos };
  }

  private atTupleEnd(extraEnd: string[]): boolean {
    const token = this.current;
    if (['variable_end', 'block_end', 'eof'].includes(token.type)) return true;
    if (token.type === 'op' && [')', ']', '}'].includes(token.value)) return true;
    return token.type === 'name' && extraEnd.includes(token.value);
  }

  parseExpression(withCondExpr = true): Expr {
    return withCondExpr ? this.parseCondExpr() : this.parseOr();
  }

  private parseCondExpr(): Expr {
    let expr = this.parseOr();
    while (this.is('name', 'if')) {
      const pos = this.next().pos;
      const test = this.parseOr();
      const otherwise = this.skip('name', 'else') ? this.parseCondExpr() : undefined;
      expr = { t: 'cond', test, then: expr, otherwise, pos };
    }
    return expr;
  }

  private parseOr(): Expr {
    return this.logical('or', () => this.parseAnd());
  }

  private parseAnd(): Expr {
    return this.logical('and', () => this.parseNot());
  }

  /** Operands joined by 'and' or 'or', left to right. */
  private logical(word: 'and' | 'or', operand: () => Expr): Expr {
    let left = operand();
    while (this.is('name', word)) {
      const pos = this.next().pos;
      left = { t: word, left, right: operand(), pos };
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.is('name', 'not')) {
      const pos = this.next().pos;
      return { t: 'not', node: this.parseNot(), pos };
    }
    return this.parseCompare();
  }

  private parseCompare(): Expr {
    const pos = this.current.pos;
    const first = this.parseMath1();
    const ops: [CompareOp, Expr][] = [];
    for (;;) {
      const token = this.current;
      if (token.type === 'op' && COMPARE[token.value]) {
        this.next();
        ops.push([COMPARE[token.value], this.parseMath1()]);
      } else if (this.is('name', 'in')) {
        this.next();
        ops.push(['in', this.parseMath1()]);
      } else if (this.is('name', 'not') && this.is('name', 'in', this.peek())) {
        this.next();
        this.next();
        ops.push(['notin', this.parseMath1()]);
      } else break;
    }
    return ops.length ? { t: 'compare', first, ops, pos } : first;
  }

  private binaryLevel(operators: string[], operand: () => Expr): Expr {
    let left = operand();
    while (this.current.type === 'op' && operators.includes(this.current.value)) {
      const token = this.next();
      left = { t: 'binary', op: token.value as BinaryOp, left, right: operand(), pos: token.pos };
    }
    return left;
  }

  private parseMath1(): Expr {
    return this.binaryLevel(['+', '-'], () => this.parseConcat());
  }

  private parseConcat(): Expr {
    return this.binaryLevel(['~'], () => this.parseMath2());
  }

  private parseMath2(): Expr {
    return this.binaryLevel(['*', '/', '//', '%'], () => this.parsePow());
  }

  private parsePow(): Expr {
    return this.binaryLevel(['**'], () => this.parseUnary());
  }

  private parseUnary(withFilter = true): Expr {
    const token = this.current;
    let node: Expr;
    if (this.is('op', '-')) {
      this.next();
      node = { t: 'neg', node: this.parseUnary(false), pos: token.pos };
    } else if (this.is('op', '+')) {
      this.next();
      node = { t: 'pos', node: this.parseUnary(false), pos: token.pos };
    } else node = this.parsePrimary();
    node = this.parsePostfix(node);
    return withFilter ? this.parseFilterExpr(node) : node;
  }

  private parsePrimary(): Expr {
    const token = this.current;
    if (token.type === 'name') {
      this.next();
      if (Object.prototype.hasOwnProperty.call(CONSTANTS, token.value)) return { t: 'const', value: CONSTANTS[token.value], pos: token.pos };
      return { t: 'name', name: token.value, pos: token.pos };
    }
    if (token.type === 'string') {
      this.next();
      let value = token.value;
      // Adjacent string literals are one string, as in Python.
      while (this.is('string')) value += this.next().value;
      return { t: 'const', value, pos: token.pos };
    }
    if (token.type === 'integer') {
      this.next();
      return { t: 'const', value: parseInteger(token.value), pos: token.pos };
    }
    if (token.type === 'float') {
      this.next();
      return { t: 'const', value: floatLiteral(token.value), pos: token.pos };
    }
    if (this.is('op', '(')) {
      this.next();
      const expr = this.parseParenthesized();
      this.expect('op', ')');
      return expr;
    }
    if (this.is('op', '[')) return this.parseList();
    if (this.is('op', '{')) return this.parseDict();
    this.fail(`unexpected ${this.describe(token)}`);
  }

  /** What stands in parentheses: () is an empty tuple, (a) is a, (a,) and (a, b) are tuples. */
  private parseParenthesized(): Expr {
    const pos = this.current.pos;
    if (this.is('op', ')')) return { t: 'tuple', items: [], pos };
    const items: Expr[] = [this.parseExpression()];
    if (!this.is('op', ',')) return items[0];
    while (this.skip('op', ',')) {
      if (this.is('op', ')')) break;
      items.push(this.parseExpression());
    }
    return { t: 'tuple', items, pos };
  }

  private parseList(): Expr {
    const pos = this.expect('op', '[').pos;
    const items: Expr[] = [];
    while (!this.is('op', ']')) {
      if (items.length) this.expect('op', ',');
      if (this.is('op', ']')) break;
      items.push(this.parseExpression());
    }
    this.expect('op', ']');
    return { t: 'list', items, pos };
  }

  private parseDict(): Expr {
    const pos = this.expect('op', '{').pos;
    const pairs: [Expr, Expr][] = [];
    while (!this.is('op', '}')) {
      if (pairs.length) this.expect('op', ',');
      if (this.is('op', '}')) break;
      const key = this.parseExpression();
      this.expect('op', ':');
      pairs.push([key, this.parseExpression()]);
    }
    this.expect('op', '}');
    return { t: 'dict', pairs, pos };
  }

  private parsePostfix(node: Expr): Expr {
    for (;;) {
      if (this.is('op', '.') || this.is('op', '[')) node = this.parseSubscript(node);
      else if (this.is('op', '(')) node = this.parseCall(node);
      else return node;
    }
  }

  private parseFilterExpr(node: Expr): Expr {
    for (;;) {
      if (this.is('op', '|')) node = this.parseFilterChain(node);
      else if (this.is('name', 'is')) node = this.parseTest(node);
      else if (this.is('op', '(')) node = this.parseCall(node);
      else return node;
    }
  }

  private parseSubscript(node: Expr): Expr {
    const token = this.next();
    if (token.value === '.') {
      const attr = this.next();
      if (attr.type === 'name') return { t: 'getattr', obj: node, attr: attr.value, pos: attr.pos };
      if (attr.type === 'integer') return { t: 'getitem', obj: node, key: { t: 'const', value: parseInteger(attr.value), pos: attr.pos }, pos: attr.pos };
      this.fail('expected name or number', attr);
    }
    const keys: Expr[] = [];
    while (!this.is('op', ']')) {
      if (keys.length) {
        this.expect('op', ',');
        if (this.is('op', ']')) break;
      }
      keys.push(this.parseSubscribed());
    }
    this.expect('op', ']');
    if (!keys.length) this.fail('expected a subscript', token);
    const key: Expr = keys.length === 1 ? keys[0] : { t: 'tuple', items: keys, pos: token.pos };
    return { t: 'getitem', obj: node, key, pos: token.pos };
  }

  /** An index, or a slice start:stop:step with any part left out. */
  private parseSubscribed(): Expr {
    const pos = this.current.pos;
    let start: Expr | undefined;
    if (!this.is('op', ':')) {
      start = this.parseExpression();
      if (!this.is('op', ':')) return start;
    }
    this.next();
    const part = () => (this.is('op', ']') || this.is('op', ',') || this.is('op', ':') ? undefined : this.parseExpression());
    const stop = part();
    const step = this.skip('op', ':') ? part() : undefined;
    return { t: 'slice', start, stop, step, pos };
  }

  private parseCallArgs(): Omit<Args, 'pos'> {
    this.expect('op', '(');
    const args: Expr[] = [];
    const kwargs: [string, Expr][] = [];
    let dynArgs: Expr | undefined;
    let dynKwargs: Expr | undefined;
    let first = true;
    while (!this.is('op', ')')) {
      if (!first) {
        this.expect('op', ',');
        if (this.is('op', ')')) break;
      }
      first = false;
      if (this.is('op', '*')) {
        this.next();
        dynArgs = this.parseExpression();
      } else if (this.is('op', '**')) {
        this.next();
        dynKwargs = this.parseExpression();
      } else if (this.is('name') && this.is('op', '=', this.peek())) {
        const key = this.next().value;
        this.next();
        kwargs.push([key, this.parseExpression()]);
      } else {
        if (kwargs.length || dynArgs || dynKwargs) this.fail('invalid syntax for function call expression: a positional argument after keyword arguments');
        args.push(this.parseExpression());
      }
    }
    this.expect('op', ')');
    return { args, kwargs, dynArgs, dynKwargs };
  }

  private parseCall(node: Expr): Expr {
    const pos = this.current.pos;
    return { t: 'call', fn: node, ...this.parseCallArgs(), pos };
  }

  /** '| name(args) | other' after node (null for a filter block or set block's filter). */
  private parseFilterChain(node: Expr | null, startInline = false): Expr {
    let result = node;
    while (this.is('op', '|') || startInline) {
      if (!startInline) this.next();
      startInline = false;
      const token = this.expect('name');
      let name = token.value;
      while (this.is('op', '.')) {
        this.next();
        name += `.${this.expect('name').value}`;
      }
      const args = this.is('op', '(') ? this.parseCallArgs() : { args: [], kwargs: [] };
      result = { t: 'filter', node: result, name, ...args, pos: token.pos };
    }
    return result as Expr;
  }

  private parseTest(node: Expr): Expr {
    const pos = this.next().pos;
    const negated = this.skip('name', 'not');
    const token = this.expect('name');
    let name = token.value;
    while (this.is('op', '.')) {
      this.next();
      name += `.${this.expect('name').value}`;
    }
    let args: Omit<Args, 'pos'> = { args: [], kwargs: [] };
    const current = this.current;
    if (this.is('op', '(')) args = this.parseCallArgs();
    else if (
      (TEST_ARGUMENT_START.has(current.type) || (current.type === 'op' && ['(', '[', '{'].includes(current.value))) &&
      !['else', 'or', 'and'].includes(current.type === 'name' ? current.value : '')
    ) {
      if (this.is('name', 'is')) this.fail('You cannot chain multiple tests with is');
      args = { args: [this.parsePostfix(this.parsePrimary())], kwargs: [] };
    }
    const test: Expr = { t: 'test', node, name, ...args, pos: token.pos };
    return negated ? { t: 'not', node: test, pos } : test;
  }
}

function parseInteger(text: string): number {
  if (/^0[bB]/.test(text)) return parseInt(text.slice(2), 2);
  if (/^0[oO]/.test(text)) return parseInt(text.slice(2), 8);
  if (/^0[xX]/.test(text)) return parseInt(text.slice(2), 16);
  return Number(text);
}

/** A float literal: '3.0' stays a float (printed '3.0'), not the integer 3. */
const floatLiteral = (text: string): unknown => toFloat(Number(text));
