import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileModelSpec } from '../../compiler/models/compile-spec.ts';
import { checkBar, gapToReference } from '../../runtime/models/bar.ts';
import { InMemoryFeatureSource, type CompiledFeatures } from '../../runtime/models/features/in-memory.ts';
import type { EventRecord } from '../../runtime/models/features/source.ts';
import { fromRows } from '../../runtime/models/matrix.ts';
import { topShare } from '../../runtime/models/metrics.ts';
import { seededRng } from '../../runtime/models/rng.ts';
import { scoreModel } from '../../runtime/models/score-model.ts';
import { bestSingleFeature } from '../../runtime/models/train/single-feature.ts';
import { trainModel } from '../../runtime/models/train-model.ts';
import { DAY, END, generateShop, repurchaseSpec, rfmFeatures } from './support/generate.ts';
import { tempStore } from './support/store.ts';

const shop = generateShop({ customers: 600, seed: 17 });
const asOf = new Date(END);

describe('the reference model', () => {
  it('is fitted on the same split and reported beside the model and the best single feature', async () => {
    const store = tempStore();
    const spec = repurchaseSpec({
      training: { seed: 7 },
      evaluation: { holdout: 0.3, reference: ['recency', 'frequency'], max_gap_to_reference: 0.05, min_auc: 0.6 },
    });
    const outcome = await trainModel(spec, new InMemoryFeatureSource(shop, rfmFeatures()), store, { asOf });
    if (outcome.status === 'unchanged') throw new Error('unreachable');
    expect(outcome.status).toBe('activated');
    const { metrics, reference } = outcome.version;
    expect(reference!.name).toBe('logistic regression on recency, frequency only');
    expect(Object.keys(reference!.metrics)).toEqual(['auc', 'log_loss', 'brier']);
    expect(reference!.metrics.auc).toBeGreaterThan(0.6);
    expect(gapToReference('propensity', metrics, reference!.metrics)!).toBeLessThan(0.05);
    const md = readFileSync(join(store.root, 'repurchase_90d/v1/report.md'), 'utf8');
    expect(md).toContain('| metric | model | baseline | reference |');
    expect(md).toContain('Reference: logistic regression on recency, frequency only, fitted and measured on the same split.');
    const roc = readFileSync(join(store.root, 'repurchase_90d/v1/roc.svg'), 'utf8');
    expect(roc).toContain('reference model (AUC');
    expect(roc).toContain('best single feature (AUC');
  });

  it('keeps a model that falls behind it from being used, and says by how much', async () => {
    // A network barely trained (one epoch at a tiny step) against a reference fitted properly.
    const spec = repurchaseSpec({
      algorithm: 'neural_network',
      evaluation: { holdout: 0.3, reference: ['frequency'], max_gap_to_reference: 0.02 },
      training: { epochs: 1, learning_rate: 0.00001, seed: 3, hidden_units: [4] },
    });
    const store = tempStore();
    const outcome = await trainModel(spec, new InMemoryFeatureSource(shop, rfmFeatures()), store, { asOf });
    if (outcome.status === 'unchanged') throw new Error('unreachable');
    expect(outcome.status).toBe('rejected');
    expect(outcome.version.reasons).toEqual([
      expect.stringMatching(/^the model is 0\.\d+ AUC points behind the reference model, beyond max_gap_to_reference: 0\.02$/),
    ]);
    expect(await store.active('repurchase_90d')).toBeUndefined();
  });

  it('the gap bar: AUC points for propensity, relative RMSE for regression', () => {
    expect(checkBar('propensity', { max_gap_to_reference: 0.01 }, { auc: 0.74 }, {}, { auc: 0.745 })).toEqual([]);
    expect(checkBar('propensity', { max_gap_to_reference: 0.01 }, { auc: 0.72 }, {}, { auc: 0.745 })).toEqual([
      'the model is 0.0250 AUC points behind the reference model, beyond max_gap_to_reference: 0.01',
    ]);
    expect(checkBar('regression', { max_gap_to_reference: 0.05 }, { rmse: 110 }, {}, { rmse: 100 })).toEqual([
      'the model has 10.0% higher RMSE than the reference model, beyond max_gap_to_reference: 0.05',
    ]);
    expect(checkBar('regression', { max_gap_to_reference: 0.05 }, { rmse: 90 }, {}, { rmse: 100 })).toEqual([]);
    expect(checkBar('propensity', { max_gap_to_reference: 0.01 }, { auc: 0.7 }, {})).toEqual([
      'the gap to the reference model could not be measured (bar max_gap_to_reference: 0.01)',
    ]);
  });
});

