import { describe, expect, it } from 'vitest';
import { compileModelSpec } from '../../compiler/models/compile-spec.ts';
import { InMemoryFeatureSource, type CompiledFeatures } from '../../runtime/models/features/in-memory.ts';
import { fromRows } from '../../runtime/models/matrix.ts';
import { fitPreprocessor, transform } from '../../runtime/models/preprocess.ts';
import { assignTiers } from '../../runtime/models/tiers.ts';
import { scoreModel } from '../../runtime/models/score-model.ts';
import { trainModel } from '../../runtime/models/train-model.ts';
import { DAY, END, generateShop, repurchaseSpec, rfmFeatures } from './support/generate.ts';
import { tempStore } from './support/store.ts';

const shop = generateShop({ customers: 300, seed: 21 });
const asOf = new Date(END);

describe('point-in-time features', () => {
  it('a planted event after the cut-off changes no feature, only the label', async () => {
    const cutoff = new Date(END - 90 * DAY);
    const customer = shop.customers[0]!.id;
    const before = await new InMemoryFeatureSource(shop, rfmFeatures()).snapshot(cutoff, { label: true });
    const future = { customer_id: customer, type: 'purchase', at: cutoff.getTime() + DAY, item_id: 'i0_0', amount: 10_000 };
    // Also an event far beyond the label window: it must not even reach the label.
    const farFuture = { ...future, at: cutoff.getTime() + 400 * DAY };
    const after = await new InMemoryFeatureSource({ ...shop, events: [...shop.events, future, farFuture] }, rfmFeatures()).snapshot(
      cutoff,
      { label: true },
    );
    expect(Array.from(after.x.data)).toEqual(Array.from(before.x.data));
    const row = after.customerIds.indexOf(customer);
    expect(after.labels![row]).toBe(1);
    after.labels![row] = before.labels![row]!;
    expect(Array.from(after.labels!)).toEqual(Array.from(before.labels!));
  });

  it('hands feature functions only events at or before the cut-off, and labels only the window after it', async () => {
    const seen: number[] = [];
    const seenByLabel: number[] = [];
    const features: CompiledFeatures = {
      names: ['n'],
      features: [(_c, events) => (seen.push(...events.map((e) => e.at)), events.length)],
      label: (_c, events) => (seenByLabel.push(...events.map((e) => e.at)), true),
      horizonMs: 10,
    };
    const source = new InMemoryFeatureSource(
      { customers: [{ id: 'a' }], events: [0, 100, 105, 110, 111].map((at) => ({ customer_id: 'a', type: 'purchase', at })) },
      features,
    );
    await source.snapshot(new Date(100), { label: true });
    expect(Math.max(...seen)).toBe(100);
    expect(Math.max(...seenByLabel)).toBe(110);
  });
});

