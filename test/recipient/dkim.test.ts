import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectContext } from '../support/postgres.ts';
import { verifyDkim } from '../support/dkim-verify.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { deliverDue, enqueue, SmtpTransport } from '../../runtime/delivery/index.ts';
import { DeliveryError } from '../../runtime/delivery/problems.ts';
import { dkimSignerOf } from '../../runtime/recipient/dkim.ts';
import { createRecipientFeature } from '../../runtime/recipient/feature.ts';
import { LinkSigner } from '../../runtime/recipient/tokens.ts';
import type { LinkSecret } from '../../runtime/recipient/secret.ts';
import { addCustomers, compileShop, journeySend, MINUTE, prepare, settingsWith, T0 } from '../delivery/helpers.ts';
import { startSmtp, type SmtpHarness } from '../delivery/smtp-harness.ts';
import { dispatch, testContext } from './support.ts';

const SECRET: LinkSecret = { keys: [Buffer.from('d'.repeat(40))], throwaway: false };
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('DKIM through a real SMTP server', () => {
  const ctx = dialectContext('sqlite');
  let manifest: Manifest;
  let db: Database;
  let smtp: SmtpHarness;
  beforeAll(async () => {
    manifest = compileShop('test/recipient/fixtures/shop');
    db = await prepare(await ctx.fresh(), manifest);
    smtp = await startSmtp();
  });
  afterAll(async () => smtp.close());

  it('signs every message over From, Subject and the List-Unsubscribe headers; the receiver verifies it and its one-click link works', async () => {
    await addCustomers(db, [{ id: 'k1' }]);
    const send = journeySend('k1', { template: 'newsletter' });
    await enqueue(db.kysely, [send]);
    const settings = settingsWith(manifest, { dkim: { domain: 'shop.example', selector: 'herald', private_key_env: 'DKIM_KEY' } });
    const transport = new SmtpTransport({ host: '127.0.0.1', port: smtp.port, secure: false, timeoutMs: 2000 });
    const summary = await deliverDue(db, { now: T0, manifest, settings, transport, workerId: 'w', signer: new LinkSigner(SECRET), env: { DKIM_KEY: PEM } });
    await transport.close();
    expect(summary.sent).toBe(1);
    const raw = smtp.received[0]!.raw;
    const verified = verifyDkim(raw, publicKey);
    expect(verified).toMatchObject({ domain: 'shop.example', selector: 'herald' });
    expect(verified.signed).toEqual(expect.arrayContaining(['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post']));
    // The verifier is not a rubber stamp: a changed header or body fails.
    expect(() => verifyDkim(raw.replace('List-Unsubscribe-Post: List-Unsubscribe=One-Click', 'List-Unsubscribe-Post: List-Unsubscribe=Twice'), publicKey)).toThrow(/signature/);
    expect(() => verifyDkim(raw.replace('New this week', 'Old this week'), publicKey)).toThrow(/signature/);
    expect(() => verifyDkim(raw.replace(/what is new/, 'what is old'), publicKey)).toThrow(/body hash/);

    // The recipient's mail provider acts on the header: one POST unsubscribes.
    const link = /^List-Unsubscribe:\s*<([^>]+)>/m.exec(raw)![1]!;
    const routes = createRecipientFeature(testContext(db, manifest, { now: T0 + MINUTE }), { secret: SECRET }).routes;
    expect((await dispatch(routes, 'POST', new URL(link).pathname, { body: 'List-Unsubscribe=One-Click' })).status).toBe(200);
    expect(await db.kysely.selectFrom('delivery_suppressions').select(['customer_id', 'reason']).execute()).toEqual([{ customer_id: 'k1', reason: 'unsubscribed' }]);
  });

  it('refuses to start without a usable key, naming the variable and never the value', () => {
    const settings = settingsWith(manifest, { dkim: { domain: 'shop.example', selector: 'herald', private_key_env: 'DKIM_KEY' } });
    expect(() => dkimSignerOf(settings, {})).toThrow(/DKIM_KEY, which is not set/);
    expect(() => dkimSignerOf(settings, { DKIM_KEY: 'not a key' })).toThrow(DeliveryError);
    expect(dkimSignerOf(settings, { DKIM_KEY: PEM.replace(/\n/g, '\\n') })).toBeDefined();
  });
});
