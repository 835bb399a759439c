import { gzipSync } from 'node:zlib';
import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../runtime/db/database.ts';
import { deliverySettingsOf } from '../../runtime/delivery/settings.ts';
import { createTransport } from '../../runtime/delivery/transports/index.ts';
import { startServe, type RunningServe } from '../../runtime/serve/serve.ts';
import { startSmtp, type SmtpHarness } from '../delivery/smtp-harness.ts';
import { forEachDialect } from '../support/postgres.ts';
import { cartWorkspace, compileAt, memoryLog, openMigrated, post, waitFor, type ServeWorkspace } from './support.ts';

/**
 * Event intake and the scheduler in one process, on SQLite and PostgreSQL: a real Segment client
 * (@segment/analytics-node) and plain HTTP against the server, a real SMTP server for delivery.
 */
/** A segment read from purchases and a journey starting on entering it. */
const VIP = `apiVersion: herald/v1
kind: Segment
metadata: { name: big_spenders }
spec:
  where: sum(purchase.amount within 30d) > 100
---
apiVersion: herald/v1
kind: Journey
metadata: { name: vip_thanks }
spec:
  entry: { segment: big_spenders }
  steps:
    wait_a_day: { wait: 1d, next: exit }
---
apiVersion: herald/v1
kind: Trait
metadata: { name: cart_total }
spec: { type: number, expression: sum(added_to_cart.price within 30d) }
---
apiVersion: herald/v1
kind: Segment
metadata: { name: keen_and_consenting }
spec:
  where: cart_total > 50 and email_consent
---
apiVersion: herald/v1
kind: Journey
metadata: { name: keen_welcome }
spec:
  entry: { segment: keen_and_consenting }
  steps:
    wait_a_day: { wait: 1d, next: exit }
`;

