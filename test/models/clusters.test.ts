import { describe, expect, it } from 'vitest';
import { compileModelSpec } from '../../compiler/models/compile-spec.ts';
import { InMemoryFeatureSource } from '../../runtime/models/features/in-memory.ts';
import type { CustomerRecord } from '../../runtime/models/features/source.ts';
import { seededRng } from '../../runtime/models/rng.ts';
import { scoreModel } from '../../runtime/models/score-model.ts';
import { kmeans, searchK } from '../../runtime/models/train/kmeans.ts';
import { trainModel } from '../../runtime/models/train-model.ts';
import { tempStore } from './support/store.ts';

/** Points around planted centres, labelled with the centre they came from. */
function planted(centres: number[][], perCluster: number, spread: number, seed: number) {
  const rng = seededRng(seed);
  const dims = centres[0]!.length;
  const x = new Float32Array(centres.length * perCluster * dims);
  const truth: number[] = [];
  let row = 0;
  centres.forEach((c, k) => {
    for (let i = 0; i < perCluster; i++, row++) {
      for (let d = 0; d < dims; d++) x[row * dims + d] = c[d]! + rng.normal() * spread;
      truth.push(k);
    }
  });
  return { x, dims, truth };
}

/** Share of pairs on which two clusterings agree (Rand index). */
function randIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let agree = 0;
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      agree += (a[i] === a[j]) === (b[i] === b[j]) ? 1 : 0;
      total++;
    }
  }
  return agree / total;
}

const centres = [
  [0, 0],
  [8, 0],
  [0, 8],
  [8, 8],
];

describe('k-means', () => {
  it('recovers planted clusters', () => {
    const { x, dims, truth } = planted(centres, 50, 0.8, 1);
    const { assignment, model } = kmeans(x, dims, 4, 42);
    expect(randIndex(assignment, truth)).toBe(1);
    expect(model.sizes).toEqual([50, 50, 50, 50]);
  });

  it('finds k = 4 by silhouette and by elbow', () => {
    const { x, dims } = planted(centres, 40, 0.8, 2);
    expect(searchK(x, dims, [2, 7], 'silhouette', 42).model.k).toBe(4);
    expect(searchK(x, dims, [2, 7], 'elbow', 42).model.k).toBe(4);
  });

  it('is deterministic for a seed', () => {
    const { x, dims } = planted(centres, 30, 2.5, 3);
    expect(kmeans(x, dims, 4, 9).model).toEqual(kmeans(x, dims, 4, 9).model);
  });

  it('trains a clusters model end to end and writes cluster ids with names', async () => {
    const { x, truth } = planted(centres, 30, 0.8, 4);
    const customers: CustomerRecord[] = truth.map((_, i) => ({ id: `c${String(i).padStart(3, '0')}`, a: x[i * 2]!, b: x[i * 2 + 1]! }));
    const source = new InMemoryFeatureSource(
      { customers, events: customers.map((c) => ({ customer_id: c.id, type: 'purchase', at: 0 })) },
      { names: ['a', 'b'], features: [(c) => c.a, (c) => c.b], horizonMs: 0 },
    );
    const spec = compileModelSpec('shape', {
      type: 'clusters',
      features: { a: 'a', b: 'b' },
      clusters: { k_range: [2, 6], names: ['one', 'two', 'three', 'four', 'five', 'six'] },
      evaluation: { min_silhouette: 0.5 },
    });
    const store = tempStore();
    const trained = await trainModel(spec, source, store, { asOf: new Date(1000) });
    expect(trained.status).toBe('activated');
    expect(trained.version.metrics.k).toBe(4);
    expect(trained.version.metrics.silhouette).toBeGreaterThan(0.7);
    const scored = await scoreModel(spec, source, store, new Date(1000));
    expect(Object.values(scored.distribution).sort()).toEqual([30, 30, 30, 30]);
    const rows = await store.readScores('shape');
    const byCluster = new Map(rows.map((r, i) => [truth[i], r.cluster]));
    expect(new Set(byCluster.values()).size).toBe(4);
    expect(rows.every((r) => ['one', 'two', 'three', 'four'].includes(r.tier!))).toBe(true);
  });
});

describe('clusters on skewed features', () => {
  it('a few extreme customers do not take a cluster of their own', async () => {
    // Two groups by spend (log-normal, around 20 and 150) and a handful of customers spending thousands of times more.
    const rng = seededRng(12);
    const customers: CustomerRecord[] = Array.from({ length: 400 }, (_, i) => ({
      id: `c${String(i).padStart(3, '0')}`,
      visits: i < 200 ? 1 + rng.int(4) : 3 + rng.int(4),
      spend: Math.exp((i < 200 ? 3 : 5) + rng.normal() * 0.5) * (i % 100 === 0 ? 5000 : 1),
    }));
    const source = new InMemoryFeatureSource(
      { customers, events: customers.map((c) => ({ customer_id: c.id, type: 'purchase', at: 0 })) },
      { names: ['visits', 'spend'], features: [(c) => c.visits, (c) => c.spend], horizonMs: 0 },
    );
    const spec = compileModelSpec('shoppers', { type: 'clusters', features: { visits: 'visits', spend: 'spend' }, clusters: { k: 2 } });
    const trained = await trainModel(spec, source, tempStore(), { asOf: new Date(1000) });
    const sizes = (trained.version.artifact.model as { sizes: number[] }).sizes;
    expect(Math.min(...sizes)).toBeGreaterThan(150);
    expect(trained.version.artifact.preprocessor!.logged).toEqual([1]);
  });
});

describe('cluster order', () => {
  it('order_by numbers clusters by a feature, highest mean first, so names keep their meaning', async () => {
    // Three groups by spend; the biggest group spends least, so by size the order would differ.
    const rng = seededRng(31);
    const groups = [
      { n: 30, spend: 900 },
      { n: 60, spend: 300 },
      { n: 120, spend: 20 },
    ];
    const customers: CustomerRecord[] = [];
    groups.forEach((g, k) => {
      for (let i = 0; i < g.n; i++)
        customers.push({
          id: `c${k}_${String(i).padStart(3, '0')}`,
          spend: g.spend * (1 + 0.1 * rng.normal()),
          visits: 5 + k + 0.1 * rng.normal(),
        });
    });
    const source = new InMemoryFeatureSource(
      { customers, events: customers.map((c) => ({ customer_id: c.id, type: 'purchase', at: 0 })) },
      { names: ['spend', 'visits'], features: [(c) => c.spend, (c) => c.visits], horizonMs: 0 },
    );
    const spec = compileModelSpec('spenders', {
      type: 'clusters',
      features: { spend: 'spend', visits: 'visits' },
      clusters: { k: 3, order_by: 'spend', names: ['big', 'middle', 'small'] },
    });
    const store = tempStore();
    const trained = await trainModel(spec, source, store, { asOf: new Date(1000) });
    expect((trained.version.artifact.model as { sizes: number[] }).sizes).toEqual([30, 60, 120]);
    const scored = await scoreModel(spec, source, store, new Date(1000));
    expect(scored.distribution).toEqual({ big: 30, middle: 60, small: 120 });
    const rows = await store.readScores('spenders');
    expect(rows.filter((r) => r.customerId.startsWith('c0_')).every((r) => r.tier === 'big' && r.cluster === 1)).toBe(true);
    expect(rows.filter((r) => r.customerId.startsWith('c2_')).every((r) => r.tier === 'small' && r.cluster === 3)).toBe(true);
  });
});
