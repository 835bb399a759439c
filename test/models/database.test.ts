import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runPipeline } from '../../compiler/index.ts';
import type { ModelJobSpec } from '../../compiler/models/job-spec.ts';
import type { Manifest } from '../../compiler/types/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { syncSchema } from '../../runtime/db/sync.ts';
import { InMemoryFeatureSource } from '../../runtime/models/features/in-memory.ts';
import { SqlFeatureSource } from '../../runtime/models/features/sql.ts';
import { scoreModel } from '../../runtime/models/score-model.ts';
import { DatabaseModelStore } from '../../runtime/models/store/db-store.ts';
import { migrate } from '../../runtime/db/migrate.ts';
import { trainModel } from '../../runtime/models/train-model.ts';
import { forEachDialect } from '../support/postgres.ts';
import { DAY, END, generateShop, rfmFeatures } from './support/generate.ts';

const manifest = runPipeline(join(import.meta.dirname, 'fixtures', 'shop'), { emit: true }).emitted!.manifest as Manifest;
const job = (name: string) => manifest.definitions[`Model/${name}`]!.compiled as ModelJobSpec;
const shop = generateShop({ customers: 250, seed: 3 });
const asOf = new Date(END);

async function load(db: Database, events = shop.events) {
  await migrate(db);
  await syncSchema(db, manifest.dataModel);
  await db.kysely.insertInto('customers').values(shop.customers.map((c) => ({ id: c.id, country: c.country }))).execute();
  for (let i = 0; i < events.length; i += 500) {
    await db.kysely
      .insertInto('events')
      .values(events.slice(i, i + 500).map((e, k) => ({ id: `e${i + k}`, customer_id: e.customer_id, type: e.type, at: e.at, item_id: e.item_id, amount: e.amount })))
      .execute();
  }
  await db.kysely.insertInto('items').values(shop.items.map((it) => ({ id: it.id, category: it.category, price: it.price }))).execute();
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
    await db.kysely.insertInto('events').values({ id: 'planted', customer_id: shop.customers[0]!.id, type: 'purchase', at: cutoff.getTime() + 1, item_id: 'i0_0', amount: 99_999 }).execute();
    try {
      const after = await source.snapshot(cutoff, { label: false });
      expect(Array.from(after.x.data)).toEqual(Array.from(before.x.data));
    } finally {
      await db.kysely.deleteFrom('events').where('id', '=', 'planted').execute();
    }
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
    expect(scored.customers).toBe(250);
    const rows = await db.kysely.selectFrom('model_scores').select(['customer_id', 'score', 'tier', 'version']).where('model', '=', 'repurchase_90d').execute();
    expect(rows).toHaveLength(250);
    expect(rows.filter((r) => r.tier === 'high')).toHaveLength(50);
    const reread = await store.get('repurchase_90d', 1);
    expect(reread?.artifact).toEqual(trained.version.artifact);
    expect(reread?.reports).toContain('repurchase_90d/v1/report.md');
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
});
