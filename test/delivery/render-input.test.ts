import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import type { Manifest } from '../../compiler/types/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { deliverDue, enqueue, FileTransport, listDeliveries } from '../../runtime/delivery/index.ts';
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
    const items = Array.from({ length: 8 }, (_, i) => ({ id: `i${i}`, name: `Item number ${i}`, price: 10 + i, url: `https://shop.example/p/i${i}` }));
    await db.kysely.insertInto('items').values(items).execute();
    // Item i0 bought by the most customers, then i1, …; `buyer` bought i0 and i1.
    let n = 0;
    const rows = [];
    for (let item = 0; item < 8; item++) for (let b = 0; b < 8 - item; b++) rows.push({ id: `p${n++}`, customer_id: `other${b}`, type: 'purchase', at: T0 - 10 * HOUR, item_id: `i${item}`, quantity: 1, amount: 10 });
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
});
