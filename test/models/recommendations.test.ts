import { describe, expect, it } from 'vitest';
import { compileModelSpec, type RawModelSpec } from '../../compiler/models/compile-spec.ts';
import { InMemoryFeatureSource } from '../../runtime/models/features/in-memory.ts';
import { buildItemIndex, fitRecommender, RecommenderScorer } from '../../runtime/models/recommend/model.ts';
import { fitContent, scoreContent } from '../../runtime/models/recommend/content.ts';
import { hashUniform } from '../../runtime/models/rng.ts';
import { scoreModel } from '../../runtime/models/score-model.ts';
import { trainModel } from '../../runtime/models/train-model.ts';
import { END, generateShop } from './support/generate.ts';
import { tempStore } from './support/store.ts';

const shop = generateShop({ customers: 500, seed: 5, categories: 6, itemsPerCategory: 15 });
const noFeatures = { names: [], features: [], horizonMs: 0 };
const source = () => new InMemoryFeatureSource(shop, noFeatures);
const asOf = new Date(END);

function recSpec(overrides: Partial<RawModelSpec> = {}) {
  return compileModelSpec('next_items', {
    type: 'recommendations',
    interactions: { purchase: 1 },
    item_features: ['category', 'price'],
    k: 5,
    training: { epochs: 8, factors: 8, seed: 1 },
    ...overrides,
  });
}

