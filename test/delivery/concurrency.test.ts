import { beforeAll, describe, expect, it } from 'vitest';
import { dialectContext } from '../support/postgres.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { deliverDue, enqueue, listDeliveries, type OutgoingMessage, type Transport } from '../../runtime/delivery/index.ts';
import { addCustomers, compileShop, journeySend, prepare, settingsWith, T0 } from './helpers.ts';

let manifest: Manifest;
beforeAll(() => {
  manifest = compileShop();
});

/** Counts what each worker handed over; yields between messages so the workers interleave. */
class CountingTransport implements Transport {
  readonly name = 'counting';
  readonly handed: string[] = [];
  async send(message: OutgoingMessage) {
    await new Promise((r) => setTimeout(r, Math.random() * 2));
    this.handed.push(message.idempotencyKey);
    return { accepted: true as const };
  }
}

// Parallel workers are a PostgreSQL feature (FOR UPDATE SKIP LOCKED); a SQLite file has one writer.
describe('two workers draining one outbox [postgres]', () => {
  const ctx = dialectContext('postgres');
  it('never take the same send, and leave nothing behind', async () => {
    const url = await ctx.freshUrl();
    // Two connections (on PostgreSQL two pools), as two processes would have.
    const a = await prepare(openDatabase(url), manifest);
    const b = openDatabase(url);
    try {
      const ids = Array.from({ length: 300 }, (_, i) => `p${i}`);
      await addCustomers(
        a,
        ids.map((id) => ({ id })),
      );
      // Two sends per customer and a cap of one a day: the workers must agree which goes.
      const sends = ids.flatMap((id) => [journeySend(id, { name: 'first' }), journeySend(id, { name: 'second' })]);
      await enqueue(a.kysely, sends);
      const settings = settingsWith(manifest, { frequency_cap: { per_day: 1 } });
      const ta = new CountingTransport();
      const tb = new CountingTransport();
      const [ra, rb] = await Promise.all([
        deliverDue(a, { now: T0, manifest, transport: ta, workerId: 'a', settings, batchSize: 10 }),
        deliverDue(b, { now: T0, manifest, transport: tb, workerId: 'b', settings, batchSize: 10 }),
      ]);
      const handed = [...ta.handed, ...tb.handed];
      expect(new Set(handed).size).toBe(handed.length);
      expect(handed.length).toBe(ids.length);
      expect(ra.sent + rb.sent).toBe(ids.length);
      expect((ra.suppressed.frequency_cap ?? 0) + (rb.suppressed.frequency_cap ?? 0)).toBe(ids.length);
      // Both took part (the claim does not serialize everything onto one worker).
      expect(ta.handed.length).toBeGreaterThan(0);
      expect(tb.handed.length).toBeGreaterThan(0);
      const records = await listDeliveries(a.kysely);
      expect(
        records
          .filter((r) => r.status === 'sent')
          .map((r) => r.idempotencyKey)
          .sort(),
      ).toEqual([...handed].sort());
      // Exactly one send per customer went, the other was capped.
      const perCustomer = new Map<string, number>();
      for (const r of records) if (r.status === 'sent') perCustomer.set(r.customerId, (perCustomer.get(r.customerId) ?? 0) + 1);
      expect([...perCustomer.values()].every((n) => n === 1)).toBe(true);
      expect(perCustomer.size).toBe(ids.length);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
