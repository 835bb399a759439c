import type { ModelJobSpec } from '../../compiler/contract/model-job.ts';
import { initBackend } from './backend.ts';
import type { FeatureSource } from './features/source.ts';
import { binShares, psiFromShares } from './metrics.ts';
import { transform } from './preprocess.ts';
import { fail, problem, type ModelProblem } from './problems.ts';
import { RecommenderScorer, type RecommenderModel } from './recommend/model.ts';
import type { ModelStore, RecommendationRow, ScoreRow } from './store/types.ts';
import { assignTiers } from './tiers.ts';
import { renderDriftReport, type DriftBin } from './report/drift.ts';
import { predictDense, type DenseModel } from './train/dense.ts';
import { assign, type KMeansModel } from './train/kmeans.ts';
import { modelRunMessages } from '../../compiler/contract/messages/models-run.ts';

export interface ScoreOutcome {
  model: string;
  version: number;
  customers: number;
  /** Customers per tier (or per cluster name). */
  distribution: Record<string, number>;
  /** PSI of these scores against the training scores (propensity and regression). */
  psi?: number;
  /**
   * The drift report behind `psi`: per bin of the training scores' deciles, the share of training
   * rows and of the newest scores in it.
   */
  drift?: DriftBin[];
  /** The drift report's files (relative to the store root). */
  driftReport?: string[];
  recommendations?: number;
  problems: ModelProblem[];
}

/** PSI above which the score distribution is reported as drifted. */
export const DRIFT_PSI = 0.25;

/**
 * Scores the model's customers with its active version as of `asOf`: scores and tiers
 * (propensity, regression) and cluster ids (clusters) for every customer of its population with
 * an event by then, top-k items (recommendations, cold start included) for every customer;
 * written to the store. A model without an active version is an error that says to run `herald train`.
 */
export async function scoreModel(spec: ModelJobSpec, source: FeatureSource, store: ModelStore, asOf: Date): Promise<ScoreOutcome> {
  await initBackend();
  const active = await store.active(spec.name);
  if (!active) {
    const tried = (await store.versions(spec.name)).length;
    fail(
      spec.name,
      'HL572',
      modelRunMessages.HL572({ model: spec.name, triedVersions: tried }),
      `run \`herald train --model ${spec.name}\`${tried ? ' and read its report' : ''}`,
    );
  }
  const problems: ModelProblem[] = [];
  if (active.specHash !== spec.hash) {
    problems.push(
      problem(
        spec.name,
        'HL577',
        'warning',
        modelRunMessages.HL577({ model: spec.name, version: active.version, changedSince: true }),
        `run \`herald train --model ${spec.name}\``,
      ),
    );
  }
  const a = active.artifact;
  const base = { model: spec.name, version: active.version, problems };
  if (a.model.kind === 'recommender') {
    const r = spec.recommendations!;
    const snap = await source.snapshot(asOf, { label: false });
    const scorer = new RecommenderScorer(a.model as RecommenderModel);
    const byCustomer = new Map<string, Array<{ itemId: string; weight: number }>>();
    for (const it of await source.interactions(r.interactions, r.itemProperty, asOf)) {
      let l = byCustomer.get(it.customerId);
      if (!l) byCustomer.set(it.customerId, (l = []));
      l.push(it);
    }
    const rows: RecommendationRow[] = [];
    let cold = 0;
    for (const customerId of snap.customerIds) {
      const history = scorer.history(byCustomer.get(customerId) ?? []);
      if (history.size === 0) cold++;
      scorer
        .recommend(history, r.k, r.excludeSeen)
        .forEach((rec, i) => rows.push({ customerId, rank: i + 1, itemId: rec.itemId, score: rec.score }));
    }
    await store.writeRecommendations(spec.name, active.version, rows);
    return {
      ...base,
      customers: snap.customerIds.length,
      distribution: { with_history: snap.customerIds.length - cold, cold_start: cold },
      recommendations: rows.length,
    };
  }
  // The population the model was trained on: customers known by then (an event at or before
  // `asOf`). One with no events at all was never a training row, so it gets no score (score() is
  // missing for it) rather than the score of an average customer.
  const snap = await source.snapshot(asOf, { label: false, knownOnly: true });
  if (snap.names.join(',') !== a.features.join(',')) {
    fail(
      spec.name,
      'HL577',
      modelRunMessages.HL577({ model: spec.name, version: active.version, trainedOn: a.features, now: snap.names }),
      `run \`herald train --model ${spec.name}\``,
    );
  }
  const x = transform(a.preprocessor!, snap.x);
  const cols = a.preprocessor!.outputs.length;
  const rows: ScoreRow[] = [];
  const distribution: Record<string, number> = {};
  if (a.model.kind === 'kmeans') {
    const clusters = assign(a.model as KMeansModel, x);
    const names = spec.clusters?.names;
    for (let c = 0; c < (a.model as KMeansModel).k; c++) distribution[names?.[c] ?? `cluster_${c + 1}`] = 0; // in cluster order
    clusters.forEach((c, i) => {
      // The cluster's name doubles as its tier, so tier(model) in rules reads it.
      const name = names?.[c] ?? `cluster_${c + 1}`;
      rows.push({ customerId: snap.customerIds[i]!, score: null, tier: name, cluster: c + 1 });
      distribution[name] = (distribution[name] ?? 0) + 1;
    });
    await store.writeScores(spec.name, active.version, rows);
    return { ...base, customers: rows.length, distribution };
  }
  const scores = predictDense(a.model as DenseModel, x, cols);
  const tiers = assignTiers(scores, spec.tiers);
  for (const t of spec.tiers) distribution[t.name] = 0; // top tier first in the output
  scores.forEach((s, i) => {
    rows.push({ customerId: snap.customerIds[i]!, score: s, tier: tiers[i] ?? null, cluster: null });
    const key = tiers[i] ?? 'none';
    distribution[key] = (distribution[key] ?? 0) + 1;
  });
  await store.writeScores(spec.name, active.version, rows);
  if (!a.scoreDistribution || scores.length === 0) return { ...base, customers: rows.length, distribution };
  const { edges, shares } = a.scoreDistribution;
  const newest = binShares(scores, edges);
  const bins: DriftBin[] = shares.map((training, b) => ({ upTo: edges[b] ?? null, training, newest: newest[b]! }));
  const psi = psiFromShares(shares, newest);
  if (psi > DRIFT_PSI) {
    problems.push(
      problem(
        spec.name,
        'HL579',
        'warning',
        modelRunMessages.HL579({ model: spec.name, psi, limit: DRIFT_PSI }),
        `retrain with \`herald train --model ${spec.name}\``,
      ),
    );
  }
  const report = renderDriftReport({
    model: spec.name,
    version: active.version,
    asOf: asOf.toISOString(),
    customers: rows.length,
    psi,
    bins,
  });
  const driftReport = await store.writeReports(spec.name, active.version, report);
  return { ...base, customers: rows.length, distribution, psi, drift: bins, driftReport };
}