describe('recommendations', () => {
  for (const algorithm of ['item_cosine', 'matrix_factorization', 'content', 'hybrid'] as const) {
    it(`${algorithm} beats popularity on data with planted category affinity`, async () => {
      const outcome = await trainModel(recSpec({ algorithm, evaluation: { min_lift_over_baseline: 1.2 } }), source(), tempStore(), { asOf });
      if (outcome.status === 'unchanged') throw new Error('unreachable');
      const { metrics, baseline } = outcome.version;
      expect(baseline.name).toBe('popularity');
      expect(metrics.precision_at_k!).toBeGreaterThan(baseline.metrics.precision_at_k! * 1.2);
      expect(metrics.ndcg_at_k!).toBeGreaterThan(baseline.metrics.ndcg_at_k!);
      expect(outcome.status).toBe('activated');
      expect(outcome.version.reports).toContain('next_items/v1/ranking.svg');
    });
  }

  it('gives a customer with no interactions the popular items, and reaches an untouched item through content', () => {
    const interactions = [
      { customerId: 'a', itemId: 'x1', weight: 1 },
      { customerId: 'b', itemId: 'x1', weight: 1 },
      { customerId: 'b', itemId: 'x2', weight: 1 },
      { customerId: 'c', itemId: 'y1', weight: 1 },
    ];
    const items = [
      { id: 'x1', attributes: { category: 'x' } },
      { id: 'x2', attributes: { category: 'x' } },
      { id: 'x3', attributes: { category: 'x' } }, // nobody bought it
      { id: 'y1', attributes: { category: 'y' } },
    ];
    const model = fitRecommender(interactions, items, { weights: { content: 1 }, itemFeatures: ['category'], factors: 2, iterations: 2, lambda: 0.1, seed: 1 });
    const scorer = new RecommenderScorer(model);
    const cold = scorer.recommend(scorer.history([]), 2, true);
    expect(cold.map((r) => r.itemId)).toEqual(['x1', 'x2']);
    expect(cold.every((r) => r.source === 'popularity')).toBe(true);
    const forA = scorer.recommend(scorer.history([{ itemId: 'x1', weight: 1 }]), 2, true);
    expect(forA.map((r) => r.itemId)).toEqual(['x2', 'x3']);
    expect(forA[1]!.source).toBe('model');
  });

  it('is judged on held-out customers only, who took no part in fitting', async () => {
    const spec = recSpec({ algorithm: 'item_cosine', evaluation: { holdout: 0.3 } });
    const outcome = await trainModel(spec, source(), tempStore(), { asOf });
    if (outcome.status === 'unchanged') throw new Error('unreachable');
    const cutoff = new Date(outcome.version.cutoff).getTime();
    const held = (id: string) => hashUniform(id, spec.training.seed) < 0.3;
    const seenBefore = new Map<string, Set<string>>();
    for (const e of shop.events) if (e.at <= cutoff) (seenBefore.get(e.customer_id) ?? seenBefore.set(e.customer_id, new Set()).get(e.customer_id)!).add(String(e.item_id));
    const judged = new Set(
      shop.events.filter((e) => e.at > cutoff && e.at <= cutoff + 30 * 86_400_000 && held(e.customer_id) && !seenBefore.get(e.customer_id)?.has(String(e.item_id))).map((e) => e.customer_id),
    );
    expect(judged.size).toBeGreaterThan(10);
    expect(outcome.version.metrics.customers).toBe(judged.size);
    expect(outcome.report.rows.holdout).toBe(judged.size);
    // The training side is every other customer with a purchase before the cut-off.
    expect(outcome.report.rows.train).toBe([...seenBefore.keys()].filter((id) => !held(id)).length);
  });

  it('content similarity reads a name as its words: items sharing rare words are alike', () => {
    const items = [
      { id: 'a', attributes: { name: 'RED HEART T-LIGHT HOLDER', price: 2.5 } },
      { id: 'b', attributes: { name: 'WHITE HEART T-LIGHT HOLDER', price: 2.6 } },
      { id: 'c', attributes: { name: 'RED RETROSPOT MUG', price: 2.5 } },
      { id: 'd', attributes: { name: 'JUMBO BAG VINTAGE', price: 2.5 } },
      ...Array.from({ length: 12 }, (_, i) => ({ id: `z${i}`, attributes: { name: `FILLER ITEM ${String.fromCharCode(65 + i)}XX NUMBER${i}`, price: 1 + i } })),
    ];
    const index = buildItemIndex(items, []);
    const model = fitContent(items, index, ['name', 'price']);
    expect(model.columns).toContain('name:heart');
    expect(model.columns).toContain('name:holder');
    expect(model.columns).not.toContain('name:jumbo'); // in one item only: no similarity to carry
    const scores = new Float64Array(index.ids.length);
    scoreContent(model, new Map([[index.byId.get('a')!, 1]]), scores);
    const score = (id: string) => scores[index.byId.get(id)!]!;
    expect(score('b')).toBeGreaterThan(score('c'));
    expect(score('c')).toBeGreaterThan(score('d'));
    // Sparse: an item's vector holds only its own words and its price.
    expect(model.cols[index.byId.get('a')!]!.length).toBeLessThanOrEqual(6);
  });

  it('is deterministic for a seed', async () => {
    const a = await trainModel(recSpec({ algorithm: 'hybrid' }), source(), tempStore(), { asOf });
    const b = await trainModel(recSpec({ algorithm: 'hybrid' }), source(), tempStore(), { asOf });
    expect(JSON.stringify(a.version.artifact)).toBe(JSON.stringify(b.version.artifact));
  });

  it('writes k recommendations for every customer, cold ones included', async () => {
    const store = tempStore();
    const spec = recSpec({ algorithm: 'item_cosine' });
    const withNewcomer = new InMemoryFeatureSource({ ...shop, customers: [...shop.customers, { id: 'newcomer' }] }, noFeatures);
    await trainModel(spec, withNewcomer, store, { asOf });
    const scored = await scoreModel(spec, withNewcomer, store, asOf);
    expect(scored.distribution.cold_start).toBeGreaterThanOrEqual(1);
    const rows = await store.readRecommendations('next_items');
    expect(rows.length).toBe(scored.customers * 5);
    const newcomer = rows.filter((r) => r.customerId === 'newcomer');
    expect(newcomer.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
  });

  it('says how many evaluated customers and catalog items had no interactions', async () => {
    const extra = { ...shop, items: [...shop.items, { id: 'unsold_1', category: 'cat0', price: 9 }, { id: 'unsold_2', category: 'cat1', price: 19 }] };
    const outcome = await trainModel(recSpec({ algorithm: 'hybrid' }), new InMemoryFeatureSource(extra, noFeatures), tempStore(), { asOf });
    if (outcome.status === 'unchanged') throw new Error('unreachable');
    const cutoff = new Date(outcome.version.cutoff).getTime();
    const touched = new Set(shop.events.filter((e) => e.at <= cutoff).map((e) => String(e.item_id)));
    const untouched = extra.items.filter((i) => !touched.has(i.id)).length;
    expect(untouched).toBeGreaterThanOrEqual(2);
    const note = outcome.problems.find((p) => p.code === 'HL583')!;
    expect(note).toMatchObject({ severity: 'info', model: 'next_items' });
    expect(note.message).toMatch(new RegExp(`^\\d+ evaluated customers had no interactions \\(they get popular items\\); ${untouched} catalog items had none \\(recommendable through content similarity\\)$`));
  });

  it('fails clearly when there are no interactions', async () => {
    const err = await trainModel(recSpec({ interactions: { page_view: 1 } }), source(), tempStore(), { asOf }).catch((e) => e);
    expect(err.problem).toMatchObject({ code: 'HL582' });
  });
});
