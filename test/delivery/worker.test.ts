import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import {
  createTransport,
  deliverDue,
  DeliveryError,
  enqueue,
  listDeliveries,
  OUTBOX,
  PermanentDeliveryError,
  type OutgoingMessage,
  type Transport,
} from '../../runtime/delivery/index.ts';
import { addCustomers, compileShop, journeySend, MINUTE, prepare, settingsWith, T0 } from './helpers.ts';

let manifest: Manifest;
beforeAll(() => {
  manifest = compileShop();
});

/** Hands messages to a callback; what a real transport does is tested in smtp.test.ts and outbox.test.ts. */
function transport(onSend: (m: OutgoingMessage) => Promise<void> | void): Transport & { seen: string[] } {
  const seen: string[] = [];
  return {
    name: 'scripted',
    seen,
    async send(m) {
      seen.push(m.idempotencyKey);
      await onSend(m);
      return { accepted: true };
    },
  };
}

describe('transport settings', () => {
  it('names the missing environment variables of the smtp transport [HL530]', () => {
    const settings = settingsWith(manifest, {
      transport: { type: 'smtp', host: 'smtp.shop.example', auth: { user_env: 'SHOP_SMTP_USER', pass_env: 'SHOP_SMTP_PASSWORD' } },
    });
    let error: unknown;
    try {
      createTransport(settings, { SHOP_SMTP_USER: 'shop' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).problem).toMatchObject({ code: 'HL530', message: expect.stringContaining('SHOP_SMTP_PASSWORD') });
    expect((error as DeliveryError).message).not.toContain('shop');
    expect(createTransport(settings, { SHOP_SMTP_USER: 'u', SHOP_SMTP_PASSWORD: 'p' }).name).toBe('smtp');
  });
});

forEachDialect('the delivery worker', (ctx) => {
  let db: Database;
  let n = 0;
  beforeAll(async () => {
    db = await prepare(await ctx.fresh(), manifest);
  });
  async function queued(count: number, at = T0) {
    const ids = Array.from({ length: count }, () => `w${ctx.dialect}${++n}`);
    await addCustomers(
      db,
      ids.map((id) => ({ id })),
    );
    const sends = ids.map((id) => journeySend(id, { entry: 'w', dueAt: at }));
    await enqueue(db.kysely, sends);
    return sends;
  }
  const statuses = async (keys: string[]) => (await listDeliveries(db.kysely, { keys })).map((r) => r.status);

  it('pauses: stops after the message in hand and hands the rest of its claim back', async () => {
    const sends = await queued(10, T0);
    const pause = new AbortController();
    const t = transport(() => {
      if (t.seen.length === 3) pause.abort();
    });
    const first = await deliverDue(db, { now: T0, manifest, transport: t, workerId: 'p', signal: pause.signal, batchSize: 10 });
    expect(first.sent).toBe(3);
    expect(first.released).toBe(7);
    const keys = sends.map((s) => s.idempotencyKey);
    expect((await statuses(keys)).sort()).toEqual([...Array(7).fill('queued'), ...Array(3).fill('sent')]);
    // Resumed (by any worker): the other seven go, none twice.
    const t2 = transport(() => undefined);
    expect((await deliverDue(db, { now: T0, manifest, transport: t2, workerId: 'q' })).sent).toBe(7);
    expect(new Set([...t.seen, ...t2.seen]).size).toBe(10);
  });

  it("resumes a stopped worker's claims once its lease expires, and says so [HL534]", async () => {
    const [s] = await queued(1, T0 + MINUTE);
    await db.kysely
      .updateTable(OUTBOX)
      .set({ status: 'sending', claimed_by: 'dead', claimed_at: 1_000, sent_at: T0 + MINUTE })
      .where('idempotency_key', '=', s!.idempotencyKey)
      .execute();
    const t = transport(() => undefined);
    const summary = await deliverDue(db, { now: T0 + MINUTE, manifest, transport: t, workerId: 'alive', wallClock: () => 10_000_000 });
    expect(summary).toMatchObject({ sent: 1, recovered: 1 });
    expect(summary.problems.find((p) => p.code === 'HL534')).toMatchObject({
      severity: 'info',
      message: expect.stringContaining('resumed 1 send'),
    });
    // A claim still inside its lease is left alone.
    const [fresh] = await queued(1, T0 + MINUTE);
    await db.kysely
      .updateTable(OUTBOX)
      .set({ status: 'sending', claimed_by: 'busy', claimed_at: 9_999_000 })
      .where('idempotency_key', '=', fresh!.idempotencyKey)
      .execute();
    expect((await deliverDue(db, { now: T0 + MINUTE, manifest, transport: t, workerId: 'alive', wallClock: () => 10_000_000 })).sent).toBe(
      0,
    );
  });

  it('reports a claim taken over while sending, and leaves the row to its new owner [HL535]', async () => {
    const [s] = await queued(1, T0 + 2 * MINUTE);
    const t = transport(async (m) => {
      await db.kysely.updateTable(OUTBOX).set({ claimed_by: 'usurper' }).where('idempotency_key', '=', m.idempotencyKey).execute();
    });
    const summary = await deliverDue(db, { now: T0 + 2 * MINUTE, manifest, transport: t, workerId: 'slow' });
    expect(summary.sent).toBe(0);
    expect(summary.problems.find((p) => p.code === 'HL535')).toMatchObject({
      severity: 'warning',
      message: expect.stringContaining(s!.idempotencyKey),
    });
    expect((await listDeliveries(db.kysely, { keys: [s!.idempotencyKey] }))[0]!.status).toBe('sending');
  });

  it('summarizes permanent rejections and exhausted retries [HL531, HL532], render failures [HL536]', async () => {
    const settings = settingsWith(manifest, { retry: { max_attempts: 1 } });
    const [rejected, flaky] = await queued(2, T0 + 3 * MINUTE);
    await addCustomers(db, [{ id: `nameless${ctx.dialect}`, first_name: null }]);
    await enqueue(db.kysely, [journeySend(`nameless${ctx.dialect}`, { entry: 'w', dueAt: T0 + 3 * MINUTE })]);
    const t = transport((m) => {
      if (m.idempotencyKey === rejected!.idempotencyKey) throw new PermanentDeliveryError('550 5.1.1 mailbox unavailable');
      if (m.idempotencyKey === flaky!.idempotencyKey) throw new Error('ECONNRESET: socket hang up');
    });
    const summary = await deliverDue(db, { now: T0 + 3 * MINUTE, manifest, transport: t, workerId: 'f', settings });
    expect(summary.failed).toBe(2);
    const byCode = new Map(summary.problems.map((p) => [p.code, p.message]));
    expect(byCode.get('HL531')).toBe('1 send rejected permanently: 550 5.1.1 mailbox unavailable');
    expect(byCode.get('HL532')).toBe('1 send failed after retries: gave up after 1 attempt: ECONNRESET: socket hang up');
    expect(byCode.get('HL536')).toMatch(/^1 send suppressed, render failed: welcome: .*customer\.first_name/);
  });
});
