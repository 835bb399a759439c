import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InMemoryFeatureSource } from '../../runtime/models/features/in-memory.ts';
import { ModelError } from '../../runtime/models/problems.ts';
import { scoreModel } from '../../runtime/models/score-model.ts';
import { trainModel } from '../../runtime/models/train-model.ts';
import { transform } from '../../runtime/models/preprocess.ts';
import { predictDense, type DenseModel } from '../../runtime/models/train/dense.ts';
import { DAY, END, generateShop, repurchaseSpec, rfmFeatures } from './support/generate.ts';
import { tempStore } from './support/store.ts';

const shop = generateShop({ customers: 600, seed: 11 });
const source = () => new InMemoryFeatureSource(shop, rfmFeatures());
const asOf = new Date(END);

describe('propensity training', () => {
  it('trains, evaluates beside the best single feature, writes reports and activates', async () => {
    const store = tempStore();
    // Fitted to convergence (IRLS): a model held to "as good as the best single feature" must be fitted fully.
    const outcome = await trainModel(repurchaseSpec({ training: { seed: 7 } }), source(), store, { asOf, now: () => new Date(0) });
    expect(outcome.status).toBe('activated');
    if (outcome.status === 'unchanged') throw new Error('unreachable');
    const { metrics, baseline } = outcome.version;
    expect(metrics.auc).toBeGreaterThan(0.6); // backtest means: each fold learns from an earlier, shorter history
    expect(baseline.name).toMatch(/best single feature/);
    // A model on all RFM features is at least about as good as the best one of them alone.
    expect(metrics.auc!).toBeGreaterThan(baseline.metrics.auc! - 0.02);
    expect(metrics.log_loss!).toBeLessThan(baseline.metrics.log_loss!);
    expect(outcome.version.cutoff).toBe(new Date(END - 90 * DAY).toISOString());
    for (const name of ['report.json', 'report.md', 'roc.svg', 'calibration.svg', 'lift.svg']) {
      expect(outcome.version.reports).toContain(`repurchase_90d/v1/${name}`);
      expect(existsSync(join(store.root, 'repurchase_90d/v1', name))).toBe(true);
    }
    const svg = readFileSync(join(store.root, 'repurchase_90d/v1/roc.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('ROC curve');
    const md = readFileSync(join(store.root, 'repurchase_90d/v1/report.md'), 'utf8');
    expect(md).toContain('**Activated**');
    expect(md).toContain('| AUC |');
    const json = JSON.parse(readFileSync(join(store.root, 'repurchase_90d/v1/report.json'), 'utf8'));
    expect(json.calibration).toHaveLength(10);
    expect(json.backtest.folds.map((f: { final: boolean }) => f.final)).toEqual([false, false, false, true]);
    expect(json.backtest.contenders.map((c: { name: string }) => c.name)).toEqual([
      'model',
      'logistic regression',
      'best single feature',
      'base rate',
    ]);
    expect(md).toContain('## Final test fold');
    expect((await store.active('repurchase_90d'))?.version).toBe(1);
  });

  it('is deterministic: same data and seed give the same weights and metrics', async () => {
    const a = await trainModel(repurchaseSpec(), source(), tempStore(), { asOf });
    const b = await trainModel(repurchaseSpec(), source(), tempStore(), { asOf });
    expect(JSON.stringify(b.version.artifact)).toBe(JSON.stringify(a.version.artifact));
    expect(b.version.metrics).toEqual(a.version.metrics);
    const c = await trainModel(repurchaseSpec({ algorithm: 'neural_network', training: { epochs: 20, seed: 8 } }), source(), tempStore(), {
      asOf,
    });
    expect(JSON.stringify(c.version.artifact)).not.toBe(JSON.stringify(a.version.artifact));
  });

  it('a neural network also trains and is deterministic', async () => {
    const spec = repurchaseSpec({ algorithm: 'neural_network', training: { epochs: 8, seed: 3, hidden_units: [8] } });
    const a = await trainModel(spec, source(), tempStore(), { asOf });
    const b = await trainModel(spec, source(), tempStore(), { asOf });
    expect(a.version.metrics.auc).toBeGreaterThan(0.58);
    expect(JSON.stringify(b.version.artifact)).toBe(JSON.stringify(a.version.artifact));
  });

  it('does not activate a version below its bar, and says why', async () => {
    const store = tempStore();
    const outcome = await trainModel(repurchaseSpec({ evaluation: { holdout: 0.25, min_auc: 0.99 } }), source(), store, { asOf });
    expect(outcome.status).toBe('rejected');
    if (outcome.status === 'unchanged') throw new Error('unreachable');
    expect(outcome.report.reasons[0]).toMatch(/^auc 0\.\d+ is below the bar min_auc: 0\.99$/);
    expect(await store.active('repurchase_90d')).toBeUndefined();
    expect(readFileSync(join(store.root, 'repurchase_90d/v1/report.md'), 'utf8')).toContain('**Not activated**: auc');
    await expect(scoreModel(repurchaseSpec(), source(), store, asOf)).rejects.toMatchObject({
      problem: { code: 'HL572', message: expect.stringContaining('none of its 1 trained versions met the evaluation bar') },
    });
  });

  it('retrains only when the spec or the data changed', async () => {
    const store = tempStore();
    await trainModel(repurchaseSpec(), source(), store, { asOf });
    expect((await trainModel(repurchaseSpec(), source(), store, { asOf })).status).toBe('unchanged');
    const changedSpec = await trainModel(repurchaseSpec({ training: { epochs: 21, seed: 7 } }), source(), store, { asOf });
    expect(changedSpec.status).toBe('activated');
    expect(changedSpec.version.version).toBe(2);
    const moreData = new InMemoryFeatureSource(
      { ...shop, events: [...shop.events, { customer_id: 'c00001', type: 'purchase', at: END - DAY, item_id: 'i0_0', amount: 5 }] },
      rfmFeatures(),
    );
    expect((await trainModel(repurchaseSpec({ training: { epochs: 21, seed: 7 } }), moreData, store, { asOf })).version.version).toBe(3);
  });
});

describe('scoring', () => {
  it('refuses a model that was never trained, telling to run herald train', async () => {
    const err = await scoreModel(repurchaseSpec(), source(), tempStore(), asOf).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).problem).toMatchObject({
      code: 'HL572',
      message: 'model repurchase_90d has never been trained',
      help: 'run `herald train --model repurchase_90d`',
    });
  });

  it('writes a score and a tier for every customer with an event by then, tiers by percentile', async () => {
    const store = tempStore();
    await trainModel(repurchaseSpec(), source(), store, { asOf });
    const outcome = await scoreModel(repurchaseSpec(), source(), store, asOf);
    const known = new Set(shop.events.filter((e) => e.at <= asOf.getTime()).map((e) => e.customer_id));
    expect(known.size).toBeLessThan(shop.customers.length); // some customers never bought: not scored
    expect(outcome.customers).toBe(known.size);
    const high = Math.round(0.2 * known.size);
    const medium = Math.round(0.5 * known.size) - high;
    expect(outcome.distribution).toEqual({ high, medium, low: known.size - high - medium });
    const rows = await store.readScores('repurchase_90d');
    expect(rows.map((r) => r.customerId).sort()).toEqual([...known].sort());
    const highScores = rows.filter((r) => r.tier === 'high').map((r) => r.score!);
    const lowScores = rows.filter((r) => r.tier === 'low').map((r) => r.score!);
    expect(Math.min(...highScores)).toBeGreaterThanOrEqual(Math.max(...lowScores));
    expect(rows.every((r) => r.version === 1 && r.score! >= 0 && r.score! <= 1)).toBe(true);
    expect(outcome.driftReport).toEqual(['repurchase_90d/v1/drift.json', 'repurchase_90d/v1/drift.md', 'repurchase_90d/v1/drift.svg']);
    expect(readFileSync(join(store.root, 'repurchase_90d/v1/drift.md'), 'utf8')).toMatch(
      /Population stability index: \*\*\d+\.\d{3}\*\*, (stable|a moderate shift|drifted)/,
    );
  });

  it("scores with the normalization stored with the model: a customer's score does not depend on who else is scored", async () => {
    const store = tempStore();
    await trainModel(repurchaseSpec(), source(), store, { asOf });
    await scoreModel(repurchaseSpec(), source(), store, asOf);
    const all = await store.readScores('repurchase_90d');
    const few = all.filter((_, i) => i % 50 === 0);
    const alone = new InMemoryFeatureSource(
      { ...shop, customers: shop.customers.filter((c) => few.some((r) => r.customerId === c.id)) },
      rfmFeatures(),
    );
    await scoreModel(repurchaseSpec(), alone, store, asOf);
    const rescored = await store.readScores('repurchase_90d');
    expect(rescored.map((r) => r.customerId)).toEqual(few.map((r) => r.customerId));
    rescored.forEach((r, i) => expect(r.score).toBeCloseTo(few[i]!.score!, 9));
  });

  it('reports no drift when scoring the customers as of the training cut-off', async () => {
    const store = tempStore();
    const trained = await trainModel(repurchaseSpec(), source(), store, { asOf });
    const atCutoff = await scoreModel(repurchaseSpec(), source(), store, new Date(trained.version.cutoff));
    expect(atCutoff.psi).toBeLessThan(0.1);
  });

  it('reports drift when the newest customers look different from training', async () => {
    const store = tempStore();
    await trainModel(repurchaseSpec(), source(), store, { asOf });
    // A year later with no new purchases: everyone's recency grows, scores collapse.
    const later = await scoreModel(repurchaseSpec(), source(), store, new Date(END + 365 * DAY));
    expect(later.psi).toBeGreaterThan(0.25);
    expect(later.problems.map((p) => p.code)).toContain('HL579');
    // The drift report: ten bins of the training deciles, shares summing to 1 on both sides.
    expect(later.drift).toHaveLength(10);
    expect(later.drift!.reduce((s, b) => s + b.newest, 0)).toBeCloseTo(1, 9);
    expect(later.drift!.reduce((s, b) => s + b.training, 0)).toBeCloseTo(1, 9);
    expect(later.drift![0]!.newest).toBeGreaterThan(later.drift![0]!.training); // scores collapsed into the lowest bin
  });

  it('warns when the spec changed since the active version was trained', async () => {
    const store = tempStore();
    await trainModel(repurchaseSpec(), source(), store, { asOf });
    const outcome = await scoreModel(repurchaseSpec({ training: { epochs: 30, seed: 7 } }), source(), store, asOf);
    expect(outcome.problems.map((p) => p.code)).toContain('HL577');
  });
});

