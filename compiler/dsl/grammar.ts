/** Facts about the language shared by the parser, printer and type checker. */

/**
 * The deepest nesting a rule may have: parentheses, lists, call arguments, aggregates and prefix
 * operators (`not`, `-`) each open a level. Past it the parser stops with HL135 instead of
 * exhausting the stack; real rules stay far below (a dozen levels is already hard to read).
 */
export const MAX_NESTING = 64;

/** Aggregates take an event type, not an expression: `count(purchase within 30d)`. */
export const AGGREGATE_FNS = ['count', 'exists', 'sum', 'avg', 'min', 'max', 'first', 'last'] as const;
export const AGGREGATE_FN_SET: ReadonlySet<string> = new Set(AGGREGATE_FNS);

/** How an aggregate is written, for messages: `count(purchase within 30d)`, `last(purchase).at`. */
export function aggregateExample(fn: string): string {
  if (fn === 'first' || fn === 'last') return `${fn}(purchase).at`;
  if (fn === 'count' || fn === 'exists') return `${fn}(purchase within 30d)`;
  return `${fn}(purchase.amount within 30d)`;
}

/**
 * Binding strength, loosest first. `or` < `and` < `not` < comparisons (`=`, `in`, `between`,
 * `is null`, `starts with`, `contains`; non-associative) < `+ -` < `* /` < unary `-` < atoms.
 */
export const PRECEDENCE = {
  or: 1,
  and: 2,
  not: 3,
  comparison: 4,
  additive: 5,
  multiplicative: 6,
  negate: 7,
  atom: 8,
} as const;
