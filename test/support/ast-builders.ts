/**
 * Tiny builders for rule ASTs in tests (spans are irrelevant to the backends, so they are zero).
 */
import type { AggregateExpr, AggregateFn, BinaryOp, DurationUnit, EventWindow, Expr } from '../../compiler/contract/core/ast.ts';

const span = { start: 0, end: 0 };

export const num = (value: number): Expr => ({ kind: 'number', value, span });
export const str = (value: string): Expr => ({ kind: 'string', value, span });
export const bool = (value: boolean): Expr => ({ kind: 'boolean', value, span });
export const nul = (): Expr => ({ kind: 'null', span });
export const dur = (amount: number, unit: DurationUnit) => ({ kind: 'duration' as const, amount, unit, span });
export const ts = (value: string): Expr => ({ kind: 'timestamp', value, dateOnly: !value.includes('T'), span });
export const list = (...items: Expr[]): Expr => ({ kind: 'list', items, span });
export const path = (...segments: string[]): Expr => ({ kind: 'path', segments, span });
export const not = (operand: Expr): Expr => ({ kind: 'unary', op: 'not', operand, span });
export const neg = (operand: Expr): Expr => ({ kind: 'unary', op: '-', operand, span });
export const bin = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right, span });
export const and = (...items: Expr[]): Expr => items.reduce((a, b) => bin('and', a, b));
export const or = (...items: Expr[]): Expr => items.reduce((a, b) => bin('or', a, b));
export const isIn = (value: Expr, items: Expr[], negated = false): Expr => ({ kind: 'in', negated, value, list: list(...items), span });
export const between = (value: Expr, low: Expr, high: Expr, negated = false): Expr => ({
  kind: 'between',
  negated,
  value,
  low,
  high,
  span,
});
export const isNull = (value: Expr, negated = false): Expr => ({ kind: 'is_null', negated, value, span });
export const startsWith = (value: Expr, pattern: Expr): Expr => ({ kind: 'string_match', op: 'starts_with', value, pattern, span });
export const contains = (value: Expr, pattern: Expr): Expr => ({ kind: 'string_match', op: 'contains', value, pattern, span });
export const call = (name: string, ...args: Expr[]): Expr => ({ kind: 'call', name, nameSpan: span, args, span });

export const past = (amount: number, unit: DurationUnit): EventWindow => ({ kind: 'past', duration: dur(amount, unit), span });
export const next = (amount: number, unit: DurationUnit): EventWindow => ({ kind: 'next', duration: dur(amount, unit), span });
export const sinceEntry = (): EventWindow => ({ kind: 'since_entry', span });

export function agg(
  fn: AggregateFn,
  event: string,
  options: { property?: string; where?: Expr; window?: EventWindow; field?: string } = {},
): AggregateExpr {
  return { kind: 'aggregate', fn, event, eventSpan: span, span, ...options };
}
