import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectContext } from '../support/postgres.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { deliverDue, enqueue, SmtpTransport } from '../../runtime/delivery/index.ts';
import { composeMime, HeaderError } from '../../runtime/render/mime.ts';
import { createWebhooksFeature, WEBHOOK_ENV } from '../../runtime/webhooks/feature.ts';
import { LinkSigner } from '../../runtime/recipient/tokens.ts';
import { addCustomers, compileShop, journeySend, MINUTE, prepare, settingsWith, T0 } from '../delivery/helpers.ts';
import { startSmtp, type SmtpHarness } from '../delivery/smtp-harness.ts';
import { dispatch, testContext } from '../recipient/support.ts';

/**
 * The Postmark path end to end: a message sent over SMTP to a Postmark transport carries
 * `X-PM-Metadata-message_id` with Herald's Message-ID (Postmark keeps it as metadata and echoes
 * it in every webhook); the documented Delivery and Open webhooks built from the received message's
 * header land on that message's customer, template and journey.
 */
const SHOP = 'test/recipient/fixtures/shop';
const SECRET = { keys: [Buffer.from('p'.repeat(40))], throwaway: false };
const ENV = { [WEBHOOK_ENV.postmarkUser]: 'postmark', [WEBHOOK_ENV.postmarkPass]: 'hook-password' };
const AUTH = { authorization: `Basic ${Buffer.from('postmark:hook-password').toString('base64')}`, 'content-type': 'application/json' };

describe('Postmark: metadata header out, webhooks back', () => {
  const ctx = dialectContext('sqlite');
  let manifest: Manifest;
  let db: Database;
  let smtp: SmtpHarness;
  beforeAll(async () => {
    manifest = compileShop(SHOP);
    db = await prepare(await ctx.fresh(), manifest);
    smtp = await startSmtp();
  });
  afterAll(async () => smtp.close());

  const send = async (customerId: string, provider: 'postmark' | undefined) => {
    await addCustomers(db, [{ id: customerId }]);
    const request = journeySend(customerId, { template: 'newsletter', name: 'news', step: 'issue' });
    await enqueue(db.kysely, [request]);
    const settings = settingsWith(manifest, {
      transport: { type: 'smtp', host: '127.0.0.1', port: smtp.port, ...(provider ? { provider } : {}) },
    });
    const transport = new SmtpTransport({ host: '127.0.0.1', port: smtp.port, secure: false, timeoutMs: 2000 });
    await deliverDue(db, { now: T0, manifest, settings, transport, workerId: 'w', signer: new LinkSigner(SECRET), env: {} });
    await transport.close();
    return smtp.received.find((r) => r.to.includes(`${customerId}@example.test`))!.raw;
  };

  it("carries Herald's Message-ID in X-PM-Metadata-message_id, and Postmark's webhooks map back to the message", async () => {
    const raw = await send('pm1', 'postmark');
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    const messageId = /^Message-ID: <([^>]+)>$/m.exec(head)![1]!;
    const metadata = /^X-PM-Metadata-message_id: (.+)$/m.exec(head)?.[1];
    expect(metadata).toBe(messageId);

    const routes = createWebhooksFeature(testContext(db, manifest, { now: T0 + MINUTE }, ENV)).routes;
    const fill = (file: string) =>
      readFileSync(`test/webhooks/fixtures/${file}`, 'utf8')
        .replace(/@@MID@@/g, metadata!)
        .replace(/@@ISO@@/g, new Date(T0 + MINUTE).toISOString());
    for (const file of ['postmark-delivery.json', 'postmark-open.json']) {
      expect((await dispatch(routes, 'POST', '/webhooks/postmark', { body: fill(file), headers: AUTH })).status, file).toBe(200);
    }
    const events = await db.kysely
      .selectFrom('events')
      .select(['type', 'customer_id', 'message_id', 'template', 'journey'])
      .where('type', 'in', ['email_delivered', 'email_opened'])
      .orderBy('type')
      .execute();
    expect(events).toEqual([
      { type: 'email_delivered', customer_id: 'pm1', message_id: messageId, template: 'newsletter', journey: 'news' },
      { type: 'email_opened', customer_id: 'pm1', message_id: messageId, template: 'newsletter', journey: 'news' },
    ]);
  });

  it('adds the header only on the Postmark path, and refuses a header value with a line break', async () => {
    expect(await send('pm2', undefined)).not.toMatch(/X-PM-Metadata/i);
    const settings = settingsWith(manifest, { transport: { type: 'smtp', host: 'smtp.postmarkapp.com' } });
    expect(settings.transport).toMatchObject({ type: 'smtp', provider: 'postmark' });
    expect(settingsWith(manifest, { transport: { type: 'smtp', host: 'postmarkapp.com.evil.example' } }).transport).not.toHaveProperty(
      'provider',
    );
    const email = { subject: 'Hi', html: '<p>x</p>', text: 'x' };
    const base = { from: 'a@shop.example', to: 'b@example.test', messageId: 'm1@shop.example', date: new Date(T0) };
    expect(() =>
      composeMime(email as never, { ...base, headers: { 'X-PM-Metadata-message_id': 'm1@shop.example\r\nBcc: c@evil.example' } }),
    ).toThrow(HeaderError);
  });
});
