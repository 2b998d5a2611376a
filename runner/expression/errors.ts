/** An expression that parses but cannot be evaluated (unknown filter, wrong operand type). */
export class ExpressionError extends Error {}

/** An expression or template named a variable that is not defined for this host. */
export class UndefinedVariable extends Error {
  constructor(readonly variable: string) {
    super(`undefined variable '${variable}'`);
  }
}

/** Variables that refer to each other in a circle. */
export class VariableCycle extends Error {
  constructor(readonly chain: string[]) {
    super(`variable '${chain[0]}' refers to itself: ${chain.join(' -> ')}`);
  }
}