describe('the best single feature', () => {
  it('is chosen on the training rows, in the direction that ranks better, missing values last', () => {
    // Column a ranks the labels perfectly, upside down; b only half; c is missing for the positives.
    const x = fromRows([
      [4, 1, NaN],
      [3, 0, NaN],
      [2, 1, 5],
      [1, 0, 6],
    ]);
    const y = Float64Array.from([0, 0, 1, 1]);
    const quality = (s: Float64Array) => {
      let right = 0;
      for (let i = 0; i < 4; i++)
        for (let j = 0; j < 4; j++) if (y[i] === 1 && y[j] === 0) right += s[i]! > s[j]! ? 1 : s[i] === s[j] ? 0.5 : 0;
      return right / 4;
    };
    expect(bestSingleFeature(['a', 'b', 'c'], x, quality)).toMatchObject({ name: 'a', direction: -1, quality: 1 });
  });
});

describe('regression', () => {
  /** Spend in the 90 days after the cut-off, and the RFM features. */
  const spend = (): CompiledFeatures => {
    const rfm = rfmFeatures();
    return {
      ...rfm,
      label: (_c, events: readonly EventRecord[], at: Date) =>
        events
          .filter((e) => e.type === 'purchase' && e.at > at.getTime() && e.at <= at.getTime() + 90 * DAY)
          .reduce((s, e) => s + (e.amount as number), 0),
    };
  };
  const valueSpec = (target: 'raw' | 'log', lift = 1.02) =>
    compileModelSpec('value_90d', {
      type: 'regression',
      label: 'sum(purchase.amount within next 90d)',
      features: { recency: 'r', frequency: 'f', monetary: 'm', country_uk: 'c' },
      evaluation: { reference: ['frequency'], ...(lift > 0 ? { min_lift_over_baseline: lift } : {}) },
      training: { seed: 5, target },
    });

  it('fits the label, beats the training mean, and reports the top-20% share beside the best single feature', async () => {
    const store = tempStore();
    const outcome = await trainModel(valueSpec('raw'), new InMemoryFeatureSource(shop, spend()), store, { asOf });
    if (outcome.status === 'unchanged') throw new Error('unreachable');
    expect(outcome.version.reasons).toEqual([]);
    const { metrics, baseline, reference } = outcome.version;
    expect(metrics.rmse).toBeLessThan(baseline.metrics.rmse! / 1.02);
    expect(metrics.r2).toBeGreaterThan(0.08); // out of time: the folds learn from an earlier snapshot
    expect(metrics.top_20_share).toBeGreaterThan(0.25); // a random fifth would hold about 0.2
    expect(baseline.name).toBe('the training mean; sorting by the best single feature for the top-20% share');
    expect(baseline.metrics.top_20_share).toBeGreaterThan(0.2);
    expect(reference!.name).toBe('linear regression on frequency only');
    const scored = await scoreModel(valueSpec('raw'), new InMemoryFeatureSource(shop, spend()), store, asOf);
    expect(await store.readScores('value_90d')).toHaveLength(scored.customers);
  });

  it('a log target predicts within [0, scale × the largest label] where the raw one goes negative, both measured on the same folds', async () => {
    // Each customer buys at their own scale (log-normal): a few spend a hundred times the typical.
    const rng = seededRng(99);
    const scaleOf = new Map(shop.customers.map((c) => [c.id, Math.exp(1.5 * rng.normal())]));
    const tailed = {
      ...shop,
      events: shop.events.map((e) => ({ ...e, amount: 20 * scaleOf.get(e.customer_id)! * Math.exp(0.3 * rng.normal()) })),
    };
    const fit = async (target: 'raw' | 'log') => {
      const store = tempStore();
      const outcome = await trainModel(valueSpec(target, 0), new InMemoryFeatureSource(tailed, spend()), store, { asOf });
      await scoreModel(valueSpec(target, 0), new InMemoryFeatureSource(tailed, spend()), store, asOf);
      return { version: outcome.version, scores: (await store.readScores('value_90d')).map((r) => r.score!) };
    };
    const raw = await fit('raw');
    const log = await fit('log');
    // (Out of time the log target is not better here: each fold learns from a shorter history,
    // and the back-transform's exp amplifies the drift. The backtest shows it; the raw fit is kept honest.)
    expect(Number.isFinite(log.version.metrics.mae!) && Number.isFinite(raw.version.metrics.mae!)).toBe(true);
    expect(log.version.metrics.top_20_share).toBeGreaterThan(0.25);
    const { scale, max } = (log.version.artifact.model as { target?: { log?: { scale: number; max: number } } }).target!.log!;
    expect(scale).toBeGreaterThan(0);
    expect(log.scores.every((v) => v >= 0 && v <= scale * max + 1e-6)).toBe(true);
    expect(raw.scores.some((v) => v < 0)).toBe(true); // what the log target avoids
  });

  it('the top-20% share: the part of the total the highest predictions hold', () => {
    expect(topShare([10, 0, 0, 0, 0], [5, 4, 3, 2, 1])).toBe(1);
    expect(topShare([0, 0, 0, 0, 10], [5, 4, 3, 2, 1])).toBe(0);
    expect(topShare([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0])).toBe(0.2);
    expect(topShare([0, 0], [1, 2])).toBeNaN();
  });
});
