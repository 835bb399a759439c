/**
 * The built-in `rfm` trait over the customers having at least one event of the type in the window
 * (`as_of - window <= at <= as_of`): `recency`, `frequency`, `monetary` (1..5, 5 best: most recent,
 * most frequent, highest spend), `score` (the three digits as text, e.g. "545") and `total` (their
 * sum, 3..15). Customers without such events get no row (all outputs missing).
 *
 * A dimension with fixed cut points [a, b, c, d] is binned directly (recency in fractional days
 * since the last event: <= a scores 5 ... > d scores 1; frequency and monetary: <= a scores 1 ...
 * > d scores 5). Otherwise it is scored by quintile: 1 + floor(5 * (rank - 1) / n), where rank is
 * SQL RANK() (1 + the number of customers with a strictly lower value) and n the customers scored.
 * Unlike NTILE, equal values always get equal scores (NTILE splits ties arbitrarily), and the
 * integer arithmetic is identical on both dialects and in runtime/eval/traits.ts. Recency ranks by
 * the last event's time, so more recent = higher. Monetary sums the amount (missing counts 0).
 */
import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { TraitPlan } from '../contract/compiled-sql.ts';
import { MS_PER_DAY } from '../contract/core/rule-paths.ts';
import { asOf, type SqlContext } from './context.ts';

type Sql = RawBuilder<unknown>;
type RfmPlan = Extract<TraitPlan, { kind: 'rfm' }>;

/** The rfm trait's output columns. */
export const RFM_OUTPUTS = ['recency', 'frequency', 'monetary', 'score', 'total'] as const;

export function rfmQuery(plan: RfmPlan, ctx: SqlContext): SelectQueryBuilder<any, any, any> {
  const d = ctx.dialect;
  const e = (column: string) => sql.id('e', column);
  const inWindow: Sql[] = [
    sql`${e('type')} = ${d.string(plan.event)}`,
    sql`${e('at')} >= ${asOf(ctx)} - ${d.millis(plan.windowMs)}`,
    sql`${e('at')} <= ${asOf(ctx)}`,
  ];
  const cuts = plan.cutPoints ?? {};
  const quintile = (column: string) => sql`1 + (5 * (rank() over (order by ${sql.id(column)}) - 1)) / count(*) over ()`;
  /** Bins by ascending cut points: value <= cuts[i] scores scores[i]; above all scores the last. */
  const binned = (value: Sql, points: number[], scores: number[]) =>
    sql`(case ${sql.join(
      points.map((p, i) => sql`when ${value} <= ${d.number(p)} then ${sql.lit(scores[i]!)}`),
      sql` `,
    )} else ${sql.lit(scores[points.length]!)} end)`;
  const days = sql`(${d.toDouble(sql`${asOf(ctx)} - ${sql.id('last_at')}`)} / ${sql.lit(MS_PER_DAY)})`;
  const recency = cuts.recency ? binned(days, cuts.recency, [5, 4, 3, 2, 1]) : quintile('last_at');
  const frequency = cuts.frequency ? binned(sql.id('event_count'), cuts.frequency, [1, 2, 3, 4, 5]) : quintile('event_count');
  const monetary = cuts.monetary ? binned(sql.id('amount_total'), cuts.monetary, [1, 2, 3, 4, 5]) : quintile('amount_total');
  const text = (column: string) => sql`cast(${sql.id(column)} as text)`;

  return d.kysely
    .with('rfm_base', (db) =>
      db
        .selectFrom(sql`${sql.id('events')}`.as('e'))
        // Only known customers are scored (the population the evaluator sees).
        .innerJoin(sql`${sql.id('customers')}`.as('c'), (join) =>
          join.on(sql`${sql.id('c', 'id')} = ${e('customer_id')}` as RawBuilder<any>),
        )
        .select([
          e('customer_id').as('customer_id'),
          sql`max(${e('at')})`.as('last_at'),
          sql`count(*)`.as('event_count'),
          sql`coalesce(sum(${d.toDouble(e(plan.amount))}), 0)`.as('amount_total'),
        ])
        .where(sql.join(inWindow, sql` and `) as RawBuilder<any>)
        .groupBy(e('customer_id')),
    )
    .with('rfm_scored', (db) =>
      db
        .selectFrom('rfm_base')
        .select([
          sql.id('customer_id').as('customer_id'),
          (recency as RawBuilder<any>).as('recency'),
          (frequency as RawBuilder<any>).as('frequency'),
          (monetary as RawBuilder<any>).as('monetary'),
        ]),
    )
    .selectFrom('rfm_scored')
    .select([
      sql.id('customer_id').as('customer_id'),
      sql.id('recency').as('recency'),
      sql.id('frequency').as('frequency'),
      sql.id('monetary').as('monetary'),
      sql`${text('recency')} || ${text('frequency')} || ${text('monetary')}`.as('score'),
      sql`${sql.id('recency')} + ${sql.id('frequency')} + ${sql.id('monetary')}`.as('total'),
    ])
    .orderBy(sql.id('customer_id'));
}