describe('large-batch prediction', () => {
  it('gives the same scores whatever the batch size', async () => {
    const trained = await trainModel(
      repurchaseSpec({ algorithm: 'neural_network', training: { epochs: 5, seed: 3, hidden_units: [6] } }),
      source(),
      tempStore(),
      { asOf },
    );
    const a = trained.version.artifact;
    const x = transform(a.preprocessor!, (await source().snapshot(asOf, { label: false })).x);
    const cols = a.preprocessor!.outputs.length;
    const whole = predictDense(a.model as DenseModel, x, cols);
    const batched = predictDense(a.model as DenseModel, x, cols, 7); // many batches, the last one short
    expect(batched.length).toBe(whole.length);
    batched.forEach((v, i) => expect(v).toBeCloseTo(whole[i]!, 6));
  });
});

describe('rules reading a model', () => {
  it('requireTrained names the model never trained and says to run herald train', async () => {
    const { requireTrained } = await import('../../runtime/models/require-trained.ts');
    const store = tempStore();
    await trainModel(repurchaseSpec(), source(), store, { asOf });
    await expect(requireTrained(store, ['repurchase_90d'])).resolves.toBeUndefined();
    await expect(requireTrained(store, ['repurchase_90d', 'churn'])).rejects.toMatchObject({
      problem: {
        code: 'HL572',
        message: 'rules read score(churn) or tier(churn), but model churn has never been trained',
        help: 'run `herald train --model churn`, then `herald score --model churn`',
      },
    });
  });
});
