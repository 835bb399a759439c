/**
 * Event aggregates, always keyed by customer_id (served by the events index on (customer_id, type,
 * at), and unchanged on a distributed PostgreSQL sharded by customer_id).
 *
 * Meaning (shared with the JavaScript evaluator):
 * - only events with `at <= as_of` exist; `within 30d` is `as_of - 30d <= at <= as_of`;
 *   `within next 90d` is `as_of < at <= as_of + 90d`;
 * - count of no events is 0, exists is false, sum of no events (or of only missing values) is 0;
 *   avg/min/max of no values is missing; missing property values are skipped;
 * - first/last pick the event with the smallest/largest (at, id): the event id breaks ties so the
 *   choice is deterministic.
 *
 * Two shapes with that meaning, per dialect (DialectOps.groupedAggregates): a correlated subquery
 * per customer, or a derived table grouped by customer_id left-joined to the customers row.
 * `exists` is a correlated EXISTS in both: PostgreSQL turns it into a semi-join (an anti-join under
 * `not`) by itself, which beats grouping every matching event first.
 */
import { sql, type RawBuilder } from 'kysely';
import type { AggregateExpr } from '../contract/core/ast.ts';
import { durationMs, eventPropertyType } from '../contract/core/rule-paths.ts';
import { asOf, freshAlias, type SqlContext } from './context.ts';
import { compileFilter, type Compiled } from './expr.ts';
import type { RuleValueType } from '../contract/compiled-sql.ts';

type Sql = RawBuilder<unknown>;

export function compileAggregate(expr: AggregateExpr, ctx: SqlContext): Compiled {
  const e = freshAlias(ctx, 'e');
  const d = ctx.dialect;
  const schema = ctx.options.schema;
  const at = sql.id(e, 'at');
  const grouped = ctx.joins !== undefined && ctx.scope.kind === 'customer';
  const conditions: Sql[] = [sql`${sql.id(e, 'type')} = ${d.string(expr.event)}`];
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
    const inner: SqlContext = { ...ctx, scope: { kind: 'event', event: expr.event }, eventAlias: e, joins: undefined };
    conditions.push(compileFilter(expr.where, inner));
  }
  // Correlated: this customer's events; grouped: everyone's, grouped by customer_id below.
  const thisCustomer = sql`${sql.id(e, 'customer_id')} = ${sql.id(ctx.customerAlias, 'id')}`;
  const correlated = sql`from ${sql.id('events')} as ${sql.id(e)} where ${sql.join([thisCustomer, ...conditions], sql` and `)}`;
  const from = grouped ? sql`from ${sql.id('events')} as ${sql.id(e)} where ${sql.join(conditions, sql` and `)}` : correlated;

  const propertyOf = (name: string | undefined, what: string): { ref: Sql; type: RuleValueType } => {
    if (!name) throw new Error(`${expr.fn}(${expr.event}) needs ${what}`);
    const type = eventPropertyType(schema, expr.event, name);
    if (!type) throw new Error(`\`${name}\` is not a property of event \`${expr.event}\``);
    return { ref: sql.id(e, name), type };
  };

  /** One aggregate value per customer: a correlated scalar subquery, or a grouped join. */
  const perCustomer = (aggregate: Sql, type: RuleValueType, whenNone?: Sql): Compiled => {
    if (!grouped) {
      const sub = sql`(select ${aggregate} ${from})`;
      return { sql: whenNone ? sql`coalesce(${sub}, ${whenNone})` : sub, predicate: false, type };
    }
    const a = join(
      ctx,
      sql`select ${sql.id(e, 'customer_id')} as ${sql.id('customer_id')}, ${aggregate} as ${sql.id('v')} ${from} group by ${sql.id(e, 'customer_id')}`,
    );
    const v = sql.id(a, 'v');
    return { sql: whenNone ? sql`coalesce(${v}, ${whenNone})` : v, predicate: false, type };
  };

  switch (expr.fn) {
    case 'count':
      return perCustomer(sql`count(*)`, 'number', sql`0`);
    case 'exists':
      // A correlated EXISTS in both shapes: PostgreSQL plans it as a semi-join (an anti-join
      // under `not`), choosing hashing or the index by itself, and no grouping is needed.
      return { sql: sql`exists (select 1 ${correlated})`, predicate: true, type: 'boolean' };
    case 'sum': {
      const p = propertyOf(expr.property, 'a property (`purchase.amount`)');
      return perCustomer(sql`sum(${d.toDouble(p.ref)})`, 'number', sql`0`);
    }
    case 'avg': {
      const p = propertyOf(expr.property, 'a property (`purchase.amount`)');
      return perCustomer(sql`avg(${d.toDouble(p.ref)})`, 'number');
    }
    case 'min':
    case 'max': {
      const p = propertyOf(expr.property ?? 'at', 'a property');
      if (p.type === 'boolean') throw new Error(`${expr.fn}() of a boolean property is not supported`);
      const operand = p.type === 'string' ? d.ordered(p.ref) : p.ref;
      return perCustomer(expr.fn === 'min' ? sql`min(${operand})` : sql`max(${operand})`, p.type);
    }
    case 'first':
    case 'last': {
      const p = propertyOf(expr.field ?? 'at', 'a field (`.at`)');
      // The time of the first/last event is just min/max(at): no tie-break needed, and both
      // databases answer it straight from the (customer_id, type, at) index.
      if ((expr.field ?? 'at') === 'at') return perCustomer(expr.fn === 'first' ? sql`min(${at})` : sql`max(${at})`, p.type);
      const dir = expr.fn === 'first' ? sql`asc` : sql`desc`;
      const order = sql`${at} ${dir}, ${d.ordered(sql.id(e, 'id'))} ${dir}`;
      if (!grouped) return { sql: sql`(select ${p.ref} ${from} order by ${order} limit 1)`, predicate: false, type: p.type };
      // The first/last event per customer: row_number() over the same (at, id) order.
      const ranked = sql`select ${sql.id(e, 'customer_id')} as ${sql.id('customer_id')}, ${p.ref} as ${sql.id('v')}, row_number() over (partition by ${sql.id(e, 'customer_id')} order by ${order}) as ${sql.id('n')} ${from}`;
      const r = freshAlias(ctx, 'r');
      const a = join(
        ctx,
        sql`select ${sql.id(r, 'customer_id')}, ${sql.id(r, 'v')} from (${ranked}) as ${sql.id(r)} where ${sql.id(r, 'n')} = 1`,
      );
      return { sql: sql.id(a, 'v'), predicate: false, type: p.type };
    }
  }
}

/** Adds a grouped derived table to the current customer-level query; returns its alias. */
function join(ctx: SqlContext, query: Sql): string {
  const alias = freshAlias(ctx, 'a');
  ctx.joins!.push({ alias, query });
  return alias;
}
