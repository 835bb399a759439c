import { createSign, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { enqueue, SmtpTransport } from '../../runtime/delivery/index.ts';
import { startServe, type RunningServe } from '../../runtime/serve/serve.ts';
import { WEBHOOK_ENV } from '../../runtime/webhooks/feature.ts';
import { startSmtp, type SmtpHarness } from '../delivery/smtp-harness.ts';
import { addCustomers, compileShop, journeySend, prepare } from '../delivery/helpers.ts';
import { memoryLog, waitFor } from '../serve/support.ts';
import { forEachDialect } from '../support/postgres.ts';

/**
 * End to end through `herald serve`: messages sent through a real SMTP server, then the recipient
 * acts on them with a real HTTP client: one-click unsubscribe from the List-Unsubscribe header,
 * the preferences page and its form, a click through, a forged token, and a provider webhook.
 */
// The delivery worker inside the server and the recipient routes read the same secret, as in a deployment.
process.env.HERALD_SECRET ??= 'serve-e2e-secret-0123456789abcdef-0123456789';

const SHOP = 'test/recipient/fixtures/shop';
const sendgrid = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

/** The decoded text of a quoted-printable MIME body. */
function unQuote(raw: string): string {
  return raw.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

let manifest: Manifest;
beforeAll(() => {
  manifest = compileShop(SHOP);
});

forEachDialect("herald serve, the recipient's side", (ctx) => {
  let db: Database;
  let smtp: SmtpHarness;
  let serve: RunningServe;
  let base = '';
  const ids = ['s1', 's2', 's3'];
  const sends = ids.map((id) => journeySend(id, { template: 'newsletter', name: 'news', step: 'issue', dueAt: Date.now() - 60_000 }));
  const raw = (i: number) => smtp.received.find((r) => r.messageId.startsWith(sends[i]!.idempotencyKey))!.raw;
  const links = (i: number) =>
    [...unQuote(raw(i)).matchAll(/https:\/\/shop\.example(\/[^\s"()<>]+)/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  const count = async (table: string, customer: string) =>
    Number(
      (
        await db.kysely
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('customer_id', '=', customer)
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
    smtp = await startSmtp();
    serve = await startServe({
      dir: process.cwd(),
      manifest,
      db,
      env: { ...process.env, [WEBHOOK_ENV.sendgridKey]: sendgrid.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') },
      transport: new SmtpTransport({ host: '127.0.0.1', port: smtp.port, secure: false, timeoutMs: 5000 }),
      log: memoryLog().log,
      role: 'all',
      dryRun: false,
      workerId: `e2e-${ctx.dialect}`,
      port: 0,
      host: '127.0.0.1',
    });
    base = `http://127.0.0.1:${serve.port}`;
    await waitFor('the three messages', () => smtp.received.length >= 3 || undefined, 30_000);
  }, 60_000);
  afterAll(async () => {
    await serve?.stop();
    await smtp?.close();
  });

  it('one-click unsubscribes from the List-Unsubscribe header; a replay and a forged token change nothing', async () => {
    const header = /^List-Unsubscribe:\s*<([^>]+)>/m.exec(raw(0))![1]!;
    const path = new URL(header).pathname;
    const forged = `${path.slice(0, -3)}${path.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const post = (p: string) =>
      fetch(`${base}${p}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
    expect((await post(forged)).status).toBe(404);
    expect(await count('delivery_suppressions', 's1')).toBe(0);
    expect((await post(path)).status).toBe(200);
    expect((await post(path)).status).toBe(200);
    expect(await count('delivery_suppressions', 's1')).toBe(1);
  });

  it('leaves a topic on the preferences page, with its CSRF token', async () => {
    const prefs = links(1).find((l) => l.startsWith('/email/preferences/'))!;
    const page = await (await fetch(`${base}${prefs}`)).text();
    expect(page).not.toContain('s2');
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const cross = await fetch(`${base}${prefs}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: `csrf=${csrf}&all=yes`,
    });
    expect(cross.status).toBe(403);
    const saved = await fetch(`${base}${prefs}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `csrf=${encodeURIComponent(csrf)}&all=yes&topic=offers`,
    });
    expect(saved.status).toBe(200);
    expect(await count('recipient_topic_optouts', 's2')).toBe(1);
  });

  it("clicks through to the template's link only, and records the click", async () => {
    const click = links(2).find((l) => l.startsWith('/t/c/'))!;
    const r = await fetch(`${base}${click}`, { redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(['https://shop.example/new?a=1&b=2', 'https://shop.example/sale']).toContain(r.headers.get('location'));
    expect((await fetch(`${base}${click}/https%3A%2F%2Fevil.example`, { redirect: 'manual' })).status).toBe(404);
    await waitFor(
      'the click',
      async () =>
        (await db.kysely
          .selectFrom('events')
          .select('id')
          .where('type', '=', 'email_clicked')
          .where('customer_id', '=', 's3')
          .executeTakeFirst()) ?? undefined,
    );
  });

  it('takes a signed SendGrid webhook and refuses an unsigned one', async () => {
    const body = JSON.stringify([
      {
        email: 'example@test.com',
        timestamp: Math.floor(Date.now() / 1000),
        'smtp-id': `<${sends[2]!.idempotencyKey}@shop.example>`,
        event: 'delivered',
        sg_event_id: 'e2e',
        sg_message_id: 'e2e',
        response: '250 OK',
      },
    ]);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createSign('sha256')
      .update(timestamp + body)
      .sign(sendgrid.privateKey)
      .toString('base64');
    expect(
      (await fetch(`${base}/webhooks/sendgrid`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status,
    ).toBe(401);
    const ok = await fetch(`${base}/webhooks/sendgrid`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-twilio-email-event-webhook-signature': signature,
        'x-twilio-email-event-webhook-timestamp': timestamp,
      },
      body,
    });
    expect(ok.status).toBe(200);
    expect(
      await db.kysely.selectFrom('events').select('type').where('type', '=', 'email_delivered').where('customer_id', '=', 's3').execute(),
    ).toHaveLength(1);
  });
});
