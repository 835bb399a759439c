import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import { runPipeline } from '../../compiler/index.ts';
import { stopMjmlWorker, type CompiledTemplate } from '../../compiler/3-analyze/templates/index.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { migrate } from '../../runtime/db/migrate.ts';
import { syncSchema } from '../../runtime/db/sync.ts';
import type { Database } from '../../runtime/db/database.ts';
import { databaseRenderInput, loadTemplate, renderAllCustomers, renderEmail, renderInputCache } from '../../runtime/render/index.ts';
import { SHOWCASE } from '../templates/helpers.ts';

let manifest: Manifest;
beforeAll(() => {
  const result = runPipeline(SHOWCASE, { emit: true });
  if (!result.emitted) throw new Error(JSON.stringify(result.diagnostics.filter((d) => d.severity === 'error')));
  manifest = result.emitted.manifest as Manifest;
});
afterAll(() => stopMjmlWorker());

const T = Date.UTC(2026, 2, 10);
const HOUR = 3_600_000;
const template = (name: string) => manifest.definitions[`Template/${name}`]!.compiled as CompiledTemplate;

forEachDialect('rendering from the database', (ctx) => {
  let db: Database;
  beforeAll(async () => {
    db = await ctx.fresh();
    await migrate(db);
    await syncSchema(db, manifest.dataModel, []);
    const yes = ctx.dialect === 'sqlite' ? 1 : true;
    await db.kysely
      .insertInto('customers')
      .values([
        { id: 'c1', email: 'ada@example.test', first_name: 'Ada', locale: 'en-GB', timezone: 'Europe/London', email_consent: yes },
        { id: 'c2', email: 'nameless@example.test', email_consent: yes },
      ])
      .execute();
    await db.kysely
      .insertInto('items')
      .values([
        { id: 'i1', name: 'Lantern', price: 3.39, url: 'https://shop.example/p/i1', image_url: 'https://shop.example/img/i1.png' },
        { id: 'i2', name: 'Bunting', price: 4.95, url: 'https://shop.example/p/i2' },
        { id: 'i3', name: 'Cakestand', price: 12.75 },
        { id: 'i4', name: 'Later', price: 1 },
      ])
      .execute();
    let n = 0;
    const event = (customer: string, type: string, at: number, props: Record<string, unknown>) => ({
      id: `e${n++}`,
      customer_id: customer,
      type,
      at,
      ...props,
    });
    await db.kysely
      .insertInto('events')
      .values([
        event('c2', 'purchase', T - 50 * HOUR, { item_id: 'i1', quantity: 10, amount: 33.9 }),
        event('c2', 'purchase', T - 40 * HOUR, { item_id: 'i2', quantity: 5, amount: 24.75 }),
        event('c1', 'purchase', T - 30 * HOUR, { item_id: 'i3', quantity: 7, amount: 89.25 }),
        event('c2', 'purchase', T + 10 * HOUR, { item_id: 'i4', quantity: 99, amount: 99 }),
        event('c1', 'added_to_cart', T - 2 * HOUR, { item_id: 'i2', price: 4.95 }),
        // Added, then bought: no longer in the basket.
        event('c1', 'added_to_cart', T - 31 * HOUR, { item_id: 'i3', price: 12.75 }),
      ])
      .execute();
    await db.kysely
      .insertInto('model_scores')
      .values([
        { model: 'repurchase_90d', customer_id: 'c1', score: 0.83, tier: 'high', cluster: null, version: 1 },
        { model: 'repurchase_90d', customer_id: 'c2', score: 0.12, tier: 'low', cluster: null, version: 1 },
      ])
      .execute();
    await db.kysely
      .insertInto('model_recommendations')
      .values([
        { model: 'picks', customer_id: 'c1', rank: 1, item_id: 'i4', score: 0.9, version: 1 },
        { model: 'picks', customer_id: 'c1', rank: 2, item_id: 'i1', score: 0.5, version: 1 },
      ])
      .execute();
    await db.kysely
      .insertInto('segment_memberships')
      .values([
        { segment: 'vip', customer_id: 'c1', entered_at: T - 100 * HOUR, exited_at: null },
        { segment: 'lapsed', customer_id: 'c1', entered_at: T - 100 * HOUR, exited_at: T - 1 * HOUR },
      ])
      .execute();
  });

  it('reads the customer, segments, cart and popular items as of a time', async () => {
    const input = await databaseRenderInput(db, manifest, template('recommendations'), 'c1', T);
    expect(input.customer).toMatchObject({ id: 'c1', first_name: 'Ada' });
    expect(input.segments).toEqual(['vip']);
    // Bought by the most customers up to T (then units), leaving out what c1 bought (i3) until the
    // others run out; i4 is in the future. The basket: added since the last purchase.
    expect(input.recommendations!.map((i) => i.id)).toEqual(['i1', 'i2', 'i3']);
    expect(input.recommendations![0]).toEqual({
      id: 'i1',
      name: 'Lantern',
      price: 3.39,
      url: 'https://shop.example/p/i1',
      image_url: 'https://shop.example/img/i1.png',
    });
    expect(input.journey!.entry!.items!.map((i) => i.id)).toEqual(['i2']);
  });

  it("reads scores and tiers, and a model's recommendations, falling back to popular items", async () => {
    const modelled = { ...template('recommendations'), recommendations: { model: 'picks', count: 3 } };
    const c1 = await databaseRenderInput(db, manifest, modelled, 'c1', T);
    expect(c1.scores).toEqual({ repurchase_90d: 0.83 });
    expect(c1.tiers).toEqual({ repurchase_90d: 'high' });
    expect(c1.recommendations!.map((i) => [i.id, i.score])).toEqual([
      ['i4', 0.9],
      ['i1', 0.5],
    ]);
    // The model has not scored c2: the popularity fallback, the same with a shared cache.
    const cache = renderInputCache();
    const c2 = await databaseRenderInput(db, manifest, modelled, 'c2', T, undefined, cache);
    expect(c2.tiers).toEqual({ repurchase_90d: 'low' });
    expect(c2.recommendations!.map((i) => i.id)).toEqual(['i3', 'i1', 'i2']);
    expect((await databaseRenderInput(db, manifest, modelled, 'c2', T, undefined, cache)).recommendations).toEqual(c2.recommendations);
    expect(cache.popular.size).toBe(1);
  });

  it('streams every customer page by page, rendering what rendering one customer renders', async () => {
    const t = loadTemplate(template('recommendations'));
    const streamed = [];
    for await (const e of renderAllCustomers(db, manifest, t, { asOf: T, page: 1 })) streamed.push(e);
    expect(streamed.map((e) => e.customerId)).toEqual(['c1', 'c2']);
    for (const e of streamed) {
      const one = renderEmail(t, await databaseRenderInput(db, manifest, template('recommendations'), e.customerId, T), { asOf: T });
      expect(e.outcome).toEqual(one);
    }
  });

  it('renders the showcase emails for database customers', async () => {
    const cart = renderEmail(
      loadTemplate(template('cart_reminder')),
      await databaseRenderInput(db, manifest, template('cart_reminder'), 'c1', T),
    );
    expect(cart.ok && cart.email.subject).toBe('Ada, you left something behind');
    expect(cart.ok && cart.email.text).toContain('Bunting\n\n£4.95');
    const recs = renderEmail(
      loadTemplate(template('recommendations')),
      await databaseRenderInput(db, manifest, template('recommendations'), 'c2', T),
    );
    expect(recs.ok && recs.email.subject).toBe("Hello, six gifts we think you'll love");
    expect(recs.ok && recs.email.html).toContain('src="https://shop.example/img/placeholder.png"');
  });
});
