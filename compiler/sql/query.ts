/**
 * Whole queries: a segment's member list and a trait's table contents, as of the `as_of`
 * parameter, compiled per dialect to SQL text plus parameter descriptors.
 */
import { sql, type Compilable, type RawBuilder } from 'kysely';
import type { Expr } from '../contract/core/ast.ts';
import type { CompiledQuery, SqlDialect, SqlParameter, TraitPlan } from '../contract/compiled-sql.ts';
import { AS_OF_MARKER, rootContext, type SqlCompileOptions, type SqlContext } from './context.ts';
import { DIALECTS, type DialectOps } from './dialect.ts';
import { compileFilter, compileValue } from './expr.ts';
import { rfmQuery } from './rfm.ts';

type Sql = RawBuilder<unknown>;

/** `select customer_id from customers where <rule>`: every member as of `as_of`. */
export function compileSegmentQuery(rule: Expr, dialect: SqlDialect, options: SqlCompileOptions): CompiledQuery {
  const d = DIALECTS[dialect];
  const ctx = rootContext(d, options);
  const where = compileFilter(rule, ctx);
  const query = fromCustomers(d, ctx)
    .select(sql.id('c', 'id').as('customer_id'))
    .where(where as RawBuilder<any>);
  return finish(query);
}

/** `from customers as c`, left-joined to the grouped aggregates the expressions asked for. */
function fromCustomers(d: DialectOps, ctx: SqlContext) {
  let query = d.kysely.selectFrom(sql`${sql.id('customers')}`.as('c'));
  for (const j of ctx.joins ?? []) {
    query = query.leftJoin(sql`(${j.query})`.as(j.alias), (join) =>
      join.on(sql`${sql.id(j.alias, 'customer_id')} = ${sql.id('c', 'id')}` as RawBuilder<any>),
    );
  }
  return query;
}

/** `select customer_id, <outputs>`: the rows of `trait_<name>` as of `as_of`. */
export function compileTraitQuery(plan: TraitPlan, dialect: SqlDialect, options: SqlCompileOptions): CompiledQuery {
  const d = DIALECTS[dialect];
  const ctx = rootContext(d, options);
  // The value is compiled before the query is assembled: compiling collects the aggregate joins.
  const perCustomer = (value: Sql) =>
    fromCustomers(d, ctx)
      .select([sql.id('c', 'id').as('customer_id'), (value as RawBuilder<any>).as('value')])
      .orderBy(sql.id('c', 'id'));
  switch (plan.kind) {
    case 'expression':
      return finish(perCustomer(compileValue(plan.expression, ctx)));
    case 'lifecycle': {
      // Ordered stages: the first that matches wins; otherwise `else` (or missing).
      const whens = plan.stages.map((s) => sql`when ${compileFilter(s.when, ctx)} then ${d.string(s.name)}`);
      const otherwise = plan.else == null ? sql`null` : d.string(plan.else);
      const value = whens.length === 0 ? otherwise : sql`(case ${sql.join(whens, sql` `)} else ${otherwise} end)`;
      return finish(perCustomer(value));
    }
    case 'rfm':
      return finish(rfmQuery(plan, ctx));
  }
}

/** Compiles with the dialect's Kysely instance and names the run-time parameters. */
export function finish(query: Compilable<unknown>): CompiledQuery {
  const compiled = query.compile();
  const parameters: SqlParameter[] = compiled.parameters.map((p) => {
    if (p === AS_OF_MARKER) return { name: 'as_of' };
    if (p === null || typeof p === 'string' || typeof p === 'number' || typeof p === 'boolean') return { value: p };
    throw new Error(`internal: unexpected SQL parameter ${String(p)}`);
  });
  return { sql: compiled.sql, parameters };
}