describe('who is in a snapshot', () => {
  const cutoff = new Date(END - 90 * DAY);
  const firstSeen = new Map<string, number>();
  for (const e of shop.events) firstSeen.set(e.customer_id, Math.min(firstSeen.get(e.customer_id) ?? Infinity, e.at));

  it('a training snapshot leaves out customers not seen by the cut-off; scoring as of now has them', async () => {
    const source = new InMemoryFeatureSource(shop, rfmFeatures());
    const training = await source.snapshot(cutoff, { label: true, knownOnly: true });
    const later = [...firstSeen].filter(([, at]) => at > cutoff.getTime()).map(([id]) => id);
    expect(later.length).toBeGreaterThan(0);
    for (const id of later) expect(training.customerIds).not.toContain(id);
    expect(training.customerIds).toEqual(
      [...firstSeen]
        .filter(([, at]) => at <= cutoff.getTime())
        .map(([id]) => id)
        .sort(),
    );
    const now = await source.snapshot(asOf, { label: false, knownOnly: true });
    for (const id of later) expect(now.customerIds).toContain(id);
  });

  it('the population rule picks the customers, as of the snapshot', async () => {
    const features: CompiledFeatures = {
      ...rfmFeatures(),
      population: (_c, events) => events.some((e) => e.type === 'purchase' && (e.amount as number) > 90),
    };
    const snap = await new InMemoryFeatureSource(shop, features).snapshot(cutoff, { label: true });
    const bigSpenders = new Set(shop.events.filter((e) => e.at <= cutoff.getTime() && (e.amount as number) > 90).map((e) => e.customer_id));
    expect(snap.customerIds).toEqual([...bigSpenders].sort());
  });

  it('a customer with no events at all gets no score, rather than an average one', async () => {
    const withNewcomer = { ...shop, customers: [...shop.customers, { id: 'zz_newcomer', country: 'France' }] };
    const store = tempStore();
    await trainModel(repurchaseSpec(), new InMemoryFeatureSource(withNewcomer, rfmFeatures()), store, { asOf });
    const scored = await scoreModel(repurchaseSpec(), new InMemoryFeatureSource(withNewcomer, rfmFeatures()), store, asOf);
    expect(scored.customers).toBe(firstSeen.size);
    expect((await store.readScores('repurchase_90d')).map((r) => r.customerId)).not.toContain('zz_newcomer');
  });
});

describe('preprocessing', () => {
  it('standardizes with training statistics, imputes NaN/Infinity with the mean and flags them', () => {
    const x = fromRows([
      [1, 10],
      [3, NaN],
      [5, Infinity],
      [7, 30],
    ]);
    const { prep, issues } = fitPreprocessor(['a', 'b'], x);
    expect(prep.means).toEqual([4, 20]);
    expect(prep.outputs).toEqual(['a', 'b', 'b_missing']);
    expect(issues).toEqual([{ kind: 'non_finite', feature: 'b', count: 2, nan: 1, infinite: 1 }]);
    const t = transform(prep, x);
    expect(t[1 * 3 + 1]).toBe(0); // imputed at the mean
    expect(t[1 * 3 + 2]).toBe(1); // flagged
    expect(t[0 * 3 + 2]).toBe(0);
    expect(Array.from(t).every(Number.isFinite)).toBe(true);
  });

  it('reports constant and always-missing features', () => {
    const { issues } = fitPreprocessor(
      ['c', 'm'],
      fromRows([
        [2, NaN],
        [2, NaN],
      ]),
    );
    expect(issues.map((i) => i.kind)).toEqual(['constant', 'always_missing']);
  });
});

