/** An expression that parses but cannot be evaluated (unknown filter, wrong operand type). */
export class ExpressionError extends Error {}

/** An expression or template named a variable that is not defined for this host. */
export class UndefinedVariable extends Error {
  constructor(
    readonly variable: string,
    /** Jinja's own words for it, as Ansible shows them: "'x' is undefined", "'dict object' has no attribute 'y'". */
    readonly reason = `'${variable}' is undefined`,
  ) {
    super(`undefined variable '${variable}': ${reason}`);
  }
}

/** Variables that refer to each other in a circle. */
export class VariableCycle extends Error {
  constructor(readonly chain: string[]) {
    super(`variable '${chain[0]}' refers to itself: ${chain.join(' -> ')}`);
  }
}

/** Text that is not valid Jinja: where (an offset in the normalized source) and why. */
export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

/** The 1-based line and column of an offset, and that line's text. */
export function positionOf(source: string, pos: number): { line: number; column: number; text: string } {
  const before = source.slice(0, pos);
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = source.indexOf('\n', pos);
  return {
    line: before.split('\n').length,
    column: pos - lineStart + 1,
    text: source.slice(lineStart, lineEnd < 0 ? source.length : lineEnd),
  };
}
