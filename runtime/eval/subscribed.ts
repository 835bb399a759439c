/**
 * `subscribed("topic")` in the evaluator, with the meaning of compiler/contract/subscriptions.ts
 * (the SQL backend's in compiler/sql/subscribed.ts, and what the delivery gates apply): none of
 * the customer's subscription rows or unsubscribe events up to as_of says they left all marketing
 * email or the topic. A context without `subscriptions` is a customer with no rows (a preview
 * of sample data); loaders that read the database fill it in (runtime/recipient/subscriptions.ts).
 */
import { UNSUBSCRIBE_EVENT } from '../../compiler/contract/subscriptions.ts';
import { own } from '../../compiler/contract/core/own.ts';
import { eventsOfType, type EvalContext } from './context.ts';

export function isSubscribed(ctx: EvalContext, topic: string): boolean {
  const rows = ctx.subscriptions;
  if (rows?.unsubscribedAt !== undefined && rows.unsubscribedAt <= ctx.asOf) return false;
  const leftAt = own(rows?.topicsLeft, topic);
  if (leftAt !== undefined && leftAt <= ctx.asOf) return false;
  const liftedAt = rows?.liftedAt !== undefined && rows.liftedAt <= ctx.asOf ? rows.liftedAt : -Infinity;
  for (const e of eventsOfType(ctx, UNSUBSCRIBE_EVENT)) {
    // An unsubscribe with a topic left only that topic (the opt-out rows record it).
    if (e.at <= ctx.asOf && e.at > liftedAt && (e.topic === null || e.topic === undefined)) return false;
  }
  return true;
}
