import type { ModelJobSpec, Recommender } from '../../../compiler/contract/model-job.ts';
import type { ModelArtifact } from '../artifact.ts';
import { at, backtestMeans, summarizeBacktest, type Backtest, type Contender } from '../backtest/backtest.ts';
import { temporalFolds } from '../backtest/folds.ts';
import type { FeatureSource } from '../features/source.ts';
import { ndcgAtK, precisionAtK, recallAtK } from '../metrics.ts';
import { fail, problem, type ModelProblem } from '../problems.ts';
import { buildHistories, type Interaction, type ItemInfo } from '../recommend/data.ts';
import { fitRecommender, RecommenderScorer, topK, type RecommenderModel } from '../recommend/model.ts';
import { catalogueAsOf, type ItemObservation } from '../recommend/point-in-time.ts';
import { fitPureSvd, PURE_SVD_RANKS, scorePureSvd } from '../recommend/pure-svd.ts';
import { sliceMeasures, SLICE_METRICS } from './recommendation-slices.ts';
import { modelRunMessages } from '../../../compiler/contract/messages/models-run.ts';

export interface RecommendationsResult {
  artifact: ModelArtifact;
  metrics: Record<string, number>;
  baseline: { name: string; metrics: Record<string, number> };
  reference?: { name: string; metrics: Record<string, number> };
  backtest: Backtest;
  problems: ModelProblem[];
  rows: { train: number; holdout: number };
}

/** The default window after the cut-off whose interactions are the ground truth. */
export const DEFAULT_WINDOW_MS = 30 * 86_400_000;
const METRICS = ['precision_at_k', 'recall_at_k', 'ndcg_at_k', ...SLICE_METRICS] as const;
/** Candidates per component kept for blending (the blend's top k lies among them). */
const CANDIDATES = 100;
/** Blend weights are tried on this grid over the simplex. */
const WEIGHT_STEP = 0.2;

/** `evaluation.window`, else the label's look-ahead, else 30 days. */
export function recommendationWindowMs(spec: ModelJobSpec): number {
  return spec.evaluation.windowMs ?? (spec.label?.horizonMs || DEFAULT_WINDOW_MS);
}

/** One cut-off: who bought something new in the window after it, and every component's candidates for them. */
interface CutoffRun {
  cutoff: number;
  customers: string[];
  truth: Array<Set<string>>;
  /** Per customer: candidate item ids and each component's 0..1 score for them. */
  candidates: Array<{ items: string[]; scores: Map<Recommender, Float64Array> }>;
  lists: Map<string, string[][]>;
  /** PureSVD's top k per customer at each rank tried. */
  svd: Map<number, string[][]>;
  /** Per judged customer: distinct items before the cut-off. */
  historySize: Int32Array;
  /** Items first bought in the window before the cut-off: new to the catalogue, few interactions. */
  newItems: Set<string>;
  trainCustomers: number;
  itemsFirstSoldLater: number;
  /** Judged customers with no interaction before the cut-off. */
  cold: number;
}

/**
 * Recommendations, backtested over temporal folds: each fold's recommender learns from every
 * interaction up to its cut-off (the catalogue as of then: items first bought later are not
 * candidates; popularity as of then; interactions weighted by age when `half_life` is set) and
 * is judged on the new items each customer bought in the window after it. Beside it, in the same
 * run on the same customers: all-time and recent popularity, item-kNN and EASE. The blend's
 * weights are fitted on the window before each cut-off (the previous fold's test window), never on
 * the fold itself; the final test fold is measured last. The stored model learns from all data.
 */
