import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import {
  deliverDue,
  enqueue,
  FileTransport,
  listDeliveries,
  recordSuppressed,
  sendKey,
  SendRequestError,
} from '../../runtime/delivery/index.ts';
import { addCustomers, compileShop, HOUR, journeySend, prepare, T0 } from './helpers.ts';

let manifest: Manifest;
beforeAll(() => {
  manifest = compileShop();
});

const K = Buffer.alloc(32, 1);

describe('sendKey', () => {
  it('is deterministic and differs in every part of the identity', () => {
    const base = { kind: 'journey' as const, name: 'cart', version: 'v1', customerId: 'c1', entryId: 'e1', step: 'remind' };
    expect(sendKey(base, K)).toBe(sendKey({ ...base }, K));
    expect(sendKey(base, K)).toMatch(/^[0-9a-f]{32}$/);
    const variants = [
      { name: 'cart2' },
      { version: 'v2' },
      { customerId: 'c2' },
      { entryId: 'e2' },
      { step: 'offer' },
      { kind: 'campaign' as const },
    ];
    // Keyed: another database's key gives other keys for the same identity (no bare hash of a customer id).
    expect(sendKey(base, Buffer.alloc(32, 2))).not.toBe(sendKey(base, K));
    const keys = new Set([sendKey(base, K), ...variants.map((v) => sendKey({ ...base, ...v }, K))]);
    expect(keys.size).toBe(variants.length + 1);
    // Field boundaries are part of the hash input: moving text across them changes the key.
    expect(sendKey({ ...base, name: 'ab', version: 'c' }, K)).not.toBe(sendKey({ ...base, name: 'a', version: 'bc' }, K));
  });
});

