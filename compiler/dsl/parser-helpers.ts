import type { IOrAlt, IToken, ManySepMethodOpts } from 'chevrotain';
import type { BinaryOp, DurationLiteral, EventWindow, Expr, Span } from '../contract/core/ast.ts';
import { Comma } from './tokens.ts';

/** Small pieces the grammar (parser.ts) builds nodes and alternatives with. */
export interface Name {
  name: string;
  span: Span;
}

export const tokenSpan = (t: IToken): Span => ({ start: t.startOffset, end: t.startOffset + t.image.length });
export const join = (a: Span, b: Span): Span => ({ start: a.start, end: b.end });
/**
 * Alternatives are built by these helpers rather than as `{ ALT: () => ... }` literals: a function
 * written as an object property gets a name at run time, and under the TypeScript loader
 * (esbuild's keepNames) naming it costs a defineProperty per closure per parse, which would
 * dominate parsing time. A function passed as an argument is not named.
 */
export function alt<T>(fn: () => T): IOrAlt<T> {
  return { ALT: fn };
}
export function gatedAlt<T>(gate: () => boolean, fn: () => T): IOrAlt<T> {
  return { GATE: gate, ALT: fn, IGNORE_AMBIGUITIES: true };
}
export function commaSeparated(fn: () => unknown): ManySepMethodOpts<unknown> {
  return { SEP: Comma, DEF: fn };
}

export const binary = (op: BinaryOp, left: Expr, right: Expr): Expr => ({
  kind: 'binary',
  op,
  left,
  right,
  span: join(left.span, right.span),
});

/** And/or chains up to this many operands are left-nested, as written; longer ones are balanced. */
export const LEFT_NESTED_CHAIN = 32;

/**
 * The tree of an `and`/`or` chain. Short chains nest to the left (`a and b and c` is
 * `(a and b) and c`); a long one (a generated rule of thousands of alternatives) is split in
 * balanced halves, so its depth grows with log2 of its length and the AST stays shallow enough for
 * JSON, structured cloning and recursive backends. Both operators are associative under the DSL's
 * two-valued logic, so the shape never changes the meaning; printRule() prints any shape flat.
 */
export function associate(op: 'and' | 'or', operands: readonly Expr[]): Expr {
  if (operands.length <= LEFT_NESTED_CHAIN) return operands.reduce((left, right) => binary(op, left, right));
  const middle = Math.ceil(operands.length / 2);
  return binary(op, associate(op, operands.slice(0, middle)), associate(op, operands.slice(middle)));
}

/** What follows the left operand of a comparison; withTail() makes the node. */
export type ComparisonTail =
  | { kind: 'compare'; op: BinaryOp; right: Expr }
  | { kind: 'in'; negated: boolean; list: Expr }
  | { kind: 'between'; negated: boolean; low: Expr; high: Expr }
  | { kind: 'is_null'; negated: boolean; end: Span }
  | { kind: 'match'; op: 'starts_with' | 'contains'; pattern: Expr };

export function withTail(value: Expr, tail: ComparisonTail): Expr {
  switch (tail.kind) {
    case 'compare':
      return binary(tail.op, value, tail.right);
    case 'in':
      return { kind: 'in', negated: tail.negated, value, list: tail.list, span: join(value.span, tail.list.span) };
    case 'between':
      return { kind: 'between', negated: tail.negated, value, low: tail.low, high: tail.high, span: join(value.span, tail.high.span) };
    case 'is_null':
      return { kind: 'is_null', negated: tail.negated, value, span: join(value.span, tail.end) };
    case 'match':
      return { kind: 'string_match', op: tail.op, value, pattern: tail.pattern, span: join(value.span, tail.pattern.span) };
  }
}

/** What follows `within`. */
export type WindowTail = { kind: 'past' | 'next'; duration: DurationLiteral } | { kind: 'since_entry'; token: IToken };

export function path(first: Name, rest: readonly Name[]): Expr {
  const end = rest.length > 0 ? rest[rest.length - 1]!.span : first.span;
  return { kind: 'path', segments: [first.name, ...rest.map((s) => s.name)], span: join(first.span, end) };
}

export function eventWindow(within: IToken, tail: WindowTail): EventWindow {
  const start: Span = tokenSpan(within);
  if (tail.kind === 'since_entry') return { kind: 'since_entry', span: join(start, tokenSpan(tail.token)) };
  return { kind: tail.kind, duration: tail.duration, span: join(start, tail.duration.span) };
}
