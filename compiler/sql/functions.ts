/**
 * Rule functions in SQL. Each has the same meaning as in the JavaScript evaluator
 * (runtime/eval/functions.ts): a missing argument gives a missing result unless said otherwise.
 */
import { sql, type RawBuilder } from 'kysely';
import type { CallExpr } from '../contract/core/ast.ts';
import { MS_PER_DAY } from '../contract/core/rule-paths.ts';
import { asOf, freshAlias, type SqlContext } from './context.ts';
import { compileExpr, compileFilter, compilePredicate, compileValue, type Compiled } from './expr.ts';
import { typeOf } from './types.ts';
import { subscribed } from './subscribed.ts';

type Sql = RawBuilder<unknown>;

export function compileCall(expr: CallExpr, ctx: SqlContext, filter = false): Compiled {
  const d = ctx.dialect;
  const args = expr.args;
  const type = () => typeOf(expr, ctx.scope, ctx.options.schema);
  const value = (s: Sql): Compiled => ({ sql: s, predicate: false, type: type() });
  switch (expr.name) {
    case 'days_since':
      // Fractional days: (as_of - t) / 86400000 in floating point, as in the evaluator.
      return value(sql`(${d.toDouble(sql`${asOf(ctx)} - ${compileValue(args[0]!, ctx)}`)} / ${sql.lit(MS_PER_DAY)})`);
    case 'lower':
      return value(d.lower(compileValue(args[0]!, ctx)));
    case 'upper':
      return value(d.upper(compileValue(args[0]!, ctx)));
    case 'abs':
      return value(sql`abs(${compileValue(args[0]!, ctx)})`);
    case 'round':
      return value(
        roundHalfAwayFromZero(
          args.map((a) => compileValue(a, ctx)),
          ctx,
        ),
      );
    case 'coalesce':
      return value(sql`coalesce(${sql.join(args.map((a) => compileValue(a, ctx)))})`);
    case 'if': {
      const [c, a, b] = args;
      const then = compileExpr(a!, ctx);
      const otherwise = compileExpr(b!, ctx);
      const result = sql`(case when ${compileFilter(c!, ctx)} then ${paren(then)} else ${paren(otherwise)} end)`;
      // Both branches predicates: the result is one too (never missing).
      return { sql: result, predicate: then.predicate && otherwise.predicate, type: type() };
    }
    case 'in_segment':
      return inSegment(expr, ctx, filter);
    case 'score':
    case 'tier':
      return value(modelOutput(expr, ctx));
    case 'subscribed':
      return subscribed(expr, ctx);
    default:
      throw new Error(`unknown function \`${expr.name}\``);
  }
}

/**
 * `score(model)` / `tier(model)`: the active version's output for the customer, read from the
 * `model_scores(model, customer_id, score, tier)` table the model runtime writes (one row per
 * model and customer); missing when the customer has no score.
 */
function modelOutput(expr: CallExpr, ctx: SqlContext): Sql {
  const arg = expr.args[0];
  const model = arg?.kind === 'path' ? arg.segments.join('.') : arg?.kind === 'string' ? arg.value : undefined;
  if (!model) throw new Error(`${expr.name}() takes a model name`);
  const s = freshAlias(ctx, 's');
  const column = expr.name === 'score' ? 'score' : 'tier';
  return sql`(select ${sql.id(s, column)} from ${sql.id('model_scores')} as ${sql.id(s)} where ${sql.id(s, 'model')} = ${ctx.dialect.string(model)} and ${sql.id(s, 'customer_id')} = ${sql.id(ctx.customerAlias, 'id')})`;
}

function paren(c: Compiled): Sql {
  return c.predicate ? sql`(${c.sql})` : c.sql;
}

/**
 * `round(x)` / `round(x, digits)`: halves round away from zero. SQLite's round() and PostgreSQL's
 * (banker's rounding on doubles) disagree, so both dialects spell out the same formula as the
 * evaluator: sign(x) * floor(|x| * 10^d + 0.5) / 10^d.
 */
function roundHalfAwayFromZero(args: Sql[], ctx: SqlContext): Sql {
  const [x, digits] = args;
  const abs = sql`abs(${ctx.dialect.toDouble(x!)})`;
  const magnitude = digits ? sql`(floor(${abs} * power(10, ${digits}) + 0.5) / power(10, ${digits}))` : sql`floor(${abs} + 0.5)`;
  return sql`(case when ${x!} < 0 then - ${magnitude} else ${magnitude} end)`;
}

/**
 * `in_segment(x)`: the customer is in x's own query (x's rule inlined as a subquery keyed by
 * customer id), so a segment query never depends on stored memberships and is right for any as_of.
 */
function inSegment(expr: CallExpr, ctx: SqlContext, filter: boolean): Compiled {
  const arg = expr.args[0];
  const name = arg?.kind === 'path' ? arg.segments.join('.') : arg?.kind === 'string' ? arg.value : undefined;
  if (!name) throw new Error('in_segment() takes a segment name');
  if (ctx.inlining.includes(name)) throw new Error(`segments depend on each other in a cycle: ${[...ctx.inlining, name].join(' -> ')}`);
  const rule = ctx.options.segmentRule?.(name);
  if (!rule) throw new Error(`unknown segment \`${name}\``);
  // The other segment's rule, inlined for the same customer row: its aggregates join the current
  // query like the rule's own, so `in_segment(s) and x` costs what writing s's rule there would.
  const inner: SqlContext = { ...ctx, scope: { kind: 'customer' }, eventAlias: undefined, inlining: [...ctx.inlining, name] };
  return { sql: sql`(${(filter ? compileFilter : compilePredicate)(rule, inner)})`, predicate: true, type: 'boolean' };
}
