import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { deliverDue, enqueue, FileTransport, listDeliveries } from '../../runtime/delivery/index.ts';
import { databaseRenderInput, loadTemplate, renderEmail } from '../../runtime/render/index.ts';
import type { CompiledTemplate } from '../../compiler/contract/template.ts';
import { addCustomers, compileShop, HOUR, journeySend, prepare, T0 } from './helpers.ts';

let manifest: Manifest;
beforeAll(() => {
  // The showcase's recommendations template: six products, the popularity fallback without a model.
  manifest = compileShop(resolve('examples/templates-showcase'));
});

forEachDialect('rendering at send time', (ctx) => {
  let db: Database;
  beforeAll(async () => {
    db = await prepare(await ctx.fresh(), manifest);
    await addCustomers(db, [{ id: 'buyer' }, { id: 'new' }]);
    const items = Array.from({ length: 8 }, (_, i) => ({
      id: `i${i}`,
      name: `Item number ${i}`,
      price: 10 + i,
      url: `https://shop.example/p/i${i}`,
    }));
    await db.kysely.insertInto('items').values(items).execute();
    // Item i0 bought by the most customers, then i1, …; `buyer` bought i0 and i1.
    let n = 0;
    const rows = [];
    for (let item = 0; item < 8; item++)
      for (let b = 0; b < 8 - item; b++)
        rows.push({
          id: `p${n++}`,
          customer_id: `other${b}`,
          type: 'purchase',
          at: T0 - 10 * HOUR,
          item_id: `i${item}`,
          quantity: 1,
          amount: 10,
        });
    rows.push({ id: `p${n++}`, customer_id: 'buyer', type: 'purchase', at: T0 - HOUR, item_id: 'i0', quantity: 1, amount: 10 });
    rows.push({ id: `p${n++}`, customer_id: 'buyer', type: 'purchase', at: T0 - HOUR, item_id: 'i1', quantity: 1, amount: 10 });
    await db.kysely.insertInto('events').values(rows).execute();
  });

  it('fills recommendations from the database, leaving out what the customer bought', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-recs-'));
    const sends = ['buyer', 'new'].map((id) => journeySend(id, { entry: 'r', template: 'recommendations' }));
    await enqueue(db.kysely, sends);
    const summary = await deliverDue(db, { now: T0, manifest, transport: new FileTransport(dir), workerId: 'r' });
    expect(summary.sent).toBe(2);
    const text = (id: string) => readFileSync(join(dir, `${sends.find((s) => s.customerId === id)!.idempotencyKey}.txt`), 'utf8');
    // Each product is named more than once (its title and its link text): in order of first mention.
    const listed = (t: string) => [...new Set([...t.matchAll(/Item number (\d)/g)].map((m) => Number(m[1])))];
    expect(listed(text('new'))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(listed(text('buyer'))).toEqual([2, 3, 4, 5, 6, 7]);
    const records = await listDeliveries(db.kysely, { keys: sends.map((s) => s.idempotencyKey) });
    expect(records.every((r) => r.status === 'sent')).toBe(true);
  });

  it('shows the same products as the preview, from a model and from the popularity fallback', async () => {
    // The same template reading a recommendations model that has scored `buyer` only.
    const withModel = structuredClone(manifest);
    const template = withModel.definitions['Template/recommendations']!.compiled as CompiledTemplate;
    template.recommendations = { ...template.recommendations, model: 'next_items' };
    await db.kysely
      .insertInto('model_recommendations')
      .values(
        [7, 6, 5].map((item, rank) => ({
          model: 'next_items',
          customer_id: 'buyer',
          rank: rank + 1,
          item_id: `i${item}`,
          score: 1 - rank / 10,
          version: 1,
        })),
      )
      .execute();
    const dir = mkdtempSync(join(tmpdir(), 'herald-recs-model-'));
    const sends = ['buyer', 'new'].map((id) => journeySend(id, { entry: 'm', template: 'recommendations' }));
    await enqueue(db.kysely, sends);
    const summary = await deliverDue(db, { now: T0, manifest: withModel, transport: new FileTransport(dir), workerId: 'm' });
    expect(summary.sent).toBe(2);
    const listed = (t: string) => [...new Set([...t.matchAll(/Item number (\d)/g)].map((m) => Number(m[1])))];
    for (const [id, expected] of [
      ['buyer', [7, 6, 5]],
      ['new', [0, 1, 2, 3, 4, 5]],
    ] as const) {
      const delivered = readFileSync(join(dir, `${sends.find((s) => s.customerId === id)!.idempotencyKey}.txt`), 'utf8');
      const preview = renderEmail(loadTemplate(template), await databaseRenderInput(db, withModel, template, id, T0), { asOf: T0 });
      if (!preview.ok) throw new Error(preview.reason);
      expect(listed(delivered)).toEqual(expected);
      expect(listed(preview.email.text)).toEqual(expected);
    }
  });
});
