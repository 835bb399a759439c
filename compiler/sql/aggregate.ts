/**
 * Event aggregates as correlated subqueries keyed by customer_id (served by the events index on
 * (customer_id, type, at), and unchanged on a distributed PostgreSQL sharded by customer_id).
 *
 * Meaning (shared with the JavaScript evaluator):
 * - only events with `at <= as_of` exist; `within 30d` is `as_of - 30d <= at <= as_of`;
 *   `within next 90d` is `as_of < at <= as_of + 90d`;
 * - count of no events is 0, exists is false, sum of no events (or of only missing values) is 0;
 *   avg/min/max of no values is missing; missing property values are skipped;
 * - first/last pick the event with the smallest/largest (at, id): the event id breaks ties so the
 *   choice is deterministic.
 */
import { sql, type RawBuilder } from 'kysely';
import type { AggregateExpr } from '../types/ast.ts';
import { durationMs, eventPropertyType } from '../types/rule-paths.ts';
import { asOf, freshAlias, type SqlContext } from './context.ts';
import { compilePredicate, type Compiled } from './expr.ts';

type Sql = RawBuilder<unknown>;

export function compileAggregate(expr: AggregateExpr, ctx: SqlContext): Compiled {
  const e = freshAlias(ctx, 'e');
  const d = ctx.dialect;
  const schema = ctx.options.schema;
  const at = sql.id(e, 'at');
  const conditions: Sql[] = [
    sql`${sql.id(e, 'customer_id')} = ${sql.id(ctx.customerAlias, 'id')}`,
    sql`${sql.id(e, 'type')} = ${d.string(expr.event)}`,
  ];
  const window = expr.window;
  if (!window) conditions.push(sql`${at} <= ${asOf(ctx)}`);
  else if (window.kind === 'past') {
    const ms = durationMs(window.duration.amount, window.duration.unit);
    conditions.push(sql`${at} >= ${asOf(ctx)} - ${d.millis(ms)}`, sql`${at} <= ${asOf(ctx)}`);
  } else if (window.kind === 'next') {
    const ms = durationMs(window.duration.amount, window.duration.unit);
    conditions.push(sql`${at} > ${asOf(ctx)}`, sql`${at} <= ${asOf(ctx)} + ${d.millis(ms)}`);
  } else {
    throw new Error('`within since_entry` is evaluated by the journey runtime, not compiled to SQL');
  }
  if (expr.where) {
    const inner: SqlContext = { ...ctx, scope: { kind: 'event', event: expr.event }, eventAlias: e };
    conditions.push(compilePredicate(expr.where, inner));
  }
  const from = sql`from ${sql.id('events')} as ${sql.id(e)} where ${sql.join(conditions, sql` and `)}`;

  const propertyOf = (name: string | undefined, what: string): { ref: Sql; type: ReturnType<typeof eventPropertyType> } => {
    if (!name) throw new Error(`${expr.fn}(${expr.event}) needs ${what}`);
    const type = eventPropertyType(schema, expr.event, name);
    if (!type) throw new Error(`\`${name}\` is not a property of event \`${expr.event}\``);
    return { ref: sql.id(e, name), type };
  };

  switch (expr.fn) {
    case 'count':
      return { sql: sql`(select count(*) ${from})`, predicate: false, type: 'number' };
    case 'exists':
      return { sql: sql`exists (select 1 ${from})`, predicate: true, type: 'boolean' };
    case 'sum': {
      const p = propertyOf(expr.property, 'a property (`purchase.amount`)');
      return { sql: sql`coalesce((select sum(${d.toDouble(p.ref)}) ${from}), 0)`, predicate: false, type: 'number' };
    }
    case 'avg': {
      const p = propertyOf(expr.property, 'a property (`purchase.amount`)');
      return { sql: sql`(select avg(${d.toDouble(p.ref)}) ${from})`, predicate: false, type: 'number' };
    }
    case 'min':
    case 'max': {
      const p = propertyOf(expr.property ?? 'at', 'a property');
      if (p.type === 'boolean') throw new Error(`${expr.fn}() of a boolean property is not supported`);
      const operand = p.type === 'string' ? d.ordered(p.ref) : p.ref;
      const fn = expr.fn === 'min' ? sql`min` : sql`max`;
      return { sql: sql`(select ${fn}(${operand}) ${from})`, predicate: false, type: p.type! };
    }
    case 'first':
    case 'last': {
      const p = propertyOf(expr.field ?? 'at', 'a field (`.at`)');
      const dir = expr.fn === 'first' ? sql`asc` : sql`desc`;
      const order = sql`order by ${at} ${dir}, ${d.ordered(sql.id(e, 'id'))} ${dir} limit 1`;
      return { sql: sql`(select ${p.ref} ${from} ${order})`, predicate: false, type: p.type! };
    }
  }
}
