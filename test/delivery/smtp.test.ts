import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { deliverDue, enqueue, listDeliveries, SmtpTransport, type SendRequest } from '../../runtime/delivery/index.ts';
import { addCustomers, compileShop, journeySend, MINUTE, prepare, settingsWith, T0 } from './helpers.ts';
import { startSmtp, type Fault, type SmtpHarness } from './smtp-harness.ts';

let manifest: Manifest;
let smtp: SmtpHarness;
beforeAll(async () => {
  manifest = compileShop();
  smtp = await startSmtp();
});
afterAll(() => smtp.close());

/** Three tries in all: at T, T+1m, T+3m (the backoff doubles). */
const TRIES = [T0, T0 + MINUTE, T0 + 3 * MINUTE, T0 + 7 * MINUTE];

forEachDialect('SMTP delivery', (ctx) => {
  let db: Database;
  let transport: SmtpTransport;
  let n = 0;
  beforeAll(async () => {
    db = await prepare(await ctx.fresh(), manifest);
    transport = new SmtpTransport({ host: '127.0.0.1', port: smtp.port, secure: false, timeoutMs: 400 });
  });
  afterAll(() => transport.close());

  const settings = () => settingsWith(manifest, { retry: { max_attempts: 3, backoff: '1m', max_backoff: '1h' } });

  /** A fresh customer and a send to them, queued. */
  async function queued(): Promise<SendRequest> {
    const id = `${ctx.dialect}_${++n}`;
    await addCustomers(db, [{ id }]);
    const send = journeySend(id, { entry: 'smtp' });
    await enqueue(db.kysely, [send]);
    return send;
  }

  /** Runs the worker at every retry instant, as a scheduler would. */
  async function drain(): Promise<void> {
    for (const now of TRIES) await deliverDue(db, { now, manifest, transport, workerId: 'smtp', settings: settings() });
  }

  const accepted = (key: string) => smtp.received.filter((r) => r.messageId.startsWith(key)).length;
  const record = async (s: SendRequest) => (await listDeliveries(db.kysely, { keys: [s.idempotencyKey] }))[0]!;

  it('hands messages to the server with the idempotency key in the Message-ID', async () => {
    const sends = [await queued(), await queued()];
    smtp.behave(() => 'accept');
    await drain();
    for (const s of sends) {
      expect(accepted(s.idempotencyKey)).toBe(1);
      const r = await record(s);
      expect(r).toMatchObject({ status: 'sent', attempts: 1, messageId: `${s.idempotencyKey}@shop.example` });
      expect(r.detail).toMatch(/^250 .*queued as/);
      const got = smtp.received.find((m) => m.messageId === r.messageId)!;
      expect(got.to).toEqual([`${s.customerId}@example.test`]);
      expect(got.raw).toContain(`Subject: Welcome, Name ${s.customerId}`);
    }
  });

  const faults: Array<[string, Fault, RegExp]> = [
    ['refuses with 451', { reply: 451, message: 'try again later' }, /451 .*try again later/],
    ['times out', 'hang', /timeout|timed out/i],
    ['drops the connection mid-message', 'drop', /connection|closed|ECONNRESET/i],
  ];

  for (const [what, fault, error] of faults) {
    it(`a server that ${what} once: retried and delivered once`, async () => {
      const s = await queued();
      smtp.behave((id, attempt) => (id.startsWith(s.idempotencyKey) && attempt === 1 ? fault : 'accept'));
      await drain();
      expect(await record(s)).toMatchObject({ status: 'sent', attempts: 2 });
      expect(accepted(s.idempotencyKey)).toBe(1);
      expect(smtp.attempts.get(`${s.idempotencyKey}@shop.example`)).toBe(2);
    });

    it(`a server that always ${what}: retried, then recorded as failed with the error`, async () => {
      const s = await queued();
      smtp.behave((id) => (id.startsWith(s.idempotencyKey) ? fault : 'accept'));
      await drain();
      const r = await record(s);
      expect(r).toMatchObject({ status: 'failed', attempts: 3 });
      expect(r.reason).toMatch(/^gave up after 3 attempts: /);
      expect(r.reason).toMatch(error);
      expect(accepted(s.idempotencyKey)).toBe(0);
      expect(smtp.attempts.get(`${s.idempotencyKey}@shop.example`)).toBe(3);
    });
  }

  it('a permanent 5xx rejection is not retried; the reply is kept without the address', async () => {
    const s = await queued();
    smtp.behave((id) =>
      id.startsWith(s.idempotencyKey) ? { reply: 550, message: `5.1.1 <${s.customerId}@example.test>: no such user` } : 'accept',
    );
    await drain();
    const r = await record(s);
    expect(r).toMatchObject({ status: 'failed', attempts: 1 });
    expect(r.reason).toContain('550');
    expect(r.reason).toContain('<address>');
    expect(r.reason).not.toContain('example.test');
    expect(smtp.attempts.get(`${s.idempotencyKey}@shop.example`)).toBe(1);
  });

  it('while retries are pending the send stays queued with the last error, never lost', async () => {
    const s = await queued();
    smtp.behave((id) => (id.startsWith(s.idempotencyKey) ? { reply: 421, message: 'service busy' } : 'accept'));
    await deliverDue(db, { now: T0, manifest, transport, workerId: 'smtp', settings: settings() });
    expect(await record(s)).toMatchObject({
      status: 'queued',
      attempts: 1,
      nextAttemptAt: T0 + MINUTE,
      detail: expect.stringContaining('service busy'),
    });
  });
});
