/** A condition that parses but cannot be evaluated (unknown filter, wrong operand type). */
export class ExpressionError extends Error {}
