import type { Executor } from '../../db/database.ts';

/** What the models wrote for a customer: what `score(model)` and `tier(model)` read. */
export interface CustomerModelOutputs {
  /** By model: the active version's score (propensity: a probability; regression: a number). */
  scores: Record<string, number>;
  /** By model: the tier, or the cluster name of a clusters model. */
  tiers: Record<string, string>;
}

/**
 * Each customer's scores and tiers from model_scores (as the last `herald score` wrote them), for
 * the JavaScript evaluator's `scores`/`tiers` and the render context. One query for all the ids; a
 * customer no model scored is absent from the map.
 */
export async function modelOutputsByCustomer(db: Executor, ids: readonly string[]): Promise<Map<string, CustomerModelOutputs>> {
  const out = new Map<string, CustomerModelOutputs>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('model_scores')
    .select(['customer_id', 'model', 'score', 'tier'])
    .where('customer_id', 'in', [...ids])
    .orderBy('model')
    .execute();
  for (const r of rows) {
    const id = String(r.customer_id);
    const entry = out.get(id) ?? { scores: {}, tiers: {} };
    // PostgreSQL may hand doubles back as text; a score that is no number is left out.
    if (r.score !== null && r.score !== undefined && Number.isFinite(Number(r.score))) entry.scores[String(r.model)] = Number(r.score);
    if (r.tier !== null && r.tier !== undefined) entry.tiers[String(r.model)] = String(r.tier);
    out.set(id, entry);
  }
  return out;
}
