import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootstrapOverFolds } from '../../runtime/models/backtest/bootstrap.ts';
import { temporalFolds } from '../../runtime/models/backtest/folds.ts';
import { checkBar, gapToReference } from '../../runtime/models/bar.ts';
import { initBackend } from '../../runtime/models/backend.ts';
import { fitEase, invertSpdInPlace } from '../../runtime/models/recommend/ease.ts';
import { fitPureSvd, scorePureSvd, symmetricEigen } from '../../runtime/models/recommend/pure-svd.ts';
import { seededRng } from '../../runtime/models/rng.ts';
import { fitGlm } from '../../runtime/models/train/irls.ts';
import { fitLinear } from '../../runtime/models/train/linear-models.ts';
import { predictDense } from '../../runtime/models/train/dense.ts';

const DAY = 86_400_000;

describe('temporal folds', () => {
  it('no fold sees its future: training ends at the cut-off, backtest windows end by the final cut-off, cut-offs ascend', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000 * DAY, max: 20_000 * DAY }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 120 }),
        (end, windowDays, count, stepDays) => {
          const plan = temporalFolds(end, windowDays * DAY, count, stepDays * DAY);
          expect(plan.backtest).toHaveLength(count);
          expect(plan.final).toMatchObject({
            cutoff: end - windowDays * DAY,
            testEnd: end,
            final: true,
            index: count + 1,
          });
          let previous = -Infinity;
          for (const f of plan.backtest) {
            expect(f.final).toBe(false);
            expect(f.testEnd - f.cutoff).toBe(windowDays * DAY); // judged on the window after its cut-off
            expect(f.testEnd).toBeLessThanOrEqual(plan.final.cutoff); // never reads the final fold's outcomes
            expect(f.cutoff).toBeGreaterThan(previous);
            previous = f.cutoff;
          }
          expect(plan.backtest.at(-1)!.testEnd).toBe(plan.final.cutoff);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a plan without folds or window', () => {
    expect(() => temporalFolds(1e12, 0, 3, DAY)).toThrow(/positive window/);
    expect(() => temporalFolds(1e12, DAY, 0, DAY)).toThrow(/at least one fold/);
  });
});

describe('bootstrap intervals', () => {
  it('bracket the mean, shrink with more customers, and collapse for a constant metric', () => {
    const values = (n: number) => Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const mean = (v: Float64Array) => (_f: number, rows: Int32Array) => rows.reduce((s, r) => s + v[r]!, 0) / rows.length;
    const small = bootstrapOverFolds([60, 60], mean(values(60)));
    const large = bootstrapOverFolds([6000, 6000], mean(values(6000)));
    expect(small.low).toBeLessThan(small.mean);
    expect(small.high).toBeGreaterThan(small.mean);
    expect(large.high - large.low).toBeLessThan((small.high - small.low) / 4);
    const flat = bootstrapOverFolds([50], () => 0.25);
    expect(flat).toEqual({ mean: 0.25, low: 0.25, high: 0.25 });
  });
});

describe('EASE', () => {
  it('matches the closed form derived by hand on a two-item matrix', () => {
    // Two customers bought both items, one bought only item 0 (strength log(2) each).
    // G = s²·[[3, 2], [2, 2]] + λI; B01 = −P01/P11 = G01/G00 (2×2 inverse), B10 = G10/G11.
    const s2 = Math.log(2) ** 2;
    const lambda = 0.5;
    const histories = [
      new Map([
        [0, 1],
        [1, 1],
      ]),
      new Map([
        [0, 1],
        [1, 1],
      ]),
      new Map([[0, 1]]),
    ];
    const model = fitEase(histories, 2, {
      lambda,
      maxItems: 10,
      neighbours: 10,
    });
    expect(model.index[0]).toEqual([1]);
    expect(model.sim[0]![0]).toBeCloseTo((2 * s2) / (3 * s2 + lambda), 12);
    expect(model.sim[1]![0]).toBeCloseTo((2 * s2) / (2 * s2 + lambda), 12);
  });

  it('inverts a symmetric positive definite matrix', () => {
    const a = Float64Array.from([4, 1, 0, 1, 3, 1, 0, 1, 2]);
    const inv = Float64Array.from(a);
    invertSpdInPlace(inv, 3);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += a[i * 3 + k]! * inv[k * 3 + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
      }
  });
});

