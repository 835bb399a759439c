import { compileModelSpec, type RawModelSpec } from '../../../compiler/models/compile-spec.ts';
import type { ModelJobSpec } from '../../../compiler/contract/model-job.ts';
import type { CompiledFeatures } from '../../../runtime/models/features/in-memory.ts';
import type { CustomerRecord, EventRecord, ItemRecord, RowFunction } from '../../../runtime/models/features/source.ts';
import { seededRng } from '../../../runtime/models/rng.ts';

export const DAY = 86_400_000;
export const START = Date.UTC(2024, 0, 1);
export const END = Date.UTC(2025, 0, 1);

/**
 * A small shop: each customer has a hidden activity rate; purchases arrive as a Poisson process at
 * that rate, so recency/frequency/monetary before a cut-off predict a purchase after it. Each
 * customer also has a favourite category (taste) and buys items mostly from it: planted affinity.
 */
export function generateShop(options: { customers: number; seed: number; categories?: number; itemsPerCategory?: number }) {
  const rng = seededRng(options.seed);
  const categories = options.categories ?? 5;
  const perCategory = options.itemsPerCategory ?? 12;
  const items: ItemRecord[] = [];
  for (let c = 0; c < categories; c++) {
    for (let i = 0; i < perCategory; i++) items.push({ id: `i${c}_${i}`, category: `cat${c}`, price: 5 + c * 10 + i });
  }
  const customers: CustomerRecord[] = [];
  const events: EventRecord[] = [];
  for (let n = 0; n < options.customers; n++) {
    const id = `c${String(n).padStart(5, '0')}`;
    const taste = rng.int(categories);
    // Activity: most customers are occasional, some frequent; purchases per 30 days.
    const rate = rng.next() < 0.35 ? 0.02 + rng.next() * 0.05 : 0.2 + rng.next() * 1.5;
    customers.push({ id, country: rng.next() < 0.8 ? 'United Kingdom' : 'France', taste: `cat${taste}` });
    let t = START + rng.next() * 60 * DAY;
    while (true) {
      t += (-Math.log(Math.max(rng.next(), 1e-9)) / rate) * 30 * DAY;
      if (t >= END) break;
      const category = rng.next() < 0.85 ? taste : rng.int(categories);
      // Within a category, items are unevenly popular.
      const item = `i${category}_${Math.min(perCategory - 1, Math.floor(-Math.log(Math.max(rng.next(), 1e-9)) * 3))}`;
      events.push({ customer_id: id, type: 'purchase', at: Math.round(t), item_id: item, amount: 10 + rng.next() * 90 });
    }
  }
  return { customers, events, items };
}

/** Hand-compiled RFM features and the repurchase label, with the rule DSL's meaning. */
export function rfmFeatures(horizonDays = 90): CompiledFeatures {
  const purchases = (events: readonly EventRecord[]) => events.filter((e) => e.type === 'purchase');
  const within = (events: readonly EventRecord[], asOf: Date, days: number) =>
    purchases(events).filter((e) => e.at >= asOf.getTime() - days * DAY && e.at <= asOf.getTime());
  const recency: RowFunction = (_c, events, asOf) => {
    const last = purchases(events).at(-1);
    return last ? (asOf.getTime() - last.at) / DAY : null;
  };
  const frequency: RowFunction = (_c, events, asOf) => within(events, asOf, 365).length;
  const monetary: RowFunction = (_c, events, asOf) => within(events, asOf, 365).reduce((s, e) => s + (e.amount as number), 0);
  const countryUk: RowFunction = (c) => c.country === 'United Kingdom';
  const label: RowFunction = (_c, events, asOf) =>
    purchases(events).some((e) => e.at > asOf.getTime() && e.at <= asOf.getTime() + horizonDays * DAY);
  return {
    names: ['recency', 'frequency', 'monetary', 'country_uk'],
    features: [recency, frequency, monetary, countryUk],
    label,
    horizonMs: horizonDays * DAY,
  };
}

export function repurchaseSpec(overrides: Partial<RawModelSpec> = {}): ModelJobSpec {
  return compileModelSpec('repurchase_90d', {
    type: 'propensity',
    label: 'exists(purchase within next 90d)',
    features: {
      recency: 'days_since(last(purchase).at)',
      frequency: 'count(purchase within 365d)',
      monetary: 'sum(purchase.amount within 365d)',
      country_uk: 'country = "United Kingdom"',
    },
    tiers: { high: 0.2, medium: 0.3, low: 0.5 },
    evaluation: { holdout: 0.25, min_auc: 0.6 },
    training: { epochs: 20, seed: 7 },
    ...overrides,
  });
}