describe('bad training input', () => {
  const withFeature = (extra: CompiledFeatures['features'][number]): CompiledFeatures => {
    const base = rfmFeatures();
    return { ...base, names: [...base.names, 'extra'], features: [...base.features, extra] };
  };

  it('a label constant on the training data', async () => {
    const features = { ...rfmFeatures(), label: () => false };
    const err = await trainModel(repurchaseSpec(), new InMemoryFeatureSource(shop, features), tempStore(), { asOf }).catch((e) => e);
    expect(err.problem).toMatchObject({ code: 'HL571', message: 'the label of model repurchase_90d is false for every training customer' });
  });

  it('too few rows for the holdout', async () => {
    const tiny = { ...shop, customers: shop.customers.slice(0, 12) };
    const err = await trainModel(repurchaseSpec(), new InMemoryFeatureSource(tiny, rfmFeatures()), tempStore(), { asOf }).catch((e) => e);
    expect(err.problem.code).toBe('HL570');
    expect(err.problem.message).toMatch(/training rows and \d+ test rows; it needs at least 20 and 10/);
  });

  it('a feature always missing', async () => {
    const err = await trainModel(
      repurchaseSpec(),
      new InMemoryFeatureSource(
        shop,
        withFeature(() => null),
      ),
      tempStore(),
      { asOf },
    ).catch((e) => e);
    expect(err.problem).toMatchObject({
      code: 'HL573',
      message: 'feature "extra" of model repurchase_90d is missing for every training customer',
    });
  });

  it('NaN and Infinity values are imputed, flagged and reported, and training goes on', async () => {
    const odd = withFeature((c) => (c.id.endsWith('3') ? NaN : c.id.endsWith('7') ? Infinity : 1 + c.id.length));
    const outcome = await trainModel(repurchaseSpec(), new InMemoryFeatureSource(shop, odd), tempStore(), { asOf });
    if (outcome.status === 'unchanged') throw new Error('unreachable');
    const codes = outcome.problems.map((p) => `${p.code} ${p.message}`);
    expect(codes.some((c) => c.startsWith('HL574 feature "extra"') && c.includes('flagged in "extra_missing"'))).toBe(true);
    expect(Number.isFinite(outcome.version.metrics.auc)).toBe(true);
  });

  it('a constant feature: a warning, and training goes on', async () => {
    const outcome = await trainModel(
      repurchaseSpec(),
      new InMemoryFeatureSource(
        shop,
        withFeature(() => 3),
      ),
      tempStore(),
      { asOf },
    );
    if (outcome.status === 'unchanged') throw new Error('unreachable');
    expect(outcome.problems).toContainEqual({
      code: 'HL580',
      severity: 'warning',
      model: 'repurchase_90d',
      message: 'feature "extra" of model repurchase_90d is 3 for every training customer',
    });
    expect(Number.isFinite(outcome.version.metrics.auc)).toBe(true);
  });

  it('a propensity label that is not true/false, and a regression label that is missing', async () => {
    const counted = { ...rfmFeatures(), label: () => 2 };
    const err = await trainModel(repurchaseSpec(), new InMemoryFeatureSource(shop, counted), tempStore(), { asOf }).catch((e) => e);
    expect(err.problem).toMatchObject({
      code: 'HL581',
      message: 'the label of model repurchase_90d must be true/false, but a value is 2',
      help: 'use exists(...) or a comparison',
    });
    const value = compileModelSpec('value', {
      type: 'regression',
      label: 'sum(purchase.amount within next 90d)',
      features: { recency: 'r', frequency: 'f', monetary: 'm', country_uk: 'c' },
    });
    const missing = { ...rfmFeatures(), label: (c: { id: string }) => (c.id.endsWith('5') ? null : 1 + c.id.length) };
    const err2 = await trainModel(value, new InMemoryFeatureSource(shop, missing), tempStore(), { asOf }).catch((e) => e);
    expect(err2.problem).toMatchObject({
      code: 'HL581',
      message: expect.stringMatching(/^the label of model value is missing or not finite for \d+ of \d+ customers$/),
      help: 'wrap it in if(x is null, 0, x)',
    });
  });

  it('a text feature', async () => {
    const err = await trainModel(
      repurchaseSpec(),
      new InMemoryFeatureSource(
        shop,
        withFeature((c) => c.country),
      ),
      tempStore(),
      { asOf },
    ).catch((e) => e);
    expect(err.problem).toMatchObject({ code: 'HL575' });
  });

  it('no events at all', async () => {
    const err = await trainModel(
      repurchaseSpec(),
      new InMemoryFeatureSource({ customers: shop.customers, events: [] }, rfmFeatures()),
      tempStore(),
    ).catch((e) => e);
    expect(err.problem).toMatchObject({ code: 'HL578' });
  });
});

describe('tiers', () => {
  it('split by percentile, top first, with ties broken by position and no tier for a missing score', () => {
    const scores = [0.9, 0.1, 0.5, 0.5, 0.5, 0.3, 0.8, 0.2, 0.7, 0.6, NaN];
    const tiers = assignTiers(scores, [
      { name: 'high', fraction: 0.2 },
      { name: 'medium', fraction: 0.3 },
      { name: 'low', fraction: 0.5 },
    ]);
    expect(tiers).toEqual(['high', 'low', 'medium', 'low', 'low', 'low', 'high', 'low', 'medium', 'medium', null]);
  });
});
