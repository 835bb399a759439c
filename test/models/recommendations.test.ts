import { describe, expect, it } from 'vitest';
import { compileModelSpec, type RawModelSpec } from '../../compiler/models/compile-spec.ts';
import { InMemoryFeatureSource } from '../../runtime/models/features/in-memory.ts';
import { buildItemIndex, fitRecommender, RecommenderScorer } from '../../runtime/models/recommend/model.ts';
import { fitContent, scoreContent } from '../../runtime/models/recommend/content.ts';
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
      expect(baseline.name).toBe('the most bought items in the 30 days before the cut-off');
      expect(metrics.precision_at_k!).toBeGreaterThan(baseline.metrics.precision_at_k! * 1.2);
      expect(metrics.ndcg_at_k!).toBeGreaterThan(baseline.metrics.ndcg_at_k!);
      // All-time popularity, EASE and item-kNN sit beside it in the same backtest.
      const names = outcome.report.backtest!.contenders.map((c) => c.name);
      expect(names).toEqual(expect.arrayContaining(['model', 'EASE', 'item-kNN', 'recent popularity', 'popularity']));
      const allTime = outcome.report.backtest!.contenders.find((c) => c.name === 'popularity')!;
      expect(metrics.precision_at_k!).toBeGreaterThan(allTime.backtest.precision_at_k!.mean);
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

  it('is judged fold by fold on who bought a new item in the window after each cut-off, learning only from before it', async () => {
    const spec = recSpec({ algorithm: 'item_cosine' });
    const outcome = await trainModel(spec, source(), tempStore(), { asOf });
    if (outcome.status === 'unchanged') throw new Error('unreachable');
    const folds = outcome.report.backtest!.folds;
    expect(folds).toHaveLength(4);
    expect(folds.at(-1)!.cutoff).toBe(outcome.version.cutoff);
    for (const fold of folds) {
      const cutoff = Date.parse(fold.cutoff);
      const seenBefore = new Map<string, Set<string>>();
      for (const e of shop.events) if (e.at <= cutoff) (seenBefore.get(e.customer_id) ?? seenBefore.set(e.customer_id, new Set()).get(e.customer_id)!).add(String(e.item_id));
      const judged = new Set(
        shop.events.filter((e) => e.at > cutoff && e.at <= cutoff + 30 * 86_400_000 && !seenBefore.get(e.customer_id)?.has(String(e.item_id))).map((e) => e.customer_id),
      );
      expect(judged.size).toBeGreaterThan(10);
      expect(fold.test).toBe(judged.size);
      // The learner is every customer with a purchase at or before the cut-off, and no one else.
      expect(fold.train).toBe(seenBefore.size);
    }
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

  it('says how many judged customers had no history, and which items the point-in-time catalogue leaves out', async () => {
    const extra = { ...shop, items: [...shop.items, { id: 'unsold_1', category: 'cat0', price: 9 }, { id: 'unsold_2', category: 'cat1', price: 19 }] };
    const outcome = await trainModel(recSpec({ algorithm: 'hybrid' }), new InMemoryFeatureSource(extra, noFeatures), tempStore(), { asOf });
    if (outcome.status === 'unchanged') throw new Error('unreachable');
    const cutoff = new Date(outcome.version.cutoff).getTime();
    const before = new Set(shop.events.filter((e) => e.at <= cutoff).map((e) => String(e.item_id)));
    const ever = new Set(shop.events.map((e) => String(e.item_id)));
    const later = [...ever].filter((id) => !before.has(id)).length;
    const never = extra.items.filter((i) => !ever.has(i.id)).length;
    expect(never).toBeGreaterThanOrEqual(2);
    const note = outcome.problems.find((p) => p.code === 'HL583')!;
    expect(note).toMatchObject({ severity: 'info', model: 'next_items' });
    expect(note.message).toMatch(
      new RegExp(`^\\d+ customers judged in the final fold had no interactions before its cut-off \\(they get popular items\\); its catalogue leaves out ${later} items first bought after the cut-off; ${never} catalog items were never bought \\(recommendable through content similarity\\)$`),
    );
  });

  it('fails clearly when there are no interactions', async () => {
    const err = await trainModel(recSpec({ interactions: { page_view: 1 } }), source(), tempStore(), { asOf }).catch((e) => e);
    expect(err.problem).toMatchObject({ code: 'HL582' });
  });
});