describe('PureSVD', () => {
  // 60 customers × 12 items, built from three planted tastes: near rank 3 plus a little noise.
  const rng = seededRng(4);
  const histories = Array.from({ length: 60 }, (_, u) => {
    const h = new Map<number, number>();
    for (let i = 0; i < 12; i++) if (Math.floor(i / 4) === u % 3 ? rng.next() < 0.8 : rng.next() < 0.05) h.set(i, 1 + rng.int(3));
    return h;
  });
  const dense = histories.map((h) => Float64Array.from({ length: 12 }, (_, i) => (h.has(i) ? Math.log1p(h.get(i)!) : 0)));

  it('finds the top singular values and orthonormal item factors of the customer × item matrix', () => {
    // Exact: the eigenvalues of XᵀX are the squared singular values.
    const xtx = new Float64Array(144);
    for (const row of dense) for (let a = 0; a < 12; a++) for (let b = 0; b < 12; b++) xtx[a * 12 + b]! += row[a]! * row[b]!;
    const exact = [...symmetricEigen(Float64Array.from(xtx), 12).values].sort((a, b) => b - a).map((v) => Math.sqrt(Math.max(0, v)));
    const model = fitPureSvd(histories, 12, { rank: 4, iterations: 20, oversample: 4, seed: 1 });
    expect(model.rank).toBe(4);
    for (let k = 0; k < 4; k++) expect(model.singular[k]).toBeCloseTo(exact[k]!, 6);
    for (let a = 0; a < 4; a++)
      for (let b = 0; b < 4; b++) {
        let dot = 0;
        for (let i = 0; i < 12; i++) dot += model.v[i * 4 + a]! * model.v[i * 4 + b]!;
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 8);
      }
  });

  it('scores a customer by projecting onto the top factors, one vector per rank asked', () => {
    const model = fitPureSvd(histories, 12, { rank: 3, iterations: 6, oversample: 4, seed: 1 });
    const [r1, r3] = scorePureSvd(model, histories[0]!, [1, 3]);
    const row = dense[0]!;
    for (const [scores, r] of [
      [r1!, 1],
      [r3!, 3],
    ] as const) {
      for (let i = 0; i < 12; i++) {
        let s = 0;
        for (let k = 0; k < r; k++) {
          let p = 0;
          for (let j = 0; j < 12; j++) p += row[j]! * model.v[j * 3 + k]!;
          s += p * model.v[i * 3 + k]!;
        }
        expect(scores[i]).toBeCloseTo(s, 10);
      }
    }
    // Customer 0 likes items 0–3: at rank 3 the unseen ones among them outscore every other item.
    const unseen = [0, 1, 2, 3].filter((i) => !histories[0]!.has(i));
    const others = Array.from({ length: 12 }, (_, i) => i).filter((i) => i >= 4 && !histories[0]!.has(i));
    for (const i of unseen) expect(r3![i]!).toBeGreaterThan(Math.max(...others.map((o) => r3![o]!)));
  });
});

describe('IRLS logistic regression', () => {
  it('reaches the known optimum: with one binary input the fitted rates equal the observed rates', async () => {
    await initBackend();
    // x = 0: 30 of 100 positive; x = 1: 70 of 100 positive. The maximum-likelihood logits are
    // log(3/7) and log(7/3), so b = log(3/7) and w = log(7/3) − log(3/7).
    const x = new Float32Array(200);
    const y = new Float64Array(200);
    for (let i = 0; i < 200; i++) {
      x[i] = i < 100 ? 0 : 1;
      y[i] = i < 100 ? (i < 30 ? 1 : 0) : i < 170 ? 1 : 0;
    }
    const fit = fitGlm(x, 1, y, { family: 'logistic', l2: 0 });
    expect(fit.converged).toBe(true);
    expect(fit.b).toBeCloseTo(Math.log(3 / 7), 4);
    expect(fit.w[0]).toBeCloseTo(Math.log(7 / 3) - Math.log(3 / 7), 4);
  });

  it('picks the L2 strength by cross-validation inside the training rows and records the search', async () => {
    await initBackend();
    const rows = 300;
    const cols = 5;
    const x = new Float32Array(rows * cols);
    const y = new Float64Array(rows);
    let seed = 1;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) x[i * cols + j] = rand() * 2 - 1;
      y[i] = rand() < 1 / (1 + Math.exp(-2 * x[i * cols]!)) ? 1 : 0;
    }
    const fit = fitLinear(x, cols, y, { output: 'sigmoid', seed: 3 });
    expect(fit.cv!.map((c) => c.l2)).toEqual([0, 1e-4, 1e-3, 1e-2, 1e-1]);
    expect(fit.cv!.find((c) => c.l2 === fit.l2)!.loss).toBe(Math.min(...fit.cv!.map((c) => c.loss)));
    const p = predictDense(fit.model, x, cols);
    expect(p.every((v) => v > 0 && v < 1)).toBe(true);
    expect(fit.model.layers[0]!.w[0]).toBeGreaterThan(1); // the informative input carries the weight
  });
});

describe('the bar reads the backtest', () => {
  it('rejects a recommender behind the best classic one by more than the allowed gap, and passes one level with it', () => {
    const bar = { min_lift_over_baseline: 1.2, max_gap_to_reference: 0.02 };
    const baseline = { precision_at_k: 0.05 };
    expect(
      checkBar('recommendations', bar, { precision_at_k: 0.0825 }, baseline, {
        precision_at_k: 0.0833,
      }),
    ).toEqual([]);
    const reasons = checkBar('recommendations', bar, { precision_at_k: 0.07 }, baseline, { precision_at_k: 0.0833 });
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/behind the reference model/);
    expect(gapToReference('recommendations', { precision_at_k: 0.09 }, { precision_at_k: 0.1 })).toBeCloseTo(0.1, 10);
    expect(
      checkBar('recommendations', bar, { precision_at_k: 0.055 }, baseline, {
        precision_at_k: 0.05,
      })[0],
    ).toMatch(/lift over the baseline is 1.1000x/);
  });
});
