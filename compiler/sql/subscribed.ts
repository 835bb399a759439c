/**
 * `subscribed("topic")` in SQL, with the meaning of compiler/contract/subscriptions.ts (the one the
 * delivery gates apply when a send goes out, and the evaluator's in runtime/eval/subscribed.ts):
 * none of the customer's rows up to as_of says they left all marketing email or the topic. Every
 * lookup is keyed by the customer id (the tables' primary keys and the events index), so the
 * predicate costs a few index probes per customer and never scans a table.
 */
import { sql, type RawBuilder } from 'kysely';
import type { CallExpr } from '../contract/core/ast.ts';
import { nameArgument } from '../contract/core/name-argument.ts';
import {
  LIFTED_REASON,
  SUPPRESSIONS_TABLE,
  TOPIC_OPTOUTS_TABLE,
  UNSUBSCRIBE_EVENT,
  UNSUBSCRIBED_REASON,
} from '../contract/subscriptions.ts';
import { asOf, freshAlias, type SqlContext } from './context.ts';
import type { Compiled } from './expr.ts';

type Sql = RawBuilder<unknown>;

export function subscribed(expr: CallExpr, ctx: SqlContext): Compiled {
  const topic = nameArgument(expr.args[0]);
  if (topic === undefined) throw new Error('subscribed() takes a topic name');
  const d = ctx.dialect;
  const customer = sql.id(ctx.customerAlias, 'id');
  const listed = (alias: string, reason: string, extra?: Sql): Sql =>
    sql`select 1 from ${sql.id(SUPPRESSIONS_TABLE)} as ${sql.id(alias)} where ${sql.id(alias, 'customer_id')} = ${customer} and ${sql.id(alias, 'reason')} = ${d.string(reason)} and ${sql.id(alias, 'at')} <= ${asOf(ctx)}${extra ?? sql``}`;

  const u = freshAlias(ctx, 'u');
  const o = freshAlias(ctx, 'o');
  const left: Sql[] = [
    listed(u, UNSUBSCRIBED_REASON),
    sql`select 1 from ${sql.id(TOPIC_OPTOUTS_TABLE)} as ${sql.id(o)} where ${sql.id(o, 'customer_id')} = ${customer} and ${sql.id(o, 'topic')} = ${d.string(topic)} and ${sql.id(o, 'at')} <= ${asOf(ctx)}`,
  ];
  const unsubscribes = ctx.options.schema.dataModel.events[UNSUBSCRIBE_EVENT];
  if (unsubscribes) {
    // An unsubscribe event counts unless a re-subscription (the `lifted` row) came at or after it;
    // one with a topic left only that topic, which the opt-out rows record.
    const e = freshAlias(ctx, 'e');
    const l = freshAlias(ctx, 'l');
    const allEmail = unsubscribes.topic !== undefined ? sql` and ${sql.id(e, 'topic')} is null` : sql``;
    const lifted = listed(l, LIFTED_REASON, sql` and ${sql.id(e, 'at')} <= ${sql.id(l, 'at')}`);
    left.push(
      sql`select 1 from ${sql.id('events')} as ${sql.id(e)} where ${sql.id(e, 'customer_id')} = ${customer} and ${sql.id(e, 'type')} = ${d.string(UNSUBSCRIBE_EVENT)} and ${sql.id(e, 'at')} <= ${asOf(ctx)}${allEmail} and not exists (${lifted})`,
    );
  }
  return {
    sql: sql`(${sql.join(
      left.map((q) => sql`not exists (${q})`),
      sql` and `,
    )})`,
    predicate: true,
    type: 'boolean',
  };
}
