import { createHmac, createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import { engagementCommand } from '../../cli/commands/engagement.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { deliverDue, enqueue, FileTransport } from '../../runtime/delivery/index.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { createWebhooksFeature, WEBHOOK_ENV } from '../../runtime/webhooks/feature.ts';
import { isSnsUrl, stringToSign } from '../../runtime/webhooks/sns.ts';
import { parseProviderFile } from '../../runtime/webhooks/providers.ts';
import type { Route } from '../../runtime/serve/extension.ts';
import { addCustomers, compileShop, journeySend, prepare, T0 } from '../delivery/helpers.ts';
import { bodyText, dispatch, testContext } from '../recipient/support.ts';

const SHOP = resolve('test/recipient/fixtures/shop');
const FIXTURES = 'test/webhooks/fixtures';
const CERT_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:herald-ses';
// Signatures are judged on the real clock (certificates, timestamps); the messages were sent at T0.
const NOW = Math.floor(Date.now() / 1000) * 1000;

const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const SENDGRID_PUBLIC = sendgridKeys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const MAILGUN_KEY = 'mailgun-signing-key-0123456789';
const SNS_KEY = readFileSync(join(FIXTURES, 'sns-test-key.pem'), 'utf8');
const SNS_CERT = readFileSync(join(FIXTURES, 'sns-test-cert.pem'), 'utf8');
const ENV = {
  [WEBHOOK_ENV.sesTopics]: TOPIC,
  [WEBHOOK_ENV.sendgridKey]: SENDGRID_PUBLIC,
  [WEBHOOK_ENV.postmarkUser]: 'postmark',
  [WEBHOOK_ENV.postmarkPass]: 'hook-password',
  [WEBHOOK_ENV.mailgunKey]: MAILGUN_KEY,
};

/** A documented sample with its placeholders filled for one message Herald sent. */
function sample(file: string, messageId: string, extra: Record<string, string> = {}): string {
  const fills: Record<string, string> = {
    MID: messageId,
    MID_BRACKETS: `<${messageId}>`,
    SECONDS: String(Math.floor(NOW / 1000)),
    ISO: new Date(NOW).toISOString(),
    ...extra,
  };
  return readFileSync(join(FIXTURES, file), 'utf8').replace(/@@([A-Z_]+)@@/g, (_, k: string) => fills[k] ?? '');
}

function mailgunSigned(file: string, messageId: string, token = randomBytes(25).toString('hex')): string {
  const timestamp = String(Math.floor(NOW / 1000));
  return sample(file, messageId, {
    TOKEN: token,
    SIGNATURE: createHmac('sha256', MAILGUN_KEY)
      .update(timestamp + token)
      .digest('hex'),
  });
}

function sendgridHeaders(body: string, timestamp = String(Math.floor(NOW / 1000))): Record<string, string> {
  const signature = createSign('sha256')
    .update(timestamp + body)
    .sign(sendgridKeys.privateKey)
    .toString('base64');
  return {
    'x-twilio-email-event-webhook-signature': signature,
    'x-twilio-email-event-webhook-timestamp': timestamp,
    'content-type': 'application/json',
  };
}

function snsEnvelope(fields: Record<string, string>, certUrl = CERT_URL): string {
  const message: Record<string, string> = {
    MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
    TopicArn: TOPIC,
    Timestamp: new Date(NOW).toISOString(),
    SignatureVersion: '1',
    SigningCertURL: certUrl,
    ...fields,
  };
  message.Signature = createSign('RSA-SHA1').update(stringToSign(message)).sign(SNS_KEY).toString('base64');
  return JSON.stringify(message);
}

let manifest: Manifest;
beforeAll(() => {
  manifest = compileShop(SHOP);
});

describe('provider formats', () => {
  it("map every documented SendGrid event to Herald's, ignoring the ones without a meaning", () => {
    const parsed = parseProviderFile('sendgrid', sample('sendgrid.json', 'k@shop.example'));
    expect(parsed.records.map((r) => [r.event, r.bounceType ?? r.url ?? ''])).toEqual([
      ['delivered', ''],
      ['opened', ''],
      ['clicked', 'http://www.sendgrid.com/'],
      ['bounced', 'hard'],
      ['complained', ''],
      ['unsubscribed', ''],
      ['unsubscribed', ''],
    ]);
    expect(parsed.ignored).toBe(3);
    expect(parsed.records.every((r) => r.messageId === 'k@shop.example' && r.at === Math.floor(NOW / 1000) * 1000)).toBe(true);
  });

  it('only trusts SNS hosts for certificates', () => {
    expect(isSnsUrl(CERT_URL)).toBe(true);
    for (const url of [
      'http://sns.eu-west-1.amazonaws.com/x.pem',
      'https://sns.eu-west-1.amazonaws.com.evil.example/x.pem',
      'https://evil.example/sns.eu-west-1.amazonaws.com/x.pem',
      'https://s3.amazonaws.com/x.pem',
      'https://user@sns.eu-west-1.amazonaws.com/x.pem',
      'https://sns.eu-west-1.amazonaws.com:8443/x.pem',
    ]) {
      expect(isSnsUrl(url), url).toBe(false);
    }
  });
});

forEachDialect('provider webhooks', (ctx) => {
  let db: Database;
  let routes: Route[];
  const fetched: string[] = [];
  const confirmed: string[] = [];
  const ids = ['w1', 'w2', 'w3', 'w4', 'w5'];
  const sends = ids.map((id) => journeySend(id, { template: 'newsletter' }));
  const mid = (i: number) => `${sends[i]!.idempotencyKey}@shop.example`;
  const eventsOf = async (customer: string) =>
    (
      await db.kysely
        .selectFrom('events')
        .select(['type', 'bounce_type', 'url'])
        .where('customer_id', '=', customer)
        .where('type', '!=', 'email_sent')
        .orderBy('type')
        .orderBy('url')
        .execute()
    ).map((e) => `${e.type}${e.bounce_type ? `:${e.bounce_type}` : ''}${e.url ? `:${e.url}` : ''}`);
  const suppressed = async (customer: string) =>
    (
      await db.kysely.selectFrom('delivery_suppressions').select('reason').where('customer_id', '=', customer).orderBy('reason').execute()
    ).map((r) => r.reason);
  const total = async () =>
    Number(
      (
        await db.kysely
          .selectFrom('events')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    db = await prepare(await ctx.fresh(), manifest);
    await addCustomers(
      db,
      ids.map((id) => ({ id })),
    );
    await enqueue(db.kysely, sends);
    await deliverDue(db, { now: T0, manifest, transport: new FileTransport(mkdtempSync(join(tmpdir(), 'herald-hooks-'))), workerId: 'w' });
    routes = createWebhooksFeature(testContext(db, manifest, { now: NOW }, ENV), {
      fetchCertificate: async (url) => {
        fetched.push(url);
        return SNS_CERT;
      },
      confirmSubscription: async (url) => {
        confirmed.push(url);
      },
    }).routes;
  });

  it('SendGrid: a signed batch loads and suppresses; unsigned, forged or stale batches change nothing', async () => {
    const body = sample('sendgrid.json', mid(0));
    for (const headers of [
      {},
      {
        ...sendgridHeaders(body),
        'x-twilio-email-event-webhook-signature': sendgridHeaders('other')['x-twilio-email-event-webhook-signature'],
      },
      sendgridHeaders(body, String(Math.floor(NOW / 1000) - 3600)),
    ]) {
      const r = await dispatch(routes, 'POST', '/webhooks/sendgrid', { body, headers });
      expect(r.status).toBe(401);
    }
    expect(await eventsOf('w1')).toEqual([]);
    const r = await dispatch(routes, 'POST', '/webhooks/sendgrid', { body, headers: sendgridHeaders(body) });
    expect(r.status).toBe(200);
    // unsubscribe and group_unsubscribe at the same instant are one unsubscribe.
    expect(JSON.parse(bodyText(r))).toMatchObject({ loaded: 6, duplicates: 1, ignored: 3 });
    expect(await eventsOf('w1')).toEqual([
      'email_bounced:hard',
      'email_clicked:http://www.sendgrid.com/',
      'email_complained',
      'email_delivered',
      'email_opened',
      'email_unsubscribed',
    ]);
    expect(await suppressed('w1')).toEqual(['bounced', 'complained', 'unsubscribed']);
    // A provider's retry of the same batch changes nothing.
    expect(
      JSON.parse(bodyText(await dispatch(routes, 'POST', '/webhooks/sendgrid', { body, headers: sendgridHeaders(body) }))),
    ).toMatchObject({ loaded: 0, duplicates: 7 });
  });

  it('Mailgun: HMAC-signed events load once; a replayed token or a bad signature is refused', async () => {
    const before = await total();
    const bad = mailgunSigned('mailgun-delivered.json', mid(1)).replace(/"signature": "[0-9a-f]+"/, `"signature": "${'0'.repeat(64)}"`);
    expect((await dispatch(routes, 'POST', '/webhooks/mailgun', { body: bad })).status).toBe(401);
    expect(
      (await dispatch(routes, 'POST', '/webhooks/mailgun', { body: JSON.stringify({ 'event-data': JSON.parse(bad)['event-data'] }) }))
        .status,
    ).toBe(401);
    expect(await total()).toBe(before);
    for (const file of ['mailgun-delivered.json', 'mailgun-clicked.json', 'mailgun-failed-permanent.json']) {
      expect((await dispatch(routes, 'POST', '/webhooks/mailgun', { body: mailgunSigned(file, mid(1)) })).status, file).toBe(200);
    }
    const replay = mailgunSigned('mailgun-delivered.json', mid(1), 'used-token');
    expect((await dispatch(routes, 'POST', '/webhooks/mailgun', { body: replay })).status).toBe(200);
    expect((await dispatch(routes, 'POST', '/webhooks/mailgun', { body: replay })).status).toBe(401);
    expect(await eventsOf('w2')).toEqual(['email_bounced:hard', 'email_clicked:https://shop.example/sale', 'email_delivered']);
    expect(await suppressed('w2')).toEqual(['bounced']);
  });

  it('Postmark: basic auth; bounce, open and subscription change map', async () => {
    const auth = (user: string, pass: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });
    expect((await dispatch(routes, 'POST', '/webhooks/postmark', { body: sample('postmark-bounce.json', mid(2)) })).status).toBe(401);
    expect(
      (
        await dispatch(routes, 'POST', '/webhooks/postmark', {
          body: sample('postmark-bounce.json', mid(2)),
          headers: auth('postmark', 'wrong'),
        })
      ).status,
    ).toBe(401);
    expect(await eventsOf('w3')).toEqual([]);
    for (const file of ['postmark-bounce.json', 'postmark-open.json', 'postmark-subscription-change.json']) {
      expect(
        (await dispatch(routes, 'POST', '/webhooks/postmark', { body: sample(file, mid(2)), headers: auth('postmark', 'hook-password') }))
          .status,
        file,
      ).toBe(200);
    }
    expect(await eventsOf('w3')).toEqual(['email_bounced:hard', 'email_opened', 'email_unsubscribed']);
  });

  it('SES through SNS: a signed notification loads; a foreign certificate URL is never fetched; subscriptions are confirmed', async () => {
    const bounce = snsEnvelope({ Type: 'Notification', Message: sample('ses-bounce.json', mid(3)) });
    const foreign = snsEnvelope({ Type: 'Notification', Message: sample('ses-bounce.json', mid(3)) }, 'https://evil.example/cert.pem');
    const tampered = bounce.replace('Permanent', 'Transient');
    const otherTopic = snsEnvelope({
      Type: 'Notification',
      Message: sample('ses-bounce.json', mid(3)),
      TopicArn: 'arn:aws:sns:eu-west-1:999999999999:someone-else',
    });
    for (const body of [foreign, tampered, otherTopic, JSON.stringify({ Type: 'Notification', Message: '{}', TopicArn: TOPIC })]) {
      expect((await dispatch(routes, 'POST', '/webhooks/ses', { body })).status).toBe(401);
    }
    expect(fetched.every((u) => u === CERT_URL)).toBe(true);
    expect(await eventsOf('w4')).toEqual([]);
    for (const file of ['ses-bounce.json', 'ses-complaint.json', 'ses-click.json']) {
      expect(
        (await dispatch(routes, 'POST', '/webhooks/ses', { body: snsEnvelope({ Type: 'Notification', Message: sample(file, mid(3)) }) }))
          .status,
        file,
      ).toBe(200);
    }
    expect(await eventsOf('w4')).toEqual(['email_bounced:hard', 'email_clicked:https://shop.example/new?a=1&b=2', 'email_complained']);
    const subscribe = 'https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=y';
    const confirmation = snsEnvelope({
      Type: 'SubscriptionConfirmation',
      Message: 'You have chosen to subscribe',
      SubscribeURL: subscribe,
      Token: 'y',
    });
    expect((await dispatch(routes, 'POST', '/webhooks/ses', { body: confirmation })).status).toBe(200);
    expect(confirmed).toEqual([subscribe]);
    const sneaky = snsEnvelope({
      Type: 'SubscriptionConfirmation',
      Message: 'x',
      SubscribeURL: 'https://evil.example/confirm',
      Token: 'y',
    });
    expect((await dispatch(routes, 'POST', '/webhooks/ses', { body: sneaky })).status).toBe(400);
    expect(confirmed).toHaveLength(1);
  });

  it('answers unconfigured providers with 404 and oversized bodies with 413', async () => {
    const bare = createWebhooksFeature(testContext(db, manifest, { now: NOW }, {})).routes;
    expect((await dispatch(bare, 'POST', '/webhooks/mailgun', { body: '{}' })).status).toBe(404);
    expect((await dispatch(routes, 'POST', '/webhooks/postmark', { body: 'x'.repeat(300 * 1024) })).status).toBe(413);
  });
});