export async function trainRecommendations(spec: ModelJobSpec, source: FeatureSource, dataEnd: Date): Promise<RecommendationsResult> {
  const r = spec.recommendations!;
  const windowMs = recommendationWindowMs(spec);
  const plan = temporalFolds(dataEnd.getTime(), windowMs, spec.evaluation.folds, spec.evaluation.foldStepMs);
  const all = await source.interactions(r.interactions, r.itemProperty, dataEnd);
  const catalogue = await source.items();
  const firstSold = new Map<string, number>();
  for (const it of all) if (it.at !== undefined && it.at < (firstSold.get(it.itemId) ?? Infinity)) firstSold.set(it.itemId, it.at);
  // Item attributes the events also carry (the unit price on a purchase line) are read as of each cut-off.
  const observed = new Map<string, ItemObservation[]>();
  for (const field of r.itemFeatures) {
    const list = await source.itemObservations(Object.keys(r.interactions), r.itemProperty, field, dataEnd);
    if (list.length > 0) observed.set(field, list);
  }
  const components = [...new Set<Recommender>([...(Object.keys(r.weights) as Recommender[]), 'ease', 'item_cosine'])];
  const fitWeights = Object.fromEntries(components.map((c) => [c, 1])) as Partial<Record<Recommender, number>>;
  const opts = (weights: Partial<Record<Recommender, number>>) => ({
    weights,
    itemFeatures: r.itemFeatures,
    factors: spec.training.factors,
    iterations: spec.training.epochs,
    lambda: spec.training.l2,
    seed: spec.training.seed,
  });
  const pastOf = (cutoff: number) =>
    decay(
      all.filter((i) => (i.at ?? 0) <= cutoff),
      cutoff,
      spec.training.halfLifeMs,
    );
  // The catalogue as of a cut-off: items first bought after it did not exist yet (items never
  // bought are kept: content similarity can recommend them), prices as they were then.
  const catalogues = new Map<number, ItemInfo[]>();
  const itemsAt = (cutoff: number): ItemInfo[] => {
    let items = catalogues.get(cutoff);
    if (!items) catalogues.set(cutoff, (items = catalogueAsOf(catalogue, firstSold, observed, cutoff, cutoff >= dataEnd.getTime())));
    return items;
  };

  const runs = new Map<number, CutoffRun>();
  const runAt = (cutoff: number): CutoffRun => {
    let run = runs.get(cutoff);
    if (run) return run;
    const past = pastOf(cutoff);
    if (past.length === 0) {
      fail(
        spec.name,
        'HL582',
        modelRunMessages.HL582({ model: spec.name, interactions: Object.keys(r.interactions), itemProperty: r.itemProperty, cutoff }),
        'lower evaluation.folds or evaluation.fold_step',
      );
    }
    const model = fitRecommender(past, itemsAt(cutoff), opts(fitWeights));
    const scorer = new RecommenderScorer(model);
    const pastBy = groupBy(past);
    const customers: string[] = [];
    const truth: Array<Set<string>> = [];
    for (const [customer, list] of groupBy(all.filter((i) => (i.at ?? 0) > cutoff && (i.at ?? 0) <= cutoff + windowMs))) {
      const seen = new Set((pastBy.get(customer) ?? []).map((i) => i.itemId));
      const relevant = new Set(list.map((i) => i.itemId).filter((id) => !(r.excludeSeen && seen.has(id))));
      if (relevant.size > 0) {
        customers.push(customer);
        truth.push(relevant);
      }
    }
    // Recent popularity: customers per item in the window before the cut-off.
    const recent = new Map<string, Set<string>>();
    for (const i of all)
      if ((i.at ?? 0) > cutoff - windowMs && (i.at ?? 0) <= cutoff)
        (recent.get(i.itemId) ?? recent.set(i.itemId, new Set()).get(i.itemId)!).add(i.customerId);
    const recentOrder = [...recent.entries()].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1)).map((e) => e[0]);
    const lists = new Map<string, string[][]>([
      ['popularity', []],
      ['recent popularity', []],
    ]);
    const svdModel = fitPureSvd(buildHistories(past, scorer.index).values(), model.items.length);
    const svd = new Map<number, string[][]>(PURE_SVD_RANKS.map((rank) => [rank, []]));
    const candidates: CutoffRun['candidates'] = [];
    const historySize = new Int32Array(customers.length);
    customers.forEach((customer, ci) => {
      const history = scorer.history(pastBy.get(customer) ?? []);
      historySize[ci] = history.size;
      const excluded = r.excludeSeen ? history : undefined;
      const popular = scorer.popular(history, r.k, r.excludeSeen).map((x) => x.itemId);
      lists.get('popularity')!.push(popular);
      const seenIds = new Set([...history.keys()].map((i) => model.items[i]!));
      lists.get('recent popularity')!.push(recentOrder.filter((id) => !(r.excludeSeen && seenIds.has(id))).slice(0, r.k));
      if (history.size === 0) {
        // No history: every component answers with popularity.
        for (const l of svd.values()) l.push(popular);
        const pop = scorer.popular(history, CANDIDATES, false);
        candidates.push({
          items: pop.map((p) => p.itemId),
          scores: new Map(components.map((c) => [c, Float64Array.from(pop, (_p, i) => 1 - i / pop.length)])),
        });
        return;
      }
      scorePureSvd(svdModel, history, PURE_SVD_RANKS).forEach((scores, i) =>
        svd.get(PURE_SVD_RANKS[i]!)!.push(topK(scores, r.k, excluded).map((j) => model.items[j]!)),
      );
      const parts = scorer.components(history);
      const pool = new Set<number>();
      for (const p of parts) if (components.includes(p.name)) for (const i of topK(p.scores, CANDIDATES, excluded)) pool.add(i);
      const ids = [...pool].sort((a, b) => a - b);
      candidates.push({
        items: ids.map((i) => model.items[i]!),
        scores: new Map(parts.filter((p) => components.includes(p.name)).map((p) => [p.name, Float64Array.from(ids, (i) => p.scores[i]!)])),
      });
    });
    const trainCustomers = pastBy.size;
    const itemsFirstSoldLater = catalogue.length - itemsAt(cutoff).length;
    const cold = customers.filter((c) => !pastBy.has(c)).length;
    const newItems = new Set([...firstSold].filter(([, t]) => t > cutoff - windowMs && t <= cutoff).map(([id]) => id));
    run = { cutoff, customers, truth, candidates, lists, svd, historySize, newItems, trainCustomers, itemsFirstSoldLater, cold };
    runs.set(cutoff, run);
    return run;
  };

  const hybridParts = Object.keys(r.weights) as Recommender[];
  const folds = [...plan.backtest, plan.final];
  const tuning: NonNullable<Backtest['tuning']> = [];
  const foldRuns: CutoffRun[] = [];
  const modelLists: string[][][] = [];
  // The hybrid without its content part, its weights fitted the same way: what item features add.
  const withoutContent = hybridParts.includes('content') && hybridParts.length > 2 ? hybridParts.filter((p) => p !== 'content') : undefined;
  const withoutContentLists: string[][][] = [];
  const svdLists: string[][][] = [];
  for (const fold of folds) {
    const test = runAt(fold.cutoff);
    const validation = runAt(fold.cutoff - windowMs);
    const weights =
      hybridParts.length > 1
        ? tuneWeights(validation, hybridParts, r.k, withoutContent ? 'content' : undefined)
        : { weights: r.weights, precision: NaN, tried: 0 };
    const rank = tuneRank(validation, r.k);
    const window = `${new Date(fold.cutoff - windowMs).toISOString().slice(0, 10)}–${new Date(fold.cutoff).toISOString().slice(0, 10)}`;
    tuning.push({
      fold: fold.index,
      choice: `weights ${describeWeights(weights.weights)}${hybridParts.length > 1 ? ` (fitted on ${window}, ${weights.tried} blends tried, precision@${r.k} ${weights.precision.toFixed(4)})` : ''}; PureSVD rank ${rank.rank} (of ${PURE_SVD_RANKS.join('/')}, chosen on ${window}, precision@${r.k} ${rank.precision.toFixed(4)})`,
    });
    foldRuns.push(test);
    modelLists.push(test.candidates.map((c) => blend(c, weights.weights, r.k)));
    svdLists.push(test.svd.get(rank.rank)!);
    if (withoutContent) {
      const w = weights.without!;
      withoutContentLists.push(test.candidates.map((c) => blend(c, w, r.k)));
    }
  }
  if (foldRuns.some((f) => f.customers.length === 0)) {
    fail(
      spec.name,
      'HL570',
      modelRunMessages.HL570({ model: spec.name, noNewPurchaseWithinDays: windowMs / 86_400_000 }),
      'load more data, or lower evaluation.folds',
    );
  }
  const perCustomer = (lists: (fold: number) => string[][]) => {
    const cache = new Map<number, Record<string, Float64Array>>();
    const slices = sliceMeasures(foldRuns, lists, r.k);
    return (metric: string, fold: number, rows: Int32Array) => {
      if ((SLICE_METRICS as readonly string[]).includes(metric)) return slices(metric, fold, rows);
      let m = cache.get(fold);
      if (!m) {
        const run = foldRuns[fold]!;
        const l = lists(fold);
        m = {
          precision_at_k: Float64Array.from(run.truth, (t, i) => precisionAtK(l[i]!, t, r.k)),
          recall_at_k: Float64Array.from(run.truth, (t, i) => recallAtK(l[i]!, t, r.k)),
          ndcg_at_k: Float64Array.from(run.truth, (t, i) => ndcgAtK(l[i]!, t, r.k)),
        };
        cache.set(fold, m);
      }
      const values = at(m[metric]!, rows);
      return values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
    };
  };
  const single = (name: Recommender) => (fold: number) => foldRuns[fold]!.candidates.map((c) => blend(c, { [name]: 1 }, r.k));
  const contenders: Contender[] = [
    {
      name: 'model',
      description: `the model (${spec.algorithm.replace(/_/g, ' ')})`,
      measure: perCustomer((f) => modelLists[f]!),
      metrics: METRICS,
    },
    ...(withoutContent
      ? [
          {
            name: 'without content',
            description: `the hybrid without its content part (${withoutContent.join(', ')}; weights fitted the same way)`,
            measure: perCustomer((f) => withoutContentLists[f]!),
            metrics: METRICS,
          },
        ]
      : []),
    { name: 'EASE', description: 'EASE (closed form, the 700 most bought items)', measure: perCustomer(single('ease')), metrics: METRICS },
    {
      name: 'PureSVD',
      description: 'PureSVD (truncated SVD of the customer × item matrix, rank chosen on the window before the cut-off)',
      measure: perCustomer((f) => svdLists[f]!),
      metrics: METRICS,
    },
    { name: 'item-kNN', description: 'item-item cosine neighbours', measure: perCustomer(single('item_cosine')), metrics: METRICS },
    ...(components.includes('matrix_factorization')
      ? [
          {
            name: 'ALS',
            description: 'implicit-feedback matrix factorization',
            measure: perCustomer(single('matrix_factorization')),
            metrics: METRICS,
          },
        ]
      : []),
    {
      name: 'recent popularity',
      description: `the most bought items in the ${windowMs / 86_400_000} days before the cut-off`,
      measure: perCustomer((f) => foldRuns[f]!.lists.get('recent popularity')!),
      metrics: METRICS,
    },
    {
      name: 'popularity',
      description: 'the most bought items of all time (as of the cut-off)',
      measure: perCustomer((f) => foldRuns[f]!.lists.get('popularity')!),
      metrics: METRICS,
    },
  ];
  const backtest = summarizeBacktest(
    plan,
    foldRuns.map((f) => f.customers.length),
    foldRuns.map((f) => f.trainCustomers),
    METRICS,
    contenders,
  );
  backtest.tuning = tuning;

  // The stored model: all data, weights fitted on the latest window (the final fold, now measured).
  const finalWeights = hybridParts.length > 1 ? tuneWeights(runAt(plan.final.cutoff), hybridParts, r.k).weights : r.weights;
  const finalModel: RecommenderModel = fitRecommender(pastOf(dataEnd.getTime()), itemsAt(dataEnd.getTime()), opts(finalWeights));
  const [model, ...others] = backtest.contenders;
  const classics = others.filter((c) => ['EASE', 'PureSVD', 'item-kNN', 'ALS'].includes(c.name));
  const bestClassic = classics.reduce((a, b) => ((b.backtest.precision_at_k?.mean ?? 0) > (a.backtest.precision_at_k?.mean ?? 0) ? b : a));
  const recent = others.find((c) => c.name === 'recent popularity')!;
  const finalRun = foldRuns.at(-1)!;
  const unsold = catalogue.filter((i) => !firstSold.has(i.id)).length;
  const problems: ModelProblem[] = [
    problem(
      spec.name,
      'HL583',
      'info',
      modelRunMessages.HL583({
        cold: finalRun.cold,
        itemsFirstSoldLater: finalRun.itemsFirstSoldLater,
        unsold,
        content: Boolean(r.weights.content),
      }),
    ),
  ];
  return {
    artifact: { features: [], model: finalModel },
    metrics: {
      ...backtestMeans(model!),
      k: r.k,
      customers: foldRuns.slice(0, plan.backtest.length).reduce((s, f) => s + f.customers.length, 0),
    },
    baseline: { name: recent.description, metrics: backtestMeans(recent) },
    reference: { name: `the best classic recommender: ${bestClassic.description}`, metrics: backtestMeans(bestClassic) },
    backtest,
    problems,
    rows: { train: finalRun.trainCustomers, holdout: foldRuns.reduce((s, f) => s + f.customers.length, 0) },
  };
}

