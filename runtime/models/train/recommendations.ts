import type { ModelJobSpec } from '../../../compiler/contract/model-job.ts';
import type { ModelArtifact } from '../artifact.ts';
import type { FeatureSource } from '../features/source.ts';
import { rankingMetrics } from '../metrics.ts';
import { fail, problem, type ModelProblem } from '../problems.ts';
import { hashUniform } from '../rng.ts';
import { fitRecommender, RecommenderScorer, type RecommenderModel } from '../recommend/model.ts';
import type { Interaction } from '../recommend/data.ts';

export interface RecommendationsResult {
  artifact: ModelArtifact;
  metrics: Record<string, number>;
  baseline: { name: string; metrics: Record<string, number> };
  problems: ModelProblem[];
  rows: { train: number; holdout: number };
}

/** The default window after the cut-off whose interactions are the ground truth. */
export const DEFAULT_WINDOW_MS = 30 * 86_400_000;

/** `evaluation.window`, else the label's look-ahead, else 30 days. */
export function recommendationWindowMs(spec: ModelJobSpec): number {
  return spec.evaluation.windowMs ?? (spec.label?.horizonMs || DEFAULT_WINDOW_MS);
}

/**
 * Time split with held-out customers: the recommender learns from the other customers'
 * interactions up to the cut-off, and is judged on what each held-out customer interacted with in
 * the window after it (given their own history up to the cut-off), beside popularity on the same
 * customers.
 * The stored model is then refitted on everything up to `asOf`, so scoring uses all the data.
 */
export async function trainRecommendations(spec: ModelJobSpec, source: FeatureSource, cutoff: Date, asOf: Date): Promise<RecommendationsResult> {
  const r = spec.recommendations!;
  const windowMs = recommendationWindowMs(spec);
  const isHoldout = (customer: string) => hashUniform(customer, spec.training.seed) < spec.evaluation.holdout;
  const past = await source.interactions(r.interactions, r.itemProperty, cutoff);
  const future = await source.interactions(r.interactions, r.itemProperty, new Date(cutoff.getTime() + windowMs), cutoff);
  const items = await source.items();
  if (past.length === 0) {
    fail(spec.name, 'HL582', `model ${spec.name} found no ${Object.keys(r.interactions).join('/')} events with ${r.itemProperty} before the cut-off ${cutoff.toISOString()}`);
  }
  const opts = {
    weights: r.weights,
    itemFeatures: r.itemFeatures,
    factors: spec.training.factors,
    iterations: spec.training.epochs,
    lambda: spec.training.l2,
    seed: spec.training.seed,
  };
  // Held-out customers take no part in fitting: their past is only the history they are scored from.
  const fitted = past.filter((i) => !isHoldout(i.customerId));
  const evalModel = fitRecommender(fitted, items, opts);
  const scorer = new RecommenderScorer(evalModel);
  const pastByCustomer = groupBy(past);
  const truth = new Map<string, Set<string>>();
  for (const [customer, list] of groupBy(future)) {
    if (!isHoldout(customer)) continue;
    const seen = new Set((pastByCustomer.get(customer) ?? []).map((i) => i.itemId));
    const relevant = new Set(list.map((i) => i.itemId).filter((id) => !(r.excludeSeen && seen.has(id))));
    if (relevant.size > 0) truth.set(customer, relevant);
  }
  if (truth.size === 0) {
    fail(
      spec.name,
      'HL570',
      `no held-out customer of model ${spec.name} interacted with a new item in the ${windowMs / 86_400_000} days after the cut-off`,
      'load more data, raise evaluation.holdout, or move evaluation.cutoff earlier',
    );
  }
  const lists = new Map<string, string[]>();
  const popular = new Map<string, string[]>();
  for (const customer of truth.keys()) {
    const history = scorer.history(pastByCustomer.get(customer) ?? []);
    lists.set(customer, scorer.recommend(history, r.k, r.excludeSeen).map((x) => x.itemId));
    popular.set(customer, scorer.popular(history, r.k, r.excludeSeen).map((x) => x.itemId));
  }
  const m = rankingMetrics(lists, truth, r.k);
  const b = rankingMetrics(popular, truth, r.k);
  const coldCustomers = [...truth.keys()].filter((c) => !pastByCustomer.has(c)).length;
  const finalModel: RecommenderModel = fitRecommender(await source.interactions(r.interactions, r.itemProperty, asOf), items, opts);
  const problems: ModelProblem[] = [];
  const touched = new Set(past.map((i) => i.itemId));
  const untouched = items.filter((i) => !touched.has(i.id)).length;
  if (untouched > 0 || coldCustomers > 0) {
    problems.push(
      problem(
        spec.name,
        'HL583',
        'info',
        `${coldCustomers} evaluated customers had no interactions (they get popular items); ${untouched} catalog items had none${r.weights.content ? ' (recommendable through content similarity)' : ''}`,
      ),
    );
  }
  return {
    artifact: { features: [], model: finalModel },
    metrics: { precision_at_k: m.precision_at_k, recall_at_k: m.recall_at_k, ndcg_at_k: m.ndcg_at_k, k: r.k, customers: m.customers },
    baseline: { name: 'popularity', metrics: { precision_at_k: b.precision_at_k, recall_at_k: b.recall_at_k, ndcg_at_k: b.ndcg_at_k } },
    problems,
    rows: { train: new Set(fitted.map((i) => i.customerId)).size, holdout: truth.size },
  };
}

function groupBy(list: readonly Interaction[]): Map<string, Interaction[]> {
  const out = new Map<string, Interaction[]>();
  for (const it of list) {
    let l = out.get(it.customerId);
    if (!l) out.set(it.customerId, (l = []));
    l.push(it);
  }
  return out;
}
