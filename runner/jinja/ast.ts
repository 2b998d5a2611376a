// The one tree for Jinja2 text: expressions (in {{ }}, conditions, arguments) and template statements.
// Every node keeps its offset in the source, for errors.

export type Expr =
  | { t: 'const'; value: unknown; pos: number }
  | { t: 'name'; name: string; pos: number }
  | { t: 'list' | 'tuple'; items: Expr[]; pos: number }
  | { t: 'dict'; pairs: [Expr, Expr][]; pos: number }
  | { t: 'getattr'; obj: Expr; attr: string; pos: number }
  | { t: 'getitem'; obj: Expr; key: Expr; pos: number }
  | { t: 'slice'; start?: Expr; stop?: Expr; step?: Expr; pos: number }
  | ({ t: 'call'; fn: Expr } & Args)
  | ({ t: 'filter'; node: Expr | null; name: string } & Args)
  | ({ t: 'test'; node: Expr; name: string } & Args)
  | { t: 'not' | 'neg' | 'pos'; node: Expr; pos: number }
  | { t: 'and' | 'or'; left: Expr; right: Expr; pos: number }
  | { t: 'binary'; op: BinaryOp; left: Expr; right: Expr; pos: number }
  | { t: 'compare'; first: Expr; ops: [CompareOp, Expr][]; pos: number }
  | { t: 'cond'; test: Expr; then: Expr; otherwise?: Expr; pos: number };

export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '~';
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'notin';

/** A call's arguments: positional, name=value, *args and **kwargs. */
export interface Args {
  args: Expr[];
  kwargs: [string, Expr][];
  dynArgs?: Expr;
  dynKwargs?: Expr;
  pos: number;
}

/** A for loop's or set's target: a name, 'ns.attr', or a (nested) tuple of names. */
export type Target = { t: 'name'; name: string } | { t: 'nsattr'; name: string; attr: string } | { t: 'tuple'; items: Target[] };

export interface Macro {
  name: string;
  params: string[];
  defaults: Expr[];
  body: Node[];
}

export type Node =
  | { t: 'data'; text: string }
  | { t: 'output'; expr: Expr; pos: number }
  | { t: 'if'; branches: [Expr, Node[]][]; otherwise?: Node[]; pos: number }
  | { t: 'for'; target: Target; iter: Expr; body: Node[]; otherwise?: Node[]; filter?: Expr; recursive: boolean; pos: number }
  | { t: 'set'; target: Target; value: Expr; pos: number }
  | { t: 'setblock'; target: Target; filter?: Expr; body: Node[]; pos: number }
  | ({ t: 'macro'; pos: number } & Macro)
  | { t: 'callblock'; call: Expr; macro: Macro; pos: number }
  | { t: 'filterblock'; filter: Expr; body: Node[]; pos: number }
  | { t: 'include'; template: Expr; ignoreMissing: boolean; withContext: boolean; pos: number }
  | { t: 'import'; template: Expr; target: string; withContext: boolean; pos: number }
  | { t: 'fromimport'; template: Expr; names: [string, string][]; withContext: boolean; pos: number }
  | { t: 'with'; targets: [Target, Expr][]; body: Node[]; pos: number }
  | { t: 'block'; name: string; body: Node[]; pos: number }
  | { t: 'extends'; template: Expr; pos: number };

/** A parsed template: its statements, and the source they came from (for errors). */
export interface Template {
  body: Node[];
  source: string;
  /** Where it was read from, for includes relative to it; undefined for a value in a playbook. */
  file?: string;
}