forEachDialect('outbox', (ctx) => {
  let db: Database;
  beforeAll(async () => {
    db = await prepare(await ctx.fresh(), manifest);
    await addCustomers(db, [{ id: 'c1' }, { id: 'c2' }, { id: 'c3', first_name: null }]);
  });

  it('inserts each idempotency key once, whatever is sent again', async () => {
    const a = journeySend('c1', { entry: 'k1' });
    const b = journeySend('c2', { entry: 'k1' });
    expect(await enqueue(db.kysely, [a, b])).toEqual({ inserted: 2, existing: 0 });
    // The same sends again, one with different contents: the stored row is left as it was.
    expect(await enqueue(db.kysely, [a, { ...b, template: 'receipt', dueAt: T0 + HOUR }])).toEqual({ inserted: 0, existing: 2 });
    // A key repeated within one call counts once.
    const c = journeySend('c1', { entry: 'k2' });
    expect(await enqueue(db.kysely, [c, c])).toEqual({ inserted: 1, existing: 1 });
    const rows = await listDeliveries(db.kysely, { keys: [a.idempotencyKey, b.idempotencyKey, c.idempotencyKey] });
    expect(rows.map((r) => [r.customerId, r.template, r.status, r.dueAt]).sort()).toEqual([
      ['c1', 'welcome', 'queued', T0],
      ['c1', 'welcome', 'queued', T0],
      ['c2', 'welcome', 'queued', T0],
    ]);
  });

  it("joins the caller's transaction: a rolled-back step leaves no send", async () => {
    const s = journeySend('c1', { entry: 'rollback' });
    await expect(
      db.transaction(async (trx) => {
        await enqueue(trx, [s]);
        throw new Error('the journey step failed');
      }),
    ).rejects.toThrow('the journey step failed');
    expect(await listDeliveries(db.kysely, { keys: [s.idempotencyKey] })).toEqual([]);
  });

  it('refuses a key that was not built with sendKey', async () => {
    await expect(enqueue(db.kysely, [{ ...journeySend('c1'), idempotencyKey: 'c1-welcome' }])).rejects.toThrow(SendRequestError);
  });

  it('records a holdout once, and never over a real send', async () => {
    const h = journeySend('c2', {
      entry: 'holdout',
      origin: { kind: 'journey', name: 'onboarding', version: 'v1', step: 'welcome', experiment: 'welcome_test', variant: 'holdout' },
    });
    await recordSuppressed(db.kysely, h, 'holdout');
    await recordSuppressed(db.kysely, h, 'holdout');
    const queued = journeySend('c2', { entry: 'k1' });
    await recordSuppressed(db.kysely, queued, 'holdout');
    const [holdout] = await listDeliveries(db.kysely, { keys: [h.idempotencyKey] });
    expect(holdout).toMatchObject({ status: 'suppressed', reason: 'holdout', origin: { experiment: 'welcome_test', variant: 'holdout' } });
    expect((await listDeliveries(db.kysely, { keys: [queued.idempotencyKey] }))[0]!.status).toBe('queued');
  });

  it('delivers what is due through the file transport, once, named by key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-out-'));
    const transport = new FileTransport(dir);
    const later = journeySend('c1', { entry: 'later', dueAt: T0 + 2 * HOUR });
    const broken = journeySend('c3', { entry: 'k1' });
    await enqueue(db.kysely, [later, broken]);
    const first = await deliverDue(db, { now: T0, manifest, transport, workerId: 'w1' });
    expect(first.sent).toBe(3); // c1/k1, c2/k1, c1/k2
    expect(first.suppressed).toEqual({ render_failed: 1 });
    const files = readdirSync(dir)
      .filter((f) => !f.startsWith('.'))
      .sort();
    const sent = await listDeliveries(db.kysely, { status: 'sent' });
    expect(files).toEqual(sent.flatMap((r) => [`${r.idempotencyKey}.eml`, `${r.idempotencyKey}.html`, `${r.idempotencyKey}.txt`]).sort());
    for (const r of sent) {
      expect(r.messageId).toBe(`${r.idempotencyKey}@shop.example`);
      expect(r.sentAt).toBe(T0);
      expect(r.attempts).toBe(1);
      // Headers unfolded (RFC 5322 folds long ones onto continuation lines).
      const eml = readFileSync(join(dir, `${r.idempotencyKey}.eml`), 'utf8').replace(/\r\n[ \t]+/g, ' ');
      expect(eml).toContain(`Message-ID: <${r.messageId}>`);
      // The link's token is format 1, the message's key, and its signature (runtime/recipient/tokens.ts).
      expect(eml).toMatch(new RegExp(`List-Unsubscribe: <https://shop\\.example/email/unsubscribe/k${r.idempotencyKey}[A-Za-z0-9_-]{22}>`));
      expect(eml).toContain('From: Hedgerow Gifts <news@shop.example>');
      expect(eml).toContain(`To: ${r.customerId}@example.test`);
      expect(readFileSync(join(dir, `${r.idempotencyKey}.html`), 'utf8')).toContain(`Hello Name ${r.customerId}`);
    }
    // The recipient without a first name: suppressed with the renderer's reason, no personal data.
    const [failed] = await listDeliveries(db.kysely, { keys: [broken.idempotencyKey] });
    expect(failed).toMatchObject({ status: 'suppressed', reason: 'render_failed' });
    expect(failed!.detail).toMatch(/customer\.first_name/);
    expect(failed!.detail).not.toContain('c3@example.test');
    // Not yet due: still queued.
    expect((await listDeliveries(db.kysely, { keys: [later.idempotencyKey] }))[0]).toMatchObject({
      status: 'queued',
      nextAttemptAt: T0 + 2 * HOUR,
    });

    // A re-run of the same window sends nothing more; the later one goes when due.
    const again = await deliverDue(db, { now: T0, manifest, transport, workerId: 'w1' });
    expect(again.sent).toBe(0);
    const due = await deliverDue(db, { now: T0 + 2 * HOUR, manifest, transport, workerId: 'w1' });
    expect(due.sent).toBe(1);
    expect(readdirSync(dir).filter((f) => !f.startsWith('.'))).toHaveLength(3 * 4);
    // Nothing half-written is left behind.
    expect(readdirSync(join(dir, '.partial'))).toEqual([]);
  });

  it('fails a send whose template is gone, with the reason', async () => {
    const s = journeySend('c2', { entry: 'gone', template: 'deleted_template' });
    await enqueue(db.kysely, [s]);
    const summary = await deliverDue(db, {
      now: T0 + 3 * HOUR,
      manifest,
      transport: new FileTransport(mkdtempSync(join(tmpdir(), 'herald-out-'))),
      workerId: 'w1',
    });
    expect(summary.failed).toBe(1);
    expect(summary.problems.map((p) => p.code)).toContain('HL533');
    expect((await listDeliveries(db.kysely, { keys: [s.idempotencyKey] }))[0]).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('deleted_template'),
    });
  });
});
