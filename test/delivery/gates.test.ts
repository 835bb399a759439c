import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import {
  addSuppression,
  deliverDue,
  enqueue,
  FileTransport,
  listDeliveries,
  removeSuppression,
  type DeliverySettings,
  type SendRequest,
} from '../../runtime/delivery/index.ts';
import { addCustomers, compileShop, HOUR, journeySend, MINUTE, prepare, settingsWith, T0 } from './helpers.ts';

let manifest: Manifest;
beforeAll(() => {
  manifest = compileShop();
});

forEachDialect('delivery gates', (ctx) => {
  let db: Database;
  let transport: FileTransport;
  beforeAll(async () => {
    db = await prepare(await ctx.fresh(), manifest);
    transport = new FileTransport(mkdtempSync(join(tmpdir(), 'herald-gates-')));
  });

  const deliver = (now: number, settings?: DeliverySettings) =>
    deliverDue(db, { now, manifest, transport, workerId: 'gates', ...(settings ? { settings } : {}) });
  const status = async (r: SendRequest) => (await listDeliveries(db.kysely, { keys: [r.idempotencyKey] }))[0]!;

  it('consent: marketing needs it, transactional email does not', async () => {
    await addCustomers(db, [
      { id: 'nc', email_consent: false },
      { id: 'ne', email: null },
    ]);
    const marketing = journeySend('nc', { entry: 'consent' });
    const receipt = journeySend('nc', { entry: 'receipt', template: 'receipt' });
    const noEmail = journeySend('ne', { entry: 'consent' });
    const unknown = journeySend('nobody', { entry: 'consent' });
    await enqueue(db.kysely, [marketing, receipt, noEmail, unknown]);
    const summary = await deliver(T0);
    expect(summary.sent).toBe(1);
    expect(await status(marketing)).toMatchObject({ status: 'suppressed', reason: 'no_consent' });
    expect(await status(receipt)).toMatchObject({ status: 'sent' });
    expect(await status(noEmail)).toMatchObject({ status: 'suppressed', reason: 'no_email' });
    expect(await status(unknown)).toMatchObject({ status: 'suppressed', reason: 'no_email' });
  });

  it('an unsubscribe between queueing and sending stops sends already queued', async () => {
    await addCustomers(db, [{ id: 'un' }]);
    const first = journeySend('un', { entry: 'u1' });
    const second = journeySend('un', { entry: 'u2', name: 'winback', dueAt: T0 + HOUR });
    await enqueue(db.kysely, [first, second]);
    await addSuppression(db.kysely, { customerId: 'un', reason: 'unsubscribed', at: T0 - MINUTE, source: 'link' });
    await deliver(T0 + HOUR);
    expect(await status(first)).toMatchObject({
      status: 'suppressed',
      reason: 'suppressed',
      detail: expect.stringContaining('unsubscribed'),
    });
    expect(await status(second)).toMatchObject({ status: 'suppressed', reason: 'suppressed' });
    // A suppression dated after the send's instant does not reach back.
    await addCustomers(db, [{ id: 'later' }]);
    const before = journeySend('later', { entry: 'l1' });
    await enqueue(db.kysely, [before]);
    await addSuppression(db.kysely, { customerId: 'later', reason: 'unsubscribed', at: T0 + 5 * HOUR });
    await deliver(T0 + HOUR);
    expect((await status(before)).status).toBe('sent');
  });

  it('an unsubscribe does not stop transactional email; a hard bounce does; a re-subscription lifts both', async () => {
    await addCustomers(db, [{ id: 'tx' }]);
    await addSuppression(db.kysely, { customerId: 'tx', reason: 'unsubscribed', at: T0 - HOUR });
    const receipt = journeySend('tx', { entry: 't1', template: 'receipt' });
    await enqueue(db.kysely, [receipt]);
    await deliver(T0);
    expect((await status(receipt)).status).toBe('sent');
    await addSuppression(db.kysely, { customerId: 'tx', reason: 'bounced', at: T0 });
    const receipt2 = journeySend('tx', { entry: 't2', template: 'receipt' });
    await enqueue(db.kysely, [receipt2]);
    await deliver(T0 + MINUTE);
    expect(await status(receipt2)).toMatchObject({ status: 'suppressed', reason: 'suppressed' });
    await removeSuppression(db.kysely, 'tx', T0 + 2 * MINUTE);
    const welcome = journeySend('tx', { entry: 't3' });
    await enqueue(db.kysely, [welcome]);
    await deliver(T0 + 3 * MINUTE);
    expect((await status(welcome)).status).toBe('sent');
  });

  it('frequency cap: per customer per local day, across journeys, counting earlier sends', async () => {
    const settings = settingsWith(manifest, { frequency_cap: { per_day: 2 } });
    // New York is UTC-4 on 2026-03-10 (daylight time began on 8 March).
    await addCustomers(db, [{ id: 'fc', timezone: 'America/New_York' }]);
    const day = Date.UTC(2026, 2, 11, 13, 0); // 09:00 in New York
    const a = journeySend('fc', { entry: 'f1', name: 'onboarding', dueAt: day });
    const b = journeySend('fc', { entry: 'f2', name: 'winback', dueAt: day });
    const c = journeySend('fc', { entry: 'f3', name: 'cart', dueAt: day });
    await enqueue(db.kysely, [a, b]);
    expect((await deliver(day, settings)).sent).toBe(2);
    await enqueue(db.kysely, [c]);
    const capped = await deliver(day + HOUR, settings);
    expect(capped.suppressed).toEqual({ frequency_cap: 1 });
    expect(await status(c)).toMatchObject({ status: 'suppressed', reason: 'frequency_cap' });
    // 23:59 New York time is still the same local day (03:59 UTC the next day); 00:00 is the next.
    const lateSameDay = journeySend('fc', { entry: 'f4', dueAt: Date.UTC(2026, 2, 12, 3, 59) });
    const nextDay = journeySend('fc', { entry: 'f5', dueAt: Date.UTC(2026, 2, 12, 4, 0) });
    await enqueue(db.kysely, [lateSameDay]);
    await deliver(Date.UTC(2026, 2, 12, 3, 59), settings);
    await enqueue(db.kysely, [nextDay]);
    await deliver(Date.UTC(2026, 2, 12, 4, 0), settings);
    expect((await status(lateSameDay)).reason).toBe('frequency_cap');
    expect((await status(nextDay)).status).toBe('sent');
  });

  it("frequency cap within one batch: the batch's own decisions count", async () => {
    const settings = settingsWith(manifest, { frequency_cap: { per_day: 1 } });
    await addCustomers(db, [{ id: 'fb' }]);
    const day = Date.UTC(2026, 2, 20, 10);
    const sends = ['x', 'y', 'z'].map((e) => journeySend('fb', { entry: e, name: `j_${e}`, dueAt: day }));
    await enqueue(db.kysely, sends);
    const summary = await deliver(day, settings);
    expect(summary.sent).toBe(1);
    expect(summary.suppressed).toEqual({ frequency_cap: 2 });
  });

  it("quiet hours: delayed to the end of the window in the customer's zone, or skipped", async () => {
    const delay = settingsWith(manifest, { quiet_hours: { start: '21:00', end: '08:00' } });
    // 12:00 UTC is 21:00 in Tokyo (UTC+9): quiet until 08:00 Tokyo, 23:00 UTC.
    await addCustomers(db, [
      { id: 'tokyo', timezone: 'Asia/Tokyo' },
      { id: 'london', timezone: 'Europe/London' },
      { id: 'nozone', timezone: 'Mars/Olympus' },
    ]);
    const day = Date.UTC(2026, 3, 1, 12);
    const tokyo = journeySend('tokyo', { entry: 'q1', dueAt: day });
    const london = journeySend('london', { entry: 'q1', dueAt: day });
    const nozone = journeySend('nozone', { entry: 'q1', dueAt: day });
    const receipt = journeySend('tokyo', { entry: 'q2', template: 'receipt', dueAt: day });
    await enqueue(db.kysely, [tokyo, london, nozone, receipt]);
    const summary = await deliver(day, delay);
    // London (and the unknown zone, which falls back to the workspace's London) is at 13:00.
    expect(summary.sent).toBe(3);
    expect(summary.delayed).toBe(1);
    expect(await status(tokyo)).toMatchObject({
      status: 'queued',
      nextAttemptAt: Date.UTC(2026, 3, 1, 23),
      detail: 'delayed by quiet hours',
    });
    expect((await deliver(Date.UTC(2026, 3, 1, 22, 59), delay)).sent).toBe(0);
    expect((await deliver(Date.UTC(2026, 3, 1, 23), delay)).sent).toBe(1);
    expect((await status(tokyo)).status).toBe('sent');

    const skip = settingsWith(manifest, { quiet_hours: { start: '21:00', end: '08:00', action: 'skip' } });
    const skipped = journeySend('tokyo', { entry: 'q3', dueAt: Date.UTC(2026, 3, 2, 12) });
    // A per-send override wins over the workspace's action.
    const overridden = journeySend('tokyo', { entry: 'q4', dueAt: Date.UTC(2026, 3, 2, 12), quietHours: 'delay' });
    // A delay past the send's expiry suppresses instead.
    const expiring = journeySend('tokyo', { entry: 'q5', dueAt: Date.UTC(2026, 3, 2, 12), expiresAt: Date.UTC(2026, 3, 2, 18) });
    await enqueue(db.kysely, [skipped, overridden, expiring]);
    await deliver(Date.UTC(2026, 3, 2, 12), skip);
    expect(await status(skipped)).toMatchObject({ status: 'suppressed', reason: 'quiet_hours' });
    expect(await status(overridden)).toMatchObject({ status: 'queued', nextAttemptAt: Date.UTC(2026, 3, 2, 23) });
    await deliver(Date.UTC(2026, 3, 2, 12), delay);
    expect(await status(expiring)).toMatchObject({ status: 'suppressed', reason: 'quiet_hours' });
  });

  it('rate limit: sends over the hourly limit wait, none are dropped', async () => {
    const ids = ['r1', 'r2', 'r3', 'r4', 'r5'];
    await addCustomers(
      db,
      ids.map((id) => ({ id })),
    );
    const day = Date.UTC(2026, 4, 5, 10);
    const sends = ids.map((id) => journeySend(id, { name: 'promo', entry: 'rl', dueAt: day, perHourLimit: 3 }));
    await enqueue(db.kysely, sends);
    const promo = async (st: 'sent' | 'queued') => (await listDeliveries(db.kysely, { origin: { name: 'promo' }, status: st })).length;
    await deliver(day);
    expect([await promo('sent'), await promo('queued')]).toEqual([3, 2]);
    const waiting = await listDeliveries(db.kysely, { origin: { name: 'promo' }, status: 'queued' });
    expect(waiting.map((w) => w.nextAttemptAt)).toEqual([day + HOUR, day + HOUR]);
    await deliver(day + HOUR - 1);
    expect(await promo('sent')).toBe(3);
    await deliver(day + HOUR);
    expect(await promo('sent')).toBe(5);
  });

  it('the workspace default rate limit applies to an origin without its own', async () => {
    const settings = settingsWith(manifest, { rate_limit: { per_hour: 1 } });
    await addCustomers(db, [{ id: 'd1' }, { id: 'd2' }]);
    const day = Date.UTC(2026, 4, 6, 10);
    await enqueue(db.kysely, [journeySend('d1', { name: 'paced', dueAt: day }), journeySend('d2', { name: 'paced', dueAt: day })]);
    await deliver(day, settings);
    const paced = await listDeliveries(db.kysely, { origin: { name: 'paced' } });
    expect(paced.map((p) => p.status).sort()).toEqual(['queued', 'sent']);
  });
});