/** The candidates' blended top k. */
function blend(c: CutoffRun['candidates'][number], weights: Partial<Record<Recommender, number>>, k: number): string[] {
  const total = new Float64Array(c.items.length);
  for (const [name, w] of Object.entries(weights) as Array<[Recommender, number]>) {
    const s = c.scores.get(name);
    if (s && w) for (let i = 0; i < total.length; i++) total[i]! += w * s[i]!;
  }
  return topK(total, k).map((i) => c.items[i]!);
}

/** The PureSVD rank with the best precision@k on a validation run (ties: the smaller rank). */
function tuneRank(run: CutoffRun, k: number): { rank: number; precision: number } {
  let best = { rank: PURE_SVD_RANKS[0] as number, precision: -1 };
  for (const [rank, lists] of run.svd) {
    const p = run.truth.reduce((s, t, i) => s + precisionAtK(lists[i]!, t, k), 0) / Math.max(1, run.truth.length);
    if (p > best.precision + 1e-12) best = { rank, precision: p };
  }
  return best;
}

/**
 * The blend with the best precision@k (then nDCG) on a validation run, over a grid on the simplex;
 * with `leaveOut`, also the best blend that gives that part no weight (the same grid's face).
 */
function tuneWeights(
  run: CutoffRun,
  parts: Recommender[],
  k: number,
  leaveOut?: Recommender,
): { weights: Partial<Record<Recommender, number>>; precision: number; tried: number; without?: Partial<Record<Recommender, number>> } {
  type Best = { weights: Partial<Record<Recommender, number>>; precision: number; ndcg: number };
  const better = (p: number, n: number, b: Best) => p > b.precision + 1e-12 || (Math.abs(p - b.precision) <= 1e-12 && n > b.ndcg);
  let best: Best = { weights: {}, precision: -1, ndcg: -1 };
  let bestWithout: Best = { weights: {}, precision: -1, ndcg: -1 };
  const steps = Math.round(1 / WEIGHT_STEP);
  let tried = 0;
  const grid = (i: number, left: number, acc: number[]) => {
    if (i === parts.length - 1) {
      const w = [...acc, left];
      tried++;
      const weights = Object.fromEntries(parts.map((p, j) => [p, w[j]! / steps]).filter(([, v]) => (v as number) > 0)) as Partial<
        Record<Recommender, number>
      >;
      let p = 0;
      let n = 0;
      run.candidates.forEach((c, ci) => {
        const list = blend(c, weights, k);
        p += precisionAtK(list, run.truth[ci]!, k);
        n += ndcgAtK(list, run.truth[ci]!, k);
      });
      p /= Math.max(1, run.candidates.length);
      n /= Math.max(1, run.candidates.length);
      if (better(p, n, best)) best = { weights, precision: p, ndcg: n };
      if (leaveOut && !weights[leaveOut] && better(p, n, bestWithout)) bestWithout = { weights, precision: p, ndcg: n };
      return;
    }
    for (let v = 0; v <= left; v++) grid(i + 1, left - v, [...acc, v]);
  };
  grid(0, steps, []);
  return { weights: best.weights, precision: best.precision, tried, ...(leaveOut ? { without: bestWithout.weights } : {}) };
}

function describeWeights(w: Partial<Record<string, number>>): string {
  return Object.entries(w)
    .map(([k, v]) => `${k} ${(v ?? 0).toFixed(1)}`)
    .join(', ');
}

/** Interactions weighted by age at the cut-off: half as much every `halfLifeMs`. */
function decay(list: Interaction[], cutoff: number, halfLifeMs: number | undefined): Interaction[] {
  if (!halfLifeMs) return list;
  return list.map((i) => ({ ...i, weight: i.weight * 0.5 ** ((cutoff - (i.at ?? cutoff)) / halfLifeMs) }));
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
