/**
 * `days_since(t) <op> N` with a literal N, compiled as a comparison of `t` itself with a bound
 * instant: `days_since(signup_at) <= 30` becomes `signup_at >= as_of - 2592000000`. The column is
 * then compared as it is stored (no per-row cast and division, and an index on it can be used),
 * which is what a person writing the SQL by hand would do.
 *
 * The meaning stays exactly that of the evaluator, which computes the fractional days
 * q = (as_of - t) / 86400000 in floating point and compares q with N. t is stored as whole
 * milliseconds, so x = as_of - t is an integer and q = fl(x / D) never decreases as x grows: the
 * x for which the comparison holds are all the integers up to a boundary K (or all above it). K is
 * found here with the very floating-point division SQL and the evaluator use, and checked on both
 * sides; when the check cannot be made (N too large, not a plain number) the rule is compiled as
 * written instead.
 */
import { sql } from 'kysely';
import type { BinaryExpr, Expr } from '../contract/core/ast.ts';
import { MS_PER_DAY, resolvePath } from '../contract/core/rule-paths.ts';
import { asOf, type SqlContext } from './context.ts';
import type { Compiled } from './expr.ts';

type Ordering = '<' | '<=' | '>' | '>=';

const MIRRORED: Record<Ordering, Ordering> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

export interface DaysSinceBound {
  /** The timestamp inside `days_since(...)`: a stored column read as whole milliseconds. */
  instant: Expr;
  /** The comparison on the instant, and the bound instant `as_of - K` it is compared with. */
  op: '>=' | '<';
  boundMs: number;
}

/**
 * The rewrite of `expr` when it is `days_since(column) <op> number` (either way round) and the
 * boundary can be proven; undefined otherwise.
 */
export function daysSinceBound(expr: BinaryExpr, ctx: SqlContext): DaysSinceBound | undefined {
  if (!(expr.op in MIRRORED)) return undefined;
  let op = expr.op as Ordering;
  let call = expr.left;
  let limit = literalNumber(expr.right);
  if (!isDaysSince(call)) {
    call = expr.right;
    limit = literalNumber(expr.left);
    op = MIRRORED[op];
  }
  if (!isDaysSince(call) || limit === undefined) return undefined;
  const instant = call.args[0]!;
  if (!isStoredInstant(instant, ctx)) return undefined;
  // q <= N and q > N split at the last x with q <= N; q < N and q >= N at the last x with q < N.
  const holds = op === '<=' || op === '>' ? (q: number) => q <= limit : (q: number) => q < limit;
  const k = lastHolding(holds, limit);
  if (k === undefined) return undefined;
  // x <= K  <=>  as_of - t <= K  <=>  t >= as_of - K
  return { instant, op: op === '<=' || op === '<' ? '>=' : '<', boundMs: k };
}

/** The bound instant `as_of - K` as SQL. */
export function boundInstant(bound: DaysSinceBound, ctx: SqlContext): Compiled {
  return { sql: sql`(${asOf(ctx)} - ${ctx.dialect.millis(bound.boundMs)})`, predicate: false, type: 'timestamp' };
}

function isDaysSince(expr: Expr): expr is Extract<Expr, { kind: 'call' }> {
  return expr.kind === 'call' && expr.name === 'days_since' && expr.args.length === 1;
}

function literalNumber(expr: Expr): number | undefined {
  if (expr.kind === 'number') return expr.value;
  if (expr.kind === 'unary' && expr.op === '-' && expr.operand.kind === 'number') return -expr.operand.value;
  return undefined;
}

/** A customer timestamp field or an event's `at`: values stored as whole epoch milliseconds. */
function isStoredInstant(expr: Expr, ctx: SqlContext): boolean {
  if (expr.kind !== 'path') return false;
  try {
    const resolved = resolvePath(expr.segments, ctx.scope, ctx.options.schema);
    return (resolved.kind === 'customer' || resolved.kind === 'event') && resolved.type === 'timestamp';
  } catch {
    return false;
  }
}

/**
 * The largest integer x for which `holds(fl(x / D))`, searched next to N * D. Since fl(x / D) is
 * monotonic in x and `holds` is "q below a limit", the x that hold form a prefix of the integers;
 * the boundary is accepted only if it is seen (x holds, x + 1 does not) within a few steps.
 */
function lastHolding(holds: (q: number) => boolean, limit: number): number | undefined {
  const guess = Math.round(limit * MS_PER_DAY);
  if (!Number.isFinite(limit) || !Number.isSafeInteger(guess) || Math.abs(guess) > 2 ** 51) return undefined;
  for (let x = guess - 3; x <= guess + 3; x++) {
    if (holds(x / MS_PER_DAY) && !holds((x + 1) / MS_PER_DAY)) return x;
  }
  return undefined;
}
