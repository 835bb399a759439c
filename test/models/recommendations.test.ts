import { describe, expect, it } from 'vitest';
import { compileModelSpec, type RawModelSpec } from '../../compiler/models/compile-spec.ts';
import { InMemoryFeatureSource } from '../../runtime/models/features/in-memory.ts';
import { fitRecommender, RecommenderScorer } from '../../runtime/models/recommend/model.ts';
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

  it('fails clearly when there are no interactions', async () => {
    const err = await trainModel(recSpec({ interactions: { page_view: 1 } }), source(), tempStore(), { asOf }).catch((e) => e);
    expect(err.problem).toMatchObject({ code: 'HL582' });
  });
});
