import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectContext } from '../support/postgres.ts';
import { keyFromDnsRecord, verifyDkim } from '../support/dkim-verify.ts';
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
    const summary = await deliverDue(db, {
      now: T0,
      manifest,
      settings,
      transport,
      workerId: 'w',
      signer: new LinkSigner(SECRET),
      env: { DKIM_KEY: PEM },
    });
    await transport.close();
    expect(summary.sent).toBe(1);
    const raw = smtp.received[0]!.raw;
    const verified = verifyDkim(raw, publicKey);
    expect(verified).toMatchObject({ domain: 'shop.example', selector: 'herald' });
    expect(verified.signed).toEqual(expect.arrayContaining(['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post']));
    // The verifier is not a rubber stamp: a changed header or body fails.
    expect(() =>
      verifyDkim(
        raw.replace('List-Unsubscribe-Post: List-Unsubscribe=One-Click', 'List-Unsubscribe-Post: List-Unsubscribe=Twice'),
        publicKey,
      ),
    ).toThrow(/signature/);
    expect(() => verifyDkim(raw.replace('New this week', 'Old this week'), publicKey)).toThrow(/signature/);
    expect(() => verifyDkim(raw.replace(/what is new/, 'what is old'), publicKey)).toThrow(/body hash/);

    // The recipient's mail provider acts on the header: one POST unsubscribes.
    const link = /^List-Unsubscribe:\s*<([^>]+)>/m.exec(raw)![1]!;
    const routes = createRecipientFeature(testContext(db, manifest, { now: T0 + MINUTE }), { secret: SECRET }).routes;
    expect((await dispatch(routes, 'POST', new URL(link).pathname, { body: 'List-Unsubscribe=One-Click' })).status).toBe(200);
    expect(await db.kysely.selectFrom('delivery_suppressions').select(['customer_id', 'reason']).execute()).toEqual([
      { customer_id: 'k1', reason: 'unsubscribed' },
    ]);
  });

  it('signs with an Ed25519 key (RFC 8463): a=ed25519-sha256, verified against the key published in DNS', async () => {
    const ed = generateKeyPairSync('ed25519');
    const edPem = ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // What the operator publishes: the raw 32-byte public key, as `openssl pkey -pubout -outform DER | tail -c 32 | base64` prints it.
    const record = `v=DKIM1; k=ed25519; p=${ed.publicKey.export({ type: 'spki', format: 'der' }).subarray(-32).toString('base64')}`;
    await addCustomers(db, [{ id: 'k2' }]);
    await enqueue(db.kysely, [journeySend('k2', { template: 'newsletter' })]);
    const settings = settingsWith(manifest, { dkim: { domain: 'shop.example', selector: 'ed2026', private_key_env: 'DKIM_ED25519' } });
    const transport = new SmtpTransport({ host: '127.0.0.1', port: smtp.port, secure: false, timeoutMs: 2000 });
    const summary = await deliverDue(db, {
      now: T0 + MINUTE,
      manifest,
      settings,
      transport,
      workerId: 'w',
      signer: new LinkSigner(SECRET),
      env: { DKIM_ED25519: edPem },
    });
    await transport.close();
    expect(summary.sent).toBe(1);
    const raw = smtp.received.find((r) => r.to.includes('k2@example.test'))!.raw;
    expect(raw).toMatch(/^DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed\/relaxed; d=shop\.example;/);
    const verified = verifyDkim(raw, keyFromDnsRecord(record));
    expect(verified).toMatchObject({ domain: 'shop.example', selector: 'ed2026', algorithm: 'ed25519-sha256' });
    expect(verified.signed).toEqual([
      'from',
      'to',
      'subject',
      'date',
      'message-id',
      'mime-version',
      'content-type',
      'list-unsubscribe',
      'list-unsubscribe-post',
    ]);
    // Tampering fails, and so does another Ed25519 key or the RSA one.
    const header = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect(header).toContain('https://shop.example/email/unsubscribe/');
    expect(() =>
      verifyDkim(
        raw.replace('https://shop.example/email/unsubscribe/', 'https://evil.example/email/unsubscribe/'),
        keyFromDnsRecord(record),
      ),
    ).toThrow(/signature/);
    expect(() =>
      verifyDkim(
        raw.replace('List-Unsubscribe-Post: List-Unsubscribe=One-Click', 'List-Unsubscribe-Post: List-Unsubscribe=Twice'),
        keyFromDnsRecord(record),
      ),
    ).toThrow(/signature/);
    expect(() => verifyDkim(raw.replace(/what is new/, 'what is old'), keyFromDnsRecord(record))).toThrow(/body hash/);
    expect(() => verifyDkim(raw, generateKeyPairSync('ed25519').publicKey)).toThrow(/signature does not verify/);
    expect(() => verifyDkim(raw, publicKey)).toThrow(/rsa key/);
  });

  it('refuses to start without a usable key, naming the variable and never the value', () => {
    const settings = settingsWith(manifest, { dkim: { domain: 'shop.example', selector: 'herald', private_key_env: 'DKIM_KEY' } });
    expect(() => dkimSignerOf(settings, {})).toThrow(/DKIM_KEY, which is not set/);
    expect(() => dkimSignerOf(settings, { DKIM_KEY: 'not a key' })).toThrow(DeliveryError);
    expect(dkimSignerOf(settings, { DKIM_KEY: PEM.replace(/\n/g, '\\n') })).toBeDefined();
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    let refused: unknown;
    try {
      dkimSignerOf(settings, { DKIM_KEY: ec });
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(DeliveryError);
    expect(String((refused as Error).message)).toBe(
      'delivery.dkim reads its private key from DKIM_KEY, which holds a ec key; DKIM signs with RSA (rsa-sha256) or Ed25519 (ed25519-sha256)',
    );
    expect(String((refused as Error).message)).not.toContain('BEGIN');
  });
});
