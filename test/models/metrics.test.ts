import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  auc,
  brier,
  calibration,
  liftByDecile,
  logLoss,
  mae,
  ndcgAtK,
  precisionAtK,
  psi,
  quantileEdges,
  r2,
  recallAtK,
  rmse,
  rocCurve,
} from '../../runtime/models/metrics.ts';

describe('classification metrics', () => {
  it('AUC is 1 for a perfect ranking, 0 for a reversed one and 0.5 for all-tied scores', () => {
    expect(auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(auc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1])).toBe(0);
    expect(auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
  });

  it('AUC matches a hand count of correctly ordered pairs', () => {
    // positives 0.8, 0.4; negatives 0.6, 0.2, 0.4: pairs (pos > neg) = 3 + 1.5 (0.4 vs 0.2 win, 0.4 vs 0.4 tie) → 4.5 / 6
    expect(auc([1, 0, 1, 0, 0], [0.8, 0.6, 0.4, 0.2, 0.4])).toBeCloseTo(4.5 / 6, 12);
  });

  it('AUC is NaN when a class is absent', () => {
    expect(auc([1, 1], [0.2, 0.3])).toBeNaN();
  });

  it('AUC of a random ranking is near 0.5', () => {
    const n = 20000;
    const labels = Array.from({ length: n }, (_, i) => ((i * 7919) % 3 === 0 ? 1 : 0));
    const scores = Array.from({ length: n }, (_, i) => ((i * 104729) % 10007) / 10007);
    expect(Math.abs(auc(labels, scores) - 0.5)).toBeLessThan(0.02);
  });

  it('AUC equals the probability that a random positive outranks a random negative (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 5 })), { minLength: 2, maxLength: 40 }), (rows) => {
        const labels = rows.map(([l]) => (l ? 1 : 0));
        const scores = rows.map(([, s]) => s);
        const pos = rows.filter(([l]) => l).map(([, s]) => s);
        const neg = rows.filter(([l]) => !l).map(([, s]) => s);
        if (pos.length === 0 || neg.length === 0) return;
        let wins = 0;
        for (const p of pos) for (const q of neg) wins += p > q ? 1 : p === q ? 0.5 : 0;
        expect(auc(labels, scores)).toBeCloseTo(wins / (pos.length * neg.length), 10);
      }),
    );
  });

  it('log loss and Brier score match hand-computed values', () => {
    expect(logLoss([1, 0], [0.8, 0.4])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 12);
    expect(brier([1, 0], [0.8, 0.4])).toBeCloseTo((0.04 + 0.16) / 2, 12);
    expect(Number.isFinite(logLoss([1], [0]))).toBe(true); // clipped, not Infinity
  });

  it('calibration puts each prediction in its tenth and averages it', () => {
    const bins = calibration([1, 0, 1, 1], [0.05, 0.08, 0.95, 1], 10);
    expect(bins).toHaveLength(10);
    expect(bins[0]).toMatchObject({ count: 2, observedRate: 0.5 });
    expect(bins[0]!.meanPredicted).toBeCloseTo(0.065, 12);
    expect(bins[9]).toMatchObject({ count: 2, observedRate: 1 });
    expect(bins[5]!.count).toBe(0);
  });

  it('the ROC curve runs from (0,0) to (1,1)', () => {
    const roc = rocCurve([0, 1, 0, 1], [0.1, 0.9, 0.3, 0.6]);
    expect(roc[0]).toEqual({ fpr: 0, tpr: 0 });
    expect(roc.at(-1)).toEqual({ fpr: 1, tpr: 1 });
    expect(roc[2]).toEqual({ fpr: 0, tpr: 1 });
  });

  it('lift by decile puts the best scores first', () => {
    const labels = Array.from({ length: 100 }, (_, i) => (i < 10 ? 1 : 0));
    const scores = Array.from({ length: 100 }, (_, i) => 100 - i);
    const lift = liftByDecile(labels, scores);
    expect(lift[0]).toMatchObject({ decile: 1, count: 10, rate: 1, lift: 10 });
    expect(lift[9]!.lift).toBe(0);
  });
});

describe('regression metrics', () => {
  it('RMSE, MAE and R² match hand-computed values', () => {
    expect(rmse([1, 2, 3], [1, 2, 5])).toBeCloseTo(Math.sqrt(4 / 3), 12);
    expect(mae([1, 2, 3], [2, 2, 1])).toBeCloseTo(1, 12);
    expect(r2([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(r2([1, 2, 3], [2, 2, 2])).toBeCloseTo(0, 12);
  });
});

describe('ranking metrics', () => {
  const relevant = new Set(['a', 'c']);
  it('precision@k and recall@k count hits in the top k', () => {
    expect(precisionAtK(['a', 'b', 'c', 'd'], relevant, 2)).toBe(0.5);
    expect(recallAtK(['a', 'b', 'c', 'd'], relevant, 3)).toBe(1);
  });

  it('nDCG@k is 1 for an ideal order and discounts later hits', () => {
    expect(ndcgAtK(['a', 'c', 'b'], relevant, 3)).toBeCloseTo(1, 12);
    const ideal = 1 + 1 / Math.log2(3);
    expect(ndcgAtK(['b', 'a', 'c'], relevant, 3)).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(4)) / ideal, 12);
  });
});

describe('population stability index', () => {
  it('is 0 for the same distribution and large for a shifted one', () => {
    const base = Array.from({ length: 1000 }, (_, i) => i / 1000);
    const edges = quantileEdges(base, 10);
    expect(psi(base, base, edges)).toBeCloseTo(0, 12);
    const shifted = base.map((v) => Math.min(0.999, v + 0.5));
    expect(psi(base, shifted, edges)).toBeGreaterThan(0.25);
  });
});
