import type { Executor } from '../../db/database.ts';

/** What the models wrote for one customer, as the render context wants it. */
export interface CustomerModelOutputs {
  /** By model: the active version's score (propensity: a probability; regression: a number). */
  scores: Record<string, number>;
  /** By model: the tier, or the cluster name of a clusters model. */
  tiers: Record<string, string>;
  /** By recommendations model: item ids, best first. */
  recommendations: Record<string, string[]>;
}

/**
 * One customer's scores, tiers and recommended item ids from the model store's tables
 * (model_scores, model_recommendations: the last `herald score` run), for the render context's
 * `scores`, `tiers` and `recommendations`. A model that has not scored the customer is absent.
 */
export async function customerModelOutputs(db: Executor, customerId: string, options: { limit?: number } = {}): Promise<CustomerModelOutputs> {
  const out: CustomerModelOutputs = { scores: {}, tiers: {}, recommendations: {} };
  const scores = await db.selectFrom('model_scores').select(['model', 'score', 'tier']).where('customer_id', '=', customerId).orderBy('model').execute();
  for (const r of scores) {
    const model = String(r.model);
    if (r.score !== null && r.score !== undefined && Number.isFinite(Number(r.score))) out.scores[model] = Number(r.score);
    if (r.tier !== null && r.tier !== undefined) out.tiers[model] = String(r.tier);
  }
  let q = db.selectFrom('model_recommendations').select(['model', 'item_id', 'rank']).where('customer_id', '=', customerId);
  if (options.limit !== undefined) q = q.where('rank', '<=', options.limit);
  for (const r of await q.orderBy('model').orderBy('rank').execute()) (out.recommendations[String(r.model)] ??= []).push(String(r.item_id));
  return out;
}