describe('herald engagement --provider [sqlite]', () => {
  it("imports a provider's saved payloads like the webhook does", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-provider-'));
    const url = `sqlite:${join(dir, 'h.db')}`;
    const db = await prepare(openDatabase(url), manifest);
    await addCustomers(db, [{ id: 'p1' }]);
    const send = journeySend('p1', { template: 'newsletter' });
    await enqueue(db.kysely, [send]);
    await deliverDue(db, { now: T0, manifest, transport: new FileTransport(join(dir, 'out')), workerId: 'w' });
    await db.close();
    writeFileSync(
      join(dir, 'mailgun.jsonl'),
      `${JSON.stringify(JSON.parse(mailgunSigned('mailgun-clicked.json', `${send.idempotencyKey}@shop.example`)))}\n{"event-data":{}}\n`,
    );
    let stdout = '';
    let stderr = '';
    const sink = (append: (t: string) => void) =>
      new Writable({
        write(chunk, _e, done) {
          append(String(chunk));
          done();
        },
      });
    const io = { stdout: sink((t) => (stdout += t)), stderr: sink((t) => (stderr += t)), cwd: dir, env: {} };
    expect(await engagementCommand.run(['mailgun.jsonl', SHOP, '--db', url, '--provider', 'mailgun'], io as never)).toBe(1);
    expect(stdout, stderr).toBe('mailgun.jsonl: 1 event loaded, 0 already loaded, 1 skipped; 0 customers newly suppressed\n');
    expect(stderr).toContain('line 2: event 1: not a Mailgun event');
    await expect(engagementCommand.run(['mailgun.jsonl', SHOP, '--provider', 'sparkpost'], io as never)).rejects.toThrow(
      /--provider must be one of ses, sendgrid, postmark, mailgun/,
    );
  });
});
