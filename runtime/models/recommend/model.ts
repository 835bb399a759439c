import type { Recommender } from '../../../compiler/contract/model-job.ts';
import { fitAls, foldInWithGram, gram, scoreAls, type ItemFactors } from './als.ts';
import { fitContent, scoreContent, type ContentModel } from './content.ts';
import { buildHistories, buildItemIndex, type History, type Interaction, type ItemIndex, type ItemInfo } from './data.ts';
import { fitItemCosine, scoreItemCosine, type ItemNeighbours } from './item-cosine.ts';
import { fitPopularity } from './popularity.ts';
import { fitEase } from './ease.ts';

/**
 * A recommender: item-side parameters of each blended component. Customer-side state is their
 * history at scoring time, so scoring always uses the newest interactions.
 */
export interface RecommenderModel {
  kind: 'recommender';
  items: string[];
  weights: Partial<Record<Recommender, number>>;
  popularity: number[];
  itemCosine?: ItemNeighbours;
  factors?: ItemFactors;
  content?: ContentModel;
  /** EASE item-item weights, kept sparse like item-cosine neighbours. */
  ease?: ItemNeighbours;
}

export interface RecommenderOptions {
  weights: Partial<Record<Recommender, number>>;
  itemFeatures: readonly string[];
  factors: number;
  iterations: number;
  lambda: number;
  seed: number;
}

export interface Recommendation {
  itemId: string;
  score: number;
  /** Which path produced it: the blended model, or popularity for a customer with no history. */
  source: 'model' | 'popularity';
}

export function fitRecommender(
  interactions: readonly Interaction[],
  items: readonly ItemInfo[],
  opts: RecommenderOptions,
): RecommenderModel {
  const index = buildItemIndex(items, interactions);
  const histories = [...buildHistories(interactions, index).values()];
  const n = index.ids.length;
  const model: RecommenderModel = { kind: 'recommender', items: index.ids, weights: opts.weights, popularity: fitPopularity(histories, n) };
  if (opts.weights.item_cosine) model.itemCosine = fitItemCosine(histories, n);
  if (opts.weights.matrix_factorization) {
    model.factors = fitAls(histories, n, { factors: opts.factors, iterations: opts.iterations, lambda: opts.lambda, seed: opts.seed });
  }
  if (opts.weights.content) model.content = fitContent(items, index, opts.itemFeatures);
  if (opts.weights.ease) model.ease = fitEase(histories, n);
  return model;
}

/** Scores customers against a fitted model; holds what is shared across customers (the factor Gram matrix). */
export class RecommenderScorer {
  readonly index: ItemIndex;
  private readonly yty?: Float64Array;
  private readonly popularOrder: number[];

  constructor(private readonly model: RecommenderModel) {
    this.index = { ids: model.items, byId: new Map(model.items.map((id, i) => [id, i])) };
    if (model.factors) this.yty = gram(model.factors.y, model.factors.factors);
    this.popularOrder = model.popularity
      .map((p, i) => [p, i] as const)
      .sort((a, b) => b[0] - a[0] || a[1] - b[1])
      .map((e) => e[1]);
  }

  /** The customer's history over this model's items (unknown items are ignored). */
  history(interactions: Iterable<{ itemId: string; weight: number }>): History {
    const h: History = new Map();
    for (const it of interactions) {
      const i = this.index.byId.get(it.itemId);
      if (i !== undefined) h.set(i, (h.get(i) ?? 0) + it.weight);
    }
    return h;
  }

  /** Each fitted component's scores for a customer, scaled to 0..1 (what the blend adds up). */
  components(history: History): Array<{ name: Recommender; scores: Float64Array }> {
    const n = this.model.items.length;
    const m = this.model;
    const out: Array<{ name: Recommender; scores: Float64Array }> = [];
    const add = (name: Recommender, fill: (out: Float64Array) => void) => {
      const part = new Float64Array(n);
      fill(part);
      const scaled = new Float64Array(n);
      minMaxInto(part, scaled, 1);
      out.push({ name, scores: scaled });
    };
    if (m.itemCosine) add('item_cosine', (o) => scoreItemCosine(m.itemCosine!, history, o));
    if (m.factors && this.yty) add('matrix_factorization', (o) => scoreAls(m.factors!, foldInWithGram(m.factors!, this.yty!, history), o));
    if (m.content) add('content', (o) => scoreContent(m.content!, history, o));
    if (m.ease) add('ease', (o) => scoreItemCosine(m.ease!, history, o));
    add('popularity', (o) => m.popularity.forEach((p, i) => (o[i] = p)));
    return out;
  }

  recommend(history: History, k: number, excludeSeen: boolean): Recommendation[] {
    if (history.size === 0) return this.popular(history, k, false);
    const n = this.model.items.length;
    const blended = new Float64Array(n);
    const m = this.model;
    for (const c of this.components(history)) {
      const w = m.weights[c.name];
      if (w) for (let i = 0; i < n; i++) blended[i]! += w * c.scores[i]!;
    }
    const top = topK(blended, k, excludeSeen ? history : undefined);
    const recs: Recommendation[] = top
      .filter((i) => blended[i]! > 0)
      .map((i) => ({ itemId: m.items[i]!, score: blended[i]!, source: 'model' }));
    // Too little signal to fill the list: top up with popular items.
    if (recs.length < k) {
      const taken = new Set(recs.map((r) => r.itemId));
      for (const r of this.popular(history, k, excludeSeen)) {
        if (recs.length >= k) break;
        if (!taken.has(r.itemId)) recs.push(r);
      }
    }
    return recs;
  }

  /** Popularity ranking: the cold-start answer and the baseline. */
  popular(history: History, k: number, excludeSeen: boolean): Recommendation[] {
    const out: Recommendation[] = [];
    for (const i of this.popularOrder) {
      if (out.length >= k) break;
      if (excludeSeen && history.has(i)) continue;
      out.push({ itemId: this.model.items[i]!, score: this.model.popularity[i]!, source: 'popularity' });
    }
    return out;
  }
}

/** Adds `weight × (v − min) / (max − min)` of `part` into `into`: components on one 0..1 scale. */
function minMaxInto(part: Float64Array, into: Float64Array, weight: number): void {
  let min = Infinity;
  let max = -Infinity;
  for (const v of part) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(max > min)) return;
  const span = max - min;
  for (let i = 0; i < part.length; i++) into[i]! += (weight * (part[i]! - min)) / span;
}

/** Indices of the k largest values (ties by index), skipping `exclude`d ones. */
export function topK(values: Float64Array, k: number, exclude?: History): number[] {
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (exclude?.has(i)) continue;
    const v = values[i]!;
    if (best.length === k && v <= values[best[k - 1]!]!) continue;
    let pos = best.length;
    while (pos > 0 && values[best[pos - 1]!]! < v) pos--;
    best.splice(pos, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}

export { buildHistories, buildItemIndex };
