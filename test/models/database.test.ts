import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runPipeline } from '../../compiler/index.ts';
import type { ModelJobSpec } from '../../compiler/contract/model-job.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { syncSchema } from '../../runtime/db/sync.ts';
import { InMemoryFeatureSource } from '../../runtime/models/features/in-memory.ts';
import { SqlFeatureSource } from '../../runtime/models/features/sql.ts';
import { scoreModel } from '../../runtime/models/score-model.ts';
import { requireModelsForRules, untrainedRuleReads } from '../../runtime/models/require-trained.ts';
import { modelOutputsByCustomer } from '../../runtime/models/store/customer-outputs.ts';
import type { EventRecord } from '../../runtime/models/features/source.ts';
import { DatabaseModelStore } from '../../runtime/models/store/db-store.ts';
import { migrate } from '../../runtime/db/migrate.ts';
import { trainModel } from '../../runtime/models/train-model.ts';
import { forEachDialect } from '../support/postgres.ts';
import { DAY, END, generateShop, rfmFeatures } from './support/generate.ts';

const manifest = runPipeline(join(import.meta.dirname, 'fixtures', 'shop'), { emit: true }).emitted!.manifest as Manifest;

/** The fixture's repurchase model with a population rule: customers who bought something over 90 before. */
function populationJob(): ModelJobSpec {
  const dir = mkdtempSync(join(tmpdir(), 'herald-model-population-'));
  try {
    cpSync(join(import.meta.dirname, 'fixtures', 'shop', 'herald.yaml'), join(dir, 'herald.yaml'));
    writeFileSync(
      join(dir, 'models.yaml'),
      readFileSync(join(import.meta.dirname, 'fixtures', 'shop', 'models.yaml'), 'utf8').replace(
        '  type: propensity\n',
        '  type: propensity\n  population: exists(purchase where amount > 90 within 3650d)\n',
      ),
    );
    const built = runPipeline(dir, { emit: true }).emitted!.manifest as Manifest;
    return built.definitions['Model/repurchase_90d']!.compiled as ModelJobSpec;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const job = (name: string) => manifest.definitions[`Model/${name}`]!.compiled as ModelJobSpec;
const shop = generateShop({ customers: 250, seed: 3 });
const asOf = new Date(END);

async function load(db: Database, events = shop.events) {
  await migrate(db);
  await syncSchema(db, manifest.dataModel);
  await db.kysely
    .insertInto('customers')
    .values(shop.customers.map((c) => ({ id: c.id, country: c.country })))
    .execute();
  for (let i = 0; i < events.length; i += 500) {
    await db.kysely
      .insertInto('events')
      .values(
        events
          .slice(i, i + 500)
          .map((e, k) => ({ id: `e${i + k}`, customer_id: e.customer_id, type: e.type, at: e.at, item_id: e.item_id, amount: e.amount })),
      )
      .execute();
  }
  await db.kysely
    .insertInto('items')
    .values(shop.items.map((it) => ({ id: it.id, category: it.category, price: it.price })))
    .execute();
}

forEachDialect('models on the database', (ctx) => {
  let db: Database;
  let reports = '';
  beforeAll(async () => {
    db = await ctx.fresh();
    await load(db);
    reports = mkdtempSync(join(tmpdir(), 'herald-model-reports-'));
  });
  afterAll(() => reports && rmSync(reports, { recursive: true, force: true }));

  it('the compiled feature SQL agrees with the rules evaluated in memory, as of a cut-off', async () => {
    const cutoff = new Date(END - 90 * DAY);
    const fromSql = await new SqlFeatureSource(db, manifest, job('repurchase_90d')).snapshot(cutoff, { label: true });
    const inMemory = await new InMemoryFeatureSource(shop, rfmFeatures()).snapshot(cutoff, { label: true });
    expect(fromSql.customerIds).toEqual(inMemory.customerIds);
    expect(fromSql.names).toEqual(inMemory.names);
    fromSql.x.data.forEach((v, i) => {
      const w = inMemory.x.data[i]!;
      if (Number.isNaN(w)) expect(v).toBeNaN();
      else expect(v).toBeCloseTo(w, 6);
    });
    expect(Array.from(fromSql.labels!)).toEqual(Array.from(inMemory.labels!));
  });

  it('an event planted after the cut-off changes no feature', async () => {
    const cutoff = new Date(END - 90 * DAY);
    const source = new SqlFeatureSource(db, manifest, job('repurchase_90d'));
    const before = await source.snapshot(cutoff, { label: false });
    await db.kysely
      .insertInto('events')
      .values({
        id: 'planted',
        customer_id: shop.customers[0]!.id,
        type: 'purchase',
        at: cutoff.getTime() + 1,
        item_id: 'i0_0',
        amount: 99_999,
      })
      .execute();
    try {
      const after = await source.snapshot(cutoff, { label: false });
      expect(Array.from(after.x.data)).toEqual(Array.from(before.x.data));
    } finally {
      await db.kysely.deleteFrom('events').where('id', '=', 'planted').execute();
    }
  });

  it('rules reading a model that was never trained stop with HL572, naming who reads it', async () => {
    expect(await untrainedRuleReads(db.kysely, manifest)).toEqual([
      { model: 'repurchase_90d', readers: ['Segment/likely_buyers'], versions: 0 },
    ]);
    await expect(requireModelsForRules(db.kysely, manifest)).rejects.toMatchObject({
      problem: {
        code: 'HL572',
        message:
          'segment likely_buyers reads score(repurchase_90d) or tier(repurchase_90d), but model repurchase_90d has never been trained',
        help: 'run `herald train --model repurchase_90d`, then `herald score --model repurchase_90d`',
      },
    });
  });

  it('trains and scores through the database store: versions, active pointer, model_scores', async () => {
    const store = new DatabaseModelStore(db, reports);
    const spec = job('repurchase_90d');
    const source = new SqlFeatureSource(db, manifest, spec);
    const trained = await trainModel(spec, source, store, { asOf });
    expect(trained.status).toBe('activated');
    expect((await store.active('repurchase_90d'))?.version).toBe(1);
    expect((await trainModel(spec, source, store, { asOf })).status).toBe('unchanged');
    const scored = await scoreModel(spec, source, store, asOf);
    // Customers with no event by then are not scored (the model never saw such a customer).
    const known = new Set(shop.events.filter((e) => e.at <= asOf.getTime()).map((e) => e.customer_id)).size;
    expect(scored.customers).toBe(known);
    const rows = await db.kysely
      .selectFrom('model_scores')
      .select(['customer_id', 'score', 'tier', 'version'])
      .where('model', '=', 'repurchase_90d')
      .execute();
    expect(rows).toHaveLength(known);
    expect(rows.filter((r) => r.tier === 'high')).toHaveLength(Math.round(0.2 * known));
    const reread = await store.get('repurchase_90d', 1);
    expect(reread?.artifact).toEqual(trained.version.artifact);
    expect(reread?.reports).toContain('repurchase_90d/v1/report.md');
    await expect(requireModelsForRules(db.kysely, manifest)).resolves.toBeUndefined();
  });

  it('a reference model and its metrics survive the round trip through the store', async () => {
    const store = new DatabaseModelStore(db, reports);
    const spec = {
      ...job('repurchase_90d'),
      name: 'with_reference',
      evaluation: { ...job('repurchase_90d').evaluation, reference: ['recency', 'frequency'] },
    };
    const trained = await trainModel(spec, new SqlFeatureSource(db, manifest, spec), store, { asOf });
    expect(trained.version.reference?.name).toBe('logistic regression on recency, frequency only');
    expect((await store.get('with_reference', 1))?.reference).toEqual(trained.version.reference);
    expect((await store.get('with_reference', 1))?.baseline).toEqual(trained.version.baseline);
  });

  it('training snapshots leave out customers first seen after the cut-off, and the population rule picks the rest, as in memory', async () => {
    const spec = populationJob();
    const cutoff = new Date(END - 120 * DAY);
    const fromSql = await new SqlFeatureSource(db, manifest, spec).snapshot(cutoff, { label: true, knownOnly: true });
    const bigSpender = (_c: unknown, events: readonly EventRecord[]) =>
      events.some((e) => e.type === 'purchase' && (e.amount as number) > 90);
    const inMemory = await new InMemoryFeatureSource(shop, { ...rfmFeatures(), population: bigSpender }).snapshot(cutoff, {
      label: true,
      knownOnly: true,
    });
    expect(fromSql.customerIds.length).toBeGreaterThan(20);
    expect(fromSql.customerIds.length).toBeLessThan(
      new Set(shop.events.filter((e) => e.at <= cutoff.getTime()).map((e) => e.customer_id)).size,
    );
    expect(fromSql.customerIds).toEqual(inMemory.customerIds);
    expect(Array.from(fromSql.labels!)).toEqual(Array.from(inMemory.labels!));
  });

  it('recommends from the events table and writes model_recommendations', async () => {
    const store = new DatabaseModelStore(db, reports);
    const spec = job('next_items');
    const source = new SqlFeatureSource(db, manifest, spec);
    const trained = await trainModel(spec, source, store, { asOf });
    if (trained.status === 'unchanged') throw new Error('unreachable');
    expect(trained.version.metrics.precision_at_k!).toBeGreaterThan(trained.version.baseline.metrics.precision_at_k!);
    await scoreModel(spec, source, store, asOf);
    const rows = await db.kysely.selectFrom('model_recommendations').selectAll().where('model', '=', 'next_items').execute();
    expect(rows).toHaveLength(250 * 5);
  });

  it('reads an item attribute off the events up to a cut-off, as in memory, and nothing for a property the events lack', async () => {
    const source = new SqlFeatureSource(db, manifest, job('next_items'));
    const cutoff = new Date(END - 100 * DAY);
    const fromDb = await source.itemObservations(['purchase'], 'item_id', 'amount', cutoff);
    const inMemory = await new InMemoryFeatureSource(shop, rfmFeatures()).itemObservations(['purchase'], 'item_id', 'amount', cutoff);
    expect(fromDb.length).toBeGreaterThan(100);
    expect(fromDb.map((o) => [o.itemId, o.at])).toEqual(inMemory.map((o) => [o.itemId, o.at]));
    fromDb.forEach((o, i) => expect(o.value).toBeCloseTo(inMemory[i]!.value, 9));
    expect(fromDb.every((o) => o.at <= cutoff.getTime())).toBe(true);
    expect(await source.itemObservations(['purchase'], 'item_id', 'price', cutoff)).toEqual([]);
  });

  it("reads customers' scores and tiers back for the evaluator and templates, one query for many", async () => {
    const stored = await db.kysely
      .selectFrom('model_scores')
      .select(['customer_id', 'score', 'tier'])
      .where('model', '=', 'repurchase_90d')
      .orderBy('customer_id')
      .limit(3)
      .execute();
    const ids = stored.map((r) => String(r.customer_id));
    const outputs = await modelOutputsByCustomer(db.kysely, [...ids, 'nobody']);
    expect([...outputs.keys()].sort()).toEqual(ids);
    for (const r of stored) {
      expect(outputs.get(String(r.customer_id))!.scores.repurchase_90d).toBeCloseTo(Number(r.score), 12);
      expect(outputs.get(String(r.customer_id))!.tiers.repurchase_90d).toBe(r.tier);
    }
    expect(await modelOutputsByCustomer(db.kysely, [])).toEqual(new Map());
  });
});