forEachDialect('herald serve', (ctx) => {
  let ws: ServeWorkspace;
  let smtp: SmtpHarness;
  let db: Database;
  let running: RunningServe;
  let base: string;
  const logged = memoryLog();

  beforeAll(async () => {
    smtp = await startSmtp();
    ws = cartWorkspace({
      sendFirst: true,
      delivery: [
        'unsubscribe_url: https://shop.example/unsubscribe',
        `transport: { type: smtp, host: 127.0.0.1, port: ${smtp.port}, secure: false }`,
      ],
      server: ['rate_limit: { per_second: 5, burst: 40 }', 'tick: 1s'],
      files: { 'vip.yaml': VIP },
    });
    const manifest = compileAt(ws.dir);
    db = await openMigrated(await ctx.freshUrl(), manifest);
    const transport = createTransport(deliverySettingsOf(manifest, ws.dir), {}, {});
    running = await startServe({
      dir: ws.dir,
      manifest,
      db,
      env: { HERALD_WRITE_KEY: 'k1, k2,k3' },
      transport,
      log: logged.log,
      role: 'all',
      dryRun: false,
      workerId: 'test-worker',
      port: 0,
      host: '127.0.0.1',
    });
    base = `http://127.0.0.1:${running.port}`;
  });

  afterAll(async () => {
    await running?.stop();
    await db?.close();
    await smtp?.close();
    ws?.dispose();
  });

  const events = async (customer: string) =>
    db.kysely.selectFrom('events').selectAll().where('customer_id', '=', customer).orderBy('at').execute();

  it('takes identify and track from @segment/analytics-node and sends the journey email on the real clock', async () => {
    const analytics = new Analytics({ writeKey: 'k2', host: base, flushInterval: 50, maxRetries: 2 });
    analytics.on('error', (e) => console.error(e));
    const started = Date.now();
    analytics.identify({ userId: 'sdk_1', traits: { email: 'sdk_1@example.test', first_name: 'Ada', email_consent: true } });
    analytics.track({ userId: 'sdk_1', event: 'added_to_cart', properties: { item_id: '85123A', price: '2.55' } });
    await analytics.closeAndFlush();
    const stored = await events('sdk_1');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ type: 'added_to_cart', item_id: '85123A', price: 2.55, source: 'http' });
    const customer = await db.kysely.selectFrom('customers').selectAll().where('id', '=', 'sdk_1').executeTakeFirstOrThrow();
    expect(customer.email).toBe('sdk_1@example.test');
    // No `herald run`: the scheduler on the real clock sends it (seconds, generous for a busy machine).
    const mail = await waitFor('the cart reminder over SMTP', () => smtp.received.find((m) => m.to.includes('sdk_1@example.test')), 30_000);
    expect(mail.raw).toMatch(/^Subject:/m);
    expect(Date.now() - started).toBeLessThan(30_000);
    const entry = await db.kysely.selectFrom('journey_entries').selectAll().where('customer_id', '=', 'sdk_1').executeTakeFirstOrThrow();
    expect(entry.journey).toBe('cart_recovery');
    // The pass records its metrics once it has recorded the send (just after the SMTP server took it).
    const metrics = await waitFor('the send in /metrics', async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return /herald_sends_total [1-9]/.test(text) ? text : undefined;
    });
    expect(metrics).toMatch(/herald_events_accepted_total\{type="track"\} [1-9]/);
    expect(metrics).toMatch(/herald_sends_total [1-9]/);
    expect(metrics).toMatch(/herald_event_to_send_seconds_count [1-9]/);
    expect(metrics).toMatch(/herald_outbox_messages\{status="sent"\} [1-9]/);
    // Logs name no address.
    expect(logged.lines.join('\n')).not.toContain('sdk_1@example.test');
  });

  it('stores a retried call or batch once (messageId), and a page call as page_view', async () => {
    const batch = {
      batch: [
        {
          type: 'track',
          userId: 'dup_1',
          event: 'purchase',
          properties: { item_id: 'A', amount: 3 },
          messageId: 'dup-m1',
          timestamp: '2026-01-02T10:00:00Z',
        },
        {
          type: 'page',
          userId: 'dup_1',
          name: 'Home',
          properties: { item_id: 'B', url: 'https://shop.example/b', title: 'B' },
          messageId: 'dup-m2',
        },
      ],
    };
    expect((await post(base, '/v1/batch', batch)).status).toBe(200);
    expect((await post(base, '/v1/batch', batch)).status).toBe(200);
    expect((await post(base, '/v1/track', batch.batch[0])).status).toBe(200);
    const stored = await events('dup_1');
    expect(stored.map((e) => e.type).sort()).toEqual(['page_view', 'purchase']);
    expect(Number(stored.find((e) => e.type === 'purchase')!.at)).toBe(Date.parse('2026-01-02T10:00:00Z'));
    expect(stored.find((e) => e.type === 'page_view')!.item_id).toBe('B');
    // A gzip body (as some sources send) is read the same way.
    const gz = await fetch(`${base}/v1/track`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        authorization: `Basic ${Buffer.from('k1:').toString('base64')}`,
      },
      body: gzipSync(JSON.stringify({ userId: 'dup_1', event: 'purchase', properties: { item_id: 'C', amount: 1 }, messageId: 'dup-m3' })),
    });
    expect(gz.status).toBe(200);
    expect(await events('dup_1')).toHaveLength(3);
  });

  it('answers every bad input with a JSON error naming it, and stores nothing of it', async () => {
    const good = { userId: 'bad_1', event: 'purchase', properties: { item_id: 'A', amount: 1 } };
    const noKey = await fetch(`${base}/v1/track`, { method: 'POST', body: JSON.stringify(good) });
    expect(noKey.status).toBe(401);
    expect(noKey.headers.get('www-authenticate')).toContain('Basic');
    expect((await post(base, '/v1/track', good, 'wrong')).status).toBe(401);
    const malformed = await post(base, '/v1/track', '{"userId": "bad_1", ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toBe('malformed_json');
    const unknownType = await post(base, '/v1/track', { ...good, event: 'added_to_kart' });
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.message).toContain('"added_to_kart"');
    const unknownField = await post(base, '/v1/track', { ...good, properties: { item_id: 'A', amount: 1, colour: 'red' } });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.message).toContain('properties.colour');
    const badValue = await post(base, '/v1/track', { ...good, properties: { item_id: 'A', amount: 'lots' } });
    expect(badValue.status).toBe(400);
    expect(badValue.body.message).toContain('properties.amount');
    const badTrait = await post(base, '/v1/identify', { userId: 'bad_1', traits: { email: 'not-an-address' } });
    expect(badTrait.body).toMatchObject({ error: 'invalid_email' });
    const anonymous = await post(base, '/v1/track', { anonymousId: 'a-1', event: 'purchase' });
    expect(anonymous.body.error).toBe('missing_user_id');
    const tooBig = await post(base, '/v1/batch', {
      batch: [{ type: 'track', userId: 'bad_1', event: 'purchase', properties: { item_id: 'x'.repeat(520 * 1024) } }],
    });
    expect(tooBig.status).toBe(413);
    expect(await events('bad_1')).toHaveLength(0);
    expect(await db.kysely.selectFrom('customers').select('id').where('id', '=', 'bad_1').executeTakeFirst()).toBeUndefined();

    const mixed = await post(base, '/v1/batch', {
      batch: [
        { type: 'track', userId: 'mix_1', event: 'purchase', properties: { item_id: 'A', amount: 1 }, messageId: 'mix-1' },
        { type: 'track', userId: 'mix_1', event: 'nope', messageId: 'mix-2' },
        { type: 'alias', userId: 'mix_1', previousId: 'x', messageId: 'mix-3' },
        { type: 'track', userId: 'mix_1', event: 'added_to_cart', properties: { item_id: 'B', price: 2 }, messageId: 'mix-4' },
      ],
    });
    expect(mixed.status).toBe(400);
    expect(mixed.body.stored).toBe(2);
    expect(mixed.body.errors.map((e: { index: number; messageId: string }) => [e.index, e.messageId])).toEqual([
      [1, 'mix-2'],
      [2, 'mix-3'],
    ]);
    expect(mixed.body.errors[0].message).toContain('"nope"');
    expect((await events('mix_1')).map((e) => e.type).sort()).toEqual(['added_to_cart', 'purchase']);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/herald_events_rejected_total\{reason="unknown_event_type"\} [1-9]/);
    expect(metrics).toMatch(/herald_events_rejected_total\{reason="unauthorized"\} [1-9]/);
  });

  it('limits requests per write key with 429 and Retry-After, other keys unaffected', async () => {
    const call = () => post(base, '/v1/track', { userId: 'rate_1', event: 'purchase', properties: { item_id: 'A', amount: 1 } }, 'k3');
    // All at once: 100 requests against a burst of 40 (the refill is 5 a second).
    const answers = await Promise.all(Array.from({ length: 100 }, call));
    const limited = answers.find((r) => r.status === 429);
    expect(limited?.status).toBe(429);
    expect(answers.filter((r) => r.status === 200).length).toBeLessThanOrEqual(40 + 5 * 10);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(
      (await post(base, '/v1/track', { userId: 'rate_2', event: 'purchase', properties: { item_id: 'A', amount: 1 } }, 'k1')).status,
    ).toBe(200);
  });

  it('starts segment-entry journeys within seconds: touched customers are re-evaluated for the segments reading their events', async () => {
    const big = { type: 'track', userId: 'vip_1', event: 'purchase', properties: { item_id: 'A', amount: 150 }, messageId: 'vip-1' };
    const small = { type: 'track', userId: 'vip_2', event: 'purchase', properties: { item_id: 'A', amount: 5 }, messageId: 'vip-2' };
    expect((await post(base, '/v1/batch', { batch: [big, small] })).status).toBe(200);
    const entry = await waitFor(
      'vip_1 entering vip_thanks',
      () =>
        db.kysely
          .selectFrom('journey_entries')
          .selectAll()
          .where('journey', '=', 'vip_thanks')
          .where('customer_id', '=', 'vip_1')
          .executeTakeFirst(),
      10_000,
    );
    expect(entry.status).toBe('active');
    const members = await db.kysely
      .selectFrom('segment_memberships')
      .select('customer_id')
      .where('segment', '=', 'big_spenders')
      .where('exited_at', 'is', null)
      .execute();
    expect(members.map((m) => m.customer_id)).toEqual(['vip_1']);
  });

  it('re-evaluates a touched customer with current traits: a computed trait an event moved, a field an identify changed', async () => {
    const entered = (customer: string) =>
      db.kysely
        .selectFrom('journey_entries')
        .selectAll()
        .where('journey', '=', 'keen_welcome')
        .where('customer_id', '=', customer)
        .executeTakeFirst();
    const identify = (userId: string, messageId: string) => ({ type: 'identify', userId, traits: { email_consent: true }, messageId });
    const cart = (userId: string, messageId: string) => ({
      type: 'track',
      userId,
      event: 'added_to_cart',
      properties: { item_id: 'A', price: 80 },
      messageId,
    });
    // keen_1 consents first; then a cart moves the computed trait cart_total past 50.
    // keen_2 fills a cart first (the trait moves, no consent yet); then an identify gives consent.
    expect((await post(base, '/v1/batch', { batch: [identify('keen_1', 'keen-1a'), cart('keen_2', 'keen-2a')] })).status).toBe(200);
    const trait = await waitFor('cart_total of keen_2 rebuilt as of now', async () => {
      const row = await db.kysely.selectFrom('trait_cart_total').selectAll().where('customer_id', '=', 'keen_2').executeTakeFirst();
      return row ? row : undefined;
    });
    expect(Number(trait.value)).toBe(80);
    expect(await entered('keen_1')).toBeUndefined();
    expect(await entered('keen_2')).toBeUndefined();
    expect((await post(base, '/v1/batch', { batch: [cart('keen_1', 'keen-1b'), identify('keen_2', 'keen-2b')] })).status).toBe(200);
    for (const customer of ['keen_1', 'keen_2']) {
      const entry = await waitFor(`${customer} entering keen_welcome`, () => entered(customer), 10_000);
      expect(entry.status).toBe('active');
    }
  });

  it('takes an event timed before the run clock (a late batch) into its journey', async () => {
    const clock = Number((await db.kysely.selectFrom('journey_run_clock').select('until').executeTakeFirstOrThrow()).until);
    const at = new Date(clock - 30_000).toISOString();
    const late = { userId: 'late_1', event: 'added_to_cart', properties: { item_id: 'A', price: 1 }, timestamp: at, messageId: 'late-1' };
    expect((await post(base, '/v1/track', late)).status).toBe(200);
    const entry = await waitFor(
      'late_1 entering cart_recovery',
      () =>
        db.kysely
          .selectFrom('journey_entries')
          .selectAll()
          .where('journey', '=', 'cart_recovery')
          .where('customer_id', '=', 'late_1')
          .executeTakeFirst(),
      10_000,
    );
    expect(Number(entry.entered_at)).toBe(Date.parse(at));
  });

  it('reports health and readiness', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    expect((await fetch(`${base}/v1/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/v1/track`)).status).toBe(405);
  });
});
