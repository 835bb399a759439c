import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileModelSpec, type RawModelSpec } from '../../compiler/models/compile-spec.ts';
import { InMemoryFeatureSource } from '../../runtime/models/features/in-memory.ts';
import { buildItemIndex, fitRecommender, RecommenderScorer } from '../../runtime/models/recommend/model.ts';
import { fitContent, scoreContent } from '../../runtime/models/recommend/content.ts';
import { catalogueAsOf, OBSERVATIONS_PER_VALUE, valuesAsOf } from '../../runtime/models/recommend/point-in-time.ts';
import { scoreModel } from '../../runtime/models/score-model.ts';
import { trainModel } from '../../runtime/models/train-model.ts';
import { DAY, END, generateShop } from './support/generate.ts';
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
      const outcome = await trainModel(recSpec({ algorithm, evaluation: { min_lift_over_baseline: 1.2 } }), source(), tempStore(), {
        asOf,
      });
      if (outcome.status === 'unchanged') throw new Error('unreachable');
      const { metrics, baseline } = outcome.version;
      expect(baseline.name).toBe('the most bought items in the 30 days before the cut-off');
      expect(metrics.precision_at_k!).toBeGreaterThan(baseline.metrics.precision_at_k! * 1.2);
      expect(metrics.ndcg_at_k!).toBeGreaterThan(baseline.metrics.ndcg_at_k!);
      // All-time popularity, EASE and item-kNN sit beside it in the same backtest.
      const names = outcome.report.backtest!.contenders.map((c) => c.name);
      expect(names).toEqual(expect.arrayContaining(['model', 'EASE', 'PureSVD', 'item-kNN', 'recent popularity', 'popularity']));
      // Customers with little history and new items are measured apart.
      const own = outcome.report.backtest!.contenders[0]!.backtest;
      expect(own.precision_at_k_little_history!.mean).toBeGreaterThanOrEqual(0);
      expect(Object.keys(own)).toContain('new_item_recall');
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
    const model = fitRecommender(interactions, items, {
      weights: { content: 1 },
      itemFeatures: ['category'],
      factors: 2,
      iterations: 2,
      lambda: 0.1,
      seed: 1,
    });
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
      for (const e of shop.events)
        if (e.at <= cutoff)
          (seenBefore.get(e.customer_id) ?? seenBefore.set(e.customer_id, new Set()).get(e.customer_id)!).add(String(e.item_id));
      const judged = new Set(
        shop.events
          .filter((e) => e.at > cutoff && e.at <= cutoff + 30 * 86_400_000 && !seenBefore.get(e.customer_id)?.has(String(e.item_id)))
          .map((e) => e.customer_id),
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
      ...Array.from({ length: 12 }, (_, i) => ({
        id: `z${i}`,
        attributes: { name: `FILLER ITEM ${String.fromCharCode(65 + i)}XX NUMBER${i}`, price: 1 + i },
      })),
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
    // Sparse: an item's vector holds only its own words and its price band (and the bands beside it).
    expect(model.cols[index.byId.get('a')!]!.length).toBeLessThanOrEqual(7);
    expect(model.columns.filter((c) => c.startsWith('price band'))).toHaveLength(5);
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
    const extra = {
      ...shop,
      items: [...shop.items, { id: 'unsold_1', category: 'cat0', price: 9 }, { id: 'unsold_2', category: 'cat1', price: 19 }],
    };
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
      new RegExp(
        `^\\d+ customers judged in the final fold had no interactions before its cut-off \\(they get popular items\\); its catalogue leaves out ${later} items first bought after the cut-off; ${never} catalog items were never bought \\(recommendable through content similarity\\)$`,
      ),
    );
  });

  it('fails clearly when there are no interactions', async () => {
    const err = await trainModel(recSpec({ interactions: { page_view: 1 } }), source(), tempStore(), { asOf }).catch((e) => e);
    expect(err.problem).toMatchObject({ code: 'HL582' });
  });
});

