/**
 * The rule DSL's abstract syntax tree. The parser (compiler/dsl) produces it, the type checker
 * annotates nothing in place (types live beside it), and both backends (SQL through Kysely, the
 * JavaScript evaluator in runtime/) consume it. It is plain JSON so the manifest can carry it.
 *
 * Spans are offsets into the rule's own text (0-based, end exclusive); phase 1 keeps the mapping
 * from rule text to the YAML file so diagnostics point at the exact column in the file.
 */
export interface Span {
  start: number;
  end: number;
}

export type Expr =
  | NumberLiteral
  | StringLiteral
  | BooleanLiteral
  | NullLiteral
  | DurationLiteral
  | TimestampLiteral
  | ListLiteral
  | PathExpr
  | UnaryExpr
  | BinaryExpr
  | InExpr
  | BetweenExpr
  | IsNullExpr
  | StringMatchExpr
  | CallExpr
  | AggregateExpr;

export interface NumberLiteral {
  kind: 'number';
  value: number;
  span: Span;
}

export interface StringLiteral {
  kind: 'string';
  value: string;
  span: Span;
}

export interface BooleanLiteral {
  kind: 'boolean';
  value: boolean;
  span: Span;
}

export interface NullLiteral {
  kind: 'null';
  span: Span;
}

export type DurationUnit = 's' | 'm' | 'h' | 'd' | 'w';

/** `90d`, `48h`, `30m`, `2w`: kept as amount and unit so printing is canonical. */
export interface DurationLiteral {
  kind: 'duration';
  amount: number;
  unit: DurationUnit;
  span: Span;
}

/** `2011-12-09` (dateOnly) or `2011-12-09T12:00Z`; `value` is the ISO text as written. */
export interface TimestampLiteral {
  kind: 'timestamp';
  value: string;
  dateOnly: boolean;
  span: Span;
}

export interface ListLiteral {
  kind: 'list';
  items: Expr[];
  span: Span;
}

/** `country`, `rfm.monetary`, a source column in a mapping. */
export interface PathExpr {
  kind: 'path';
  segments: string[];
  span: Span;
}

export interface UnaryExpr {
  kind: 'unary';
  op: 'not' | '-';
  operand: Expr;
  span: Span;
}

export type BinaryOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | 'and' | 'or';

export interface BinaryExpr {
  kind: 'binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
  span: Span;
}

/** `x in [..]` / `x not in [..]`; never matches a missing x. */
export interface InExpr {
  kind: 'in';
  negated: boolean;
  value: Expr;
  list: Expr;
  span: Span;
}

/** `x between a and b`, both ends inclusive. */
export interface BetweenExpr {
  kind: 'between';
  negated: boolean;
  value: Expr;
  low: Expr;
  high: Expr;
  span: Span;
}

export interface IsNullExpr {
  kind: 'is_null';
  negated: boolean;
  value: Expr;
  span: Span;
}

/** `s starts with "C"`, `s contains "x"`: exact, case-sensitive. */
export interface StringMatchExpr {
  kind: 'string_match';
  op: 'starts_with' | 'contains';
  value: Expr;
  pattern: Expr;
  span: Span;
}

/** `days_since(t)`, `lower(s)`, `if(c, a, b)`, `score(model)`, `tier(model)`, `in_segment(name)`. */
export interface CallExpr {
  kind: 'call';
  name: string;
  nameSpan: Span;
  args: Expr[];
  span: Span;
}

export type AggregateFn = 'count' | 'exists' | 'sum' | 'avg' | 'min' | 'max' | 'first' | 'last';

/** Event window: `within 30d` (past, inclusive), `within next 90d` (labels), `within since_entry` (journeys). */
export type EventWindow =
  | { kind: 'past'; duration: DurationLiteral; span: Span }
  | { kind: 'next'; duration: DurationLiteral; span: Span }
  | { kind: 'since_entry'; span: Span };

/**
 * An aggregate over one event type: `count(purchase within 30d)`,
 * `exists(added_to_cart where price > 50 within 48h)`, `sum(purchase.amount within 365d)`,
 * `last(purchase).at` (first/last select one event; `field` is the property read from it).
 */
export interface AggregateExpr {
  kind: 'aggregate';
  fn: AggregateFn;
  event: string;
  eventSpan: Span;
  /** `purchase.amount` in sum/avg/min/max. */
  property?: string;
  propertySpan?: Span;
  /** Filter over the event's properties. */
  where?: Expr;
  window?: EventWindow;
  /** `.at` after first(...)/last(...). */
  field?: string;
  fieldSpan?: Span;
  span: Span;
}
