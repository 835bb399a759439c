/**
 * Customers' subscription rows for the rule evaluator's `subscribed("topic")`: the unsubscribe and
 * re-subscription rows of the suppression list and the topics left, read in a few queries per
 * batch. The meaning lives in compiler/contract/subscriptions.ts; the unsubscribe events the
 * evaluator also reads come with the customer's events.
 */
import type { Executor } from '../db/database.ts';
import {
  LIFTED_REASON,
  SUPPRESSIONS_TABLE,
  TOPIC_OPTOUTS_TABLE,
  UNSUBSCRIBED_REASON,
  type SubscriptionRows,
} from '../../compiler/contract/subscriptions.ts';
import { nameTable } from '../../compiler/contract/core/own.ts';

const CHUNK = 500;

/** Rows by customer id; a customer without rows has none in the map (subscribed to everything). */
export async function subscriptionRowsByCustomer(db: Executor, ids: readonly string[]): Promise<Map<string, SubscriptionRows>> {
  const out = new Map<string, SubscriptionRows>();
  const entry = (id: string): SubscriptionRows => {
    let rows = out.get(id);
    if (!rows) out.set(id, (rows = {}));
    return rows;
  };
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    const listed = await db
      .selectFrom(SUPPRESSIONS_TABLE)
      .select(['customer_id', 'reason', 'at'])
      .where('customer_id', 'in', part)
      .where('reason', 'in', [UNSUBSCRIBED_REASON, LIFTED_REASON])
      .execute();
    for (const r of listed) {
      const rows = entry(String(r.customer_id));
      if (r.reason === UNSUBSCRIBED_REASON) rows.unsubscribedAt = Number(r.at);
      else rows.liftedAt = Number(r.at);
    }
    const left = await db.selectFrom(TOPIC_OPTOUTS_TABLE).select(['customer_id', 'topic', 'at']).where('customer_id', 'in', part).execute();
    for (const r of left) {
      const rows = entry(String(r.customer_id));
      rows.topicsLeft = Object.assign(rows.topicsLeft ?? nameTable<number>(), { [String(r.topic)]: Number(r.at) });
    }
  }
  return out;
}
