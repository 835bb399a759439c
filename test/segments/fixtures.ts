import type { CompiledQuery, CompiledSegment, CompiledTrait, SqlParameter } from '../../compiler/contract/compiled-sql.ts';
import type { DataModel } from '../../compiler/contract/data-model.ts';
import type { Dialect } from '../../runtime/db/database.ts';
import type { RuntimeSegment, RuntimeTrait } from '../../runtime/manifest.ts';

/**
 * Hand-built compiled blocks (what the compiler's segment/trait emitters produce) for runtime tests
 * that must not depend on the compiler: SQL written once with `?` placeholders, renumbered to `$n`
 * for PostgreSQL.
 */
export const DAY = 86_400_000;
export const T0 = Date.UTC(2026, 0, 1);

export const dataModel: DataModel = {
  customers: {
    mergeByEmail: false,
    fields: {
      email: { type: 'email', pii: true },
      first_name: { type: 'string', pii: true },
      country: { type: 'string' },
      email_consent: { type: 'boolean' },
    },
  },
  events: { purchase: { amount: { type: 'number' } } },
  items: { fields: {} },
};

function perDialect(text: string, parameters: SqlParameter[]): Record<Dialect, CompiledQuery> {
  let n = 0;
  return { sqlite: { sql: text, parameters }, postgres: { sql: text.replace(/\?/g, () => `$${++n}`), parameters } };
}

const AS_OF: SqlParameter = { name: 'as_of' };

/** `country = <country> and exists(purchase within <days>d)`. */
export function recentBuyers(name: string, country: string, days: number): RuntimeSegment {
  const compiled: CompiledSegment = {
    sql: perDialect(
      `select c.id as customer_id from customers c where c.country = ? and exists (select 1 from events e ` +
        `where e.customer_id = c.id and e.type = 'purchase' and e.at <= cast(? as bigint) and e.at >= cast(? as bigint) - ${days * DAY})`,
      [{ value: country }, AS_OF, AS_OF],
    ),
    ast: { kind: 'boolean', value: true, span: { start: 0, end: 0 } },
    dependencies: [],
  };
  return runtime('Segment', name, compiled) as RuntimeSegment;
}

/** Trait `purchases`: count of purchases up to as_of, for every customer. */
export function purchasesTrait(): RuntimeTrait {
  const compiled: CompiledTrait = {
    sql: perDialect(
      `select c.id as customer_id, cast((select count(*) from events e where e.customer_id = c.id and e.type = 'purchase' ` +
        `and e.at <= cast(? as bigint)) as double precision) as value from customers c`,
      [AS_OF],
    ),
    table: 'trait_purchases',
    outputs: [{ name: 'value', type: 'number' }],
    plan: { kind: 'expression', name: 'purchases', expression: { kind: 'number', value: 0, span: { start: 0, end: 0 } }, type: 'number' },
    dependencies: [],
  };
  return runtime('Trait', 'purchases', compiled) as RuntimeTrait;
}

/** `purchases >= <n>` read from the trait table (so it needs traits materialized first). */
export function frequentBuyers(name: string, atLeast: number): RuntimeSegment {
  const compiled: CompiledSegment = {
    sql: perDialect(`select t.customer_id as customer_id from trait_purchases t where t.value >= cast(? as double precision)`, [
      { value: atLeast },
    ]),
    ast: { kind: 'boolean', value: true, span: { start: 0, end: 0 } },
    dependencies: ['Trait/purchases'],
  };
  return runtime('Segment', name, compiled) as RuntimeSegment;
}

function runtime(kind: 'Segment' | 'Trait', name: string, compiled: CompiledSegment | CompiledTrait) {
  return {
    name,
    compiled,
    definition: {
      kind,
      name,
      apiVersion: 'herald/v1',
      metadata: { name },
      spec: {},
      hash: 'sha256:0',
      file: `${name}.yaml`,
      dependsOn: [],
      dependents: [],
      compiled,
    },
  };
}