describe('item features as of each cut-off, for cold items and customers', () => {
  it('an item attribute read from events takes its value as of the cut-off, whatever comes after it', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            item: fc.constantFrom('a', 'b', 'c'),
            day: fc.integer({ min: 0, max: 100 }),
            value: fc.double({ min: 0.1, max: 100, noNaN: true }),
          }),
          { maxLength: 60 },
        ),
        fc.integer({ min: 0, max: 100 }),
        fc.array(
          fc.record({
            item: fc.constantFrom('a', 'b', 'c', 'd'),
            day: fc.integer({ min: 1, max: 50 }),
            value: fc.double({ min: 0.1, max: 1e6, noNaN: true }),
          }),
          { maxLength: 20 },
        ),
        (past, cutoffDay, future) => {
          const obs = (list: ReadonlyArray<{ item: string; day: number; value: number }>, shift: number) =>
            list.map((o) => ({ itemId: o.item, at: (o.day + shift) * DAY, value: o.value }));
          const before = obs(past, 0).sort((x, y) => x.at - y.at);
          const cutoff = cutoffDay * DAY;
          const known = valuesAsOf(before, cutoff);
          // Anything observed after the cut-off (new prices, new items) changes nothing at it.
          const withFuture = [...before.filter((o) => o.at <= cutoff), ...obs(future, cutoffDay).sort((x, y) => x.at - y.at)];
          expect(valuesAsOf(withFuture, cutoff)).toEqual(known);
          for (const [id, v] of known) {
            const mine = before
              .filter((o) => o.itemId === id && o.at <= cutoff)
              .map((o) => o.value)
              .slice(-OBSERVATIONS_PER_VALUE);
            expect(v).toBeGreaterThanOrEqual(Math.min(...mine));
            expect(v).toBeLessThanOrEqual(Math.max(...mine));
          }
          // The catalogue's own value (as of the end of the data) is used only at the end of the data.
          const catalogue = ['a', 'b', 'c'].map((id) => ({ id, attributes: { price: 1234, name: id } }));
          const firstSold = new Map<string, number>();
          for (const o of before) if (!firstSold.has(o.itemId)) firstSold.set(o.itemId, o.at);
          const items = catalogueAsOf(catalogue, firstSold, new Map([['price', withFuture]]), cutoff, false);
          for (const item of items) {
            expect(item.attributes!.price).toBe(known.get(item.id));
            expect(item.attributes!.name).toBe(item.id);
            expect(firstSold.get(item.id) ?? -Infinity).toBeLessThanOrEqual(cutoff); // first sold later: not in the catalogue yet
          }
          const atEnd = catalogueAsOf(catalogue, new Map(), new Map([['price', before]]), 100 * DAY, true);
          for (const item of atEnd) expect(item.attributes!.price).toBe(valuesAsOf(before, 100 * DAY).get(item.id) ?? 1234);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('no fold sees a price from its future: prices rewritten after the final cut-off change no backtest fold', async () => {
    // Prices on every purchase line; after `changed` lines, prices scrambled (not a monotone map,
    // which would leave the price bands' grouping as it was). The catalogue holds the last prices.
    const scrambled = (c: number, i: number) => 1 + ((c * 7 + i * 3) % 17);
    const priced = (changed: (at: number) => boolean) => ({
      ...shop,
      events: shop.events.map((e) => {
        const [c, i] = String(e.item_id).slice(1).split('_').map(Number);
        return { ...e, price: changed(e.at) ? scrambled(c!, i!) : 5 + c! * 10 + i! };
      }),
      items: shop.items.map((it) => {
        const [c, i] = it.id.slice(1).split('_').map(Number);
        return { ...it, price: changed(Infinity) ? scrambled(c!, i!) : Number(it.price) };
      }),
    });
    const spec = recSpec({ algorithm: 'content', item_features: ['price'] });
    const train = async (data: ReturnType<typeof priced>) => {
      const outcome = await trainModel(spec, new InMemoryFeatureSource(data, noFeatures), tempStore(), { asOf });
      if (outcome.status === 'unchanged') throw new Error('unreachable');
      return outcome;
    };
    const steady = await train(priced(() => false));
    const finalCutoff = Date.parse(steady.report.backtest!.folds.at(-1)!.cutoff);
    const repriced = await train(priced((at) => at > finalCutoff));
    // Every fold, the final one included, learned from the prices up to its cut-off: the same.
    const perFold = (o: typeof steady) => o.report.backtest!.contenders.map((c) => c.perFold);
    expect(perFold(repriced)).toEqual(perFold(steady));
    // The stored model, learned as of the end of the data, does see the new prices.
    expect(JSON.stringify(repriced.version.artifact)).not.toBe(JSON.stringify(steady.version.artifact));
  });

  it('recommends a new item nobody has bought yet through its words and price band', () => {
    const items = [
      { id: 'm1', attributes: { name: 'RED HEART MUG', price: 2.1 } },
      { id: 'm2', attributes: { name: 'RED HEART CUSHION', price: 2.5 } },
      { id: 'r1', attributes: { name: 'SPACEBOY ROCKET LAMP', price: 39 } },
      { id: 'r2', attributes: { name: 'SPACEBOY ROCKET CLOCK', price: 45 } },
      { id: 'new_heart', attributes: { name: 'RED HEART CANDLE', price: 2.2 } },
      { id: 'new_rocket', attributes: { name: 'SPACEBOY ROCKET BAG', price: 42 } },
      ...Array.from({ length: 10 }, (_, i) => ({ id: `f${i}`, attributes: { name: `FILLER ${i} THING${i}`, price: 5 + i } })),
    ];
    const interactions = ['x', 'y', 'z'].flatMap((c) => [
      { customerId: c, itemId: 'r1', weight: 1 },
      { customerId: c, itemId: 'r2', weight: 1 },
      { customerId: c, itemId: 'f1', weight: 1 },
    ]);
    interactions.push({ customerId: 'w', itemId: 'm2', weight: 1 });
    const model = fitRecommender(interactions, items, {
      weights: { content: 0.5, item_cosine: 0.3, popularity: 0.2 },
      itemFeatures: ['name', 'price'],
      factors: 2,
      iterations: 2,
      lambda: 0.1,
      seed: 1,
    });
    const scorer = new RecommenderScorer(model);
    // A customer with one purchase: the unsold heart candle, not the popular rocket items, is among the first two.
    const recs = scorer.recommend(scorer.history([{ itemId: 'm1', weight: 1 }]), 3, true);
    expect(
      recs
        .map((r) => r.itemId)
        .slice(0, 2)
        .sort(),
    ).toEqual(['m2', 'new_heart']);
    const rocketFan = scorer.recommend(scorer.history([{ itemId: 'r1', weight: 1 }]), 3, true);
    expect(rocketFan.map((r) => r.itemId)).toEqual(expect.arrayContaining(['new_rocket', 'r2']));
  });
});
