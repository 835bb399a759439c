import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { deliverDue, enqueue, FileTransport } from '../../runtime/delivery/index.ts';
import { collectReport } from '../../runtime/delivery/report/collect.ts';
import { createRecipientFeature } from '../../runtime/recipient/feature.ts';
import { LinkSigner } from '../../runtime/recipient/tokens.ts';
import type { LinkSecret } from '../../runtime/recipient/secret.ts';
import type { Route } from '../../runtime/serve/extension.ts';
import { addCustomers, compileShop, journeySend, MINUTE, prepare, T0 } from '../delivery/helpers.ts';
import { bodyText, dispatch, testContext } from './support.ts';

const SHOP = 'test/recipient/fixtures/shop';
const SECRET: LinkSecret = { keys: [Buffer.from('k'.repeat(40))], throwaway: false };
const DAY = 86_400_000;

let manifest: Manifest;
beforeAll(() => {
  manifest = compileShop(SHOP);
});

describe('compiled tracking and topics', () => {
  it("keeps the template's literal links and topic in the manifest, leaving unsubscribe links alone", () => {
    const compiled = manifest.definitions['Template/newsletter']!.compiled as {
      topic?: string;
      tracking?: { links: Record<string, string> };
    };
    expect(compiled.topic).toBe('newsletter');
    expect(Object.values(compiled.tracking!.links).sort()).toEqual(['https://shop.example/new?a=1&b=2', 'https://shop.example/sale']);
  });
});

forEachDialect('recipient links', (ctx) => {
  let db: Database;
  let routes: Route[];
  const clock = { now: T0 };
  let context: ReturnType<typeof testContext>;
  const ids = ['r1', 'r2', 'r3', 'r4', 'r5'];
  const sends = ids.map((id) => journeySend(id, { template: 'newsletter', name: 'news', step: 'issue' }));
  let dir: string;
  const html = (i: number) => readFileSync(join(dir, `${sends[i]!.idempotencyKey}.html`), 'utf8');
  const path = (url: string) => new URL(url.replace(/&amp;/g, '&')).pathname;
  const linkOf = (i: number, re: RegExp) => path(re.exec(html(i))![0]!);
  const unsubscribeOf = (i: number) => linkOf(i, /https:\/\/shop\.example\/email\/unsubscribe\/[^"]+/);
  const preferencesOf = (i: number) => linkOf(i, /https:\/\/shop\.example\/email\/preferences\/[^"]+/);
  const clicksOf = (i: number) => [...html(i).matchAll(/https:\/\/shop\.example\/t\/c\/[^"]+/g)].map((m) => path(m[0]));
  const count = async (table: string, where: (q: any) => any = (q) => q) =>
    Number((await where(db.kysely.selectFrom(table).select((eb: any) => eb.fn.countAll().as('n'))).executeTakeFirst()).n);
  const state = async () => [await count('events'), await count('delivery_suppressions'), await count('recipient_topic_optouts')];

  beforeAll(async () => {
    db = await prepare(await ctx.fresh(), manifest);
    await addCustomers(
      db,
      ids.map((id) => ({ id, email: `${id}@example.test`, first_name: `Secret${id}` })),
    );
    await enqueue(db.kysely, sends);
    dir = mkdtempSync(join(tmpdir(), 'herald-recipient-'));
    await deliverDue(db, { now: T0, manifest, transport: new FileTransport(dir), workerId: 'w', signer: new LinkSigner(SECRET) });
    context = testContext(db, manifest, clock);
    routes = createRecipientFeature(context, { secret: SECRET }).routes;
    clock.now = T0 + 5 * MINUTE;
  });

  it('sends signed links that show neither the customer id nor the address', () => {
    const h = html(0);
    expect(h).not.toContain('r1@example.test/');
    expect(unsubscribeOf(0)).toMatch(/^\/email\/unsubscribe\/k[0-9a-f]{32}[A-Za-z0-9_-]{22}$/);
    expect(unsubscribeOf(0)).not.toContain('r1');
    expect(clicksOf(0)).toHaveLength(3);
    expect(h).toMatch(/https:\/\/shop\.example\/t\/o\/k[0-9a-f]{32}/);
  });

  it('one-click POST unsubscribes at once, stops queued sends, and a replay changes nothing', async () => {
    const before = await state();
    const r = await dispatch(routes, 'POST', unsubscribeOf(0), {
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(r.status).toBe(200);
    const after = await state();
    expect(after).toEqual([before[0]! + 1, before[1]! + 1, before[2]]);
    const replay = await dispatch(routes, 'POST', unsubscribeOf(0), {
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(replay.status).toBe(200);
    expect(await state()).toEqual(after);
    const event = await db.kysely.selectFrom('events').selectAll().where('type', '=', 'email_unsubscribed').executeTakeFirstOrThrow();
    expect(event).toMatchObject({ customer_id: 'r1', template: 'newsletter', journey: 'news', topic: null });
    // A send queued before the unsubscribe is suppressed when it comes due.
    const later = journeySend('r1', { template: 'welcome', entry: 'later' });
    await enqueue(db.kysely, [{ ...later, dueAt: clock.now }]);
    await deliverDue(db, {
      now: clock.now + MINUTE,
      manifest,
      transport: new FileTransport(dir),
      workerId: 'w',
      signer: new LinkSigner(SECRET),
    });
    const outcome = await db.kysely
      .selectFrom('delivery_outbox')
      .select(['status', 'reason'])
      .where('idempotency_key', '=', later.idempotencyKey)
      .executeTakeFirstOrThrow();
    expect(outcome).toEqual({ status: 'suppressed', reason: 'suppressed' });
  });

  it('answers forged, altered, foreign and misplaced tokens with 404 and changes nothing', async () => {
    const before = await state();
    const good = unsubscribeOf(1);
    const token = good.split('/').pop()!;
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
    const otherKey = sends[2]!.idempotencyKey;
    const cases = [
      `/email/unsubscribe/${flip(token, 40)}`,
      `/email/unsubscribe/${token.slice(0, 1)}${otherKey}${token.slice(33)}`,
      `/email/unsubscribe/${new LinkSigner({ keys: [Buffer.from('x'.repeat(40))], throwaway: false }).sign('unsubscribe', sends[1]!.idempotencyKey)}`,
      `/email/unsubscribe/${preferencesOf(1).split('/').pop()}`,
      `/email/unsubscribe/${token}x`,
      `/email/unsubscribe/2${token.slice(1)}`,
      `/email/unsubscribe/${sends[1]!.idempotencyKey}`,
    ];
    for (const url of cases) {
      const r = await dispatch(routes, 'POST', url, { body: 'List-Unsubscribe=One-Click' });
      expect(r.status, url).toBe(404);
      expect(bodyText(r)).not.toMatch(/r2|Secret|example\.test/);
    }
    // A well-signed token for a message that was never sent.
    const unsent = new LinkSigner(SECRET).sign('unsubscribe', 'f'.repeat(32));
    expect((await dispatch(routes, 'POST', `/email/unsubscribe/${unsent}`, { body: 'List-Unsubscribe=One-Click' })).status).toBe(404);
    expect(await state()).toEqual(before);
  });

  it('shows an unsubscribe page without personal data, guarded against CSRF, with an undo', async () => {
    const url = unsubscribeOf(1);
    const page = await dispatch(routes, 'GET', url);
    expect(page.status).toBe(200);
    const text = bodyText(page);
    expect(text).not.toMatch(/r2|Secretr2|example\.test/);
    expect(page.headers?.['referrer-policy']).toBe('no-referrer');
    const csrf = /name="csrf" value="([^"]+)"/.exec(text)![1]!;
    const before = await state();
    expect((await dispatch(routes, 'POST', url, { body: 'action=unsubscribe' })).status).toBe(403);
    expect(
      (await dispatch(routes, 'POST', url, { body: `action=unsubscribe&csrf=${csrf}`, headers: { origin: 'https://evil.example' } }))
        .status,
    ).toBe(403);
    expect(
      (await dispatch(routes, 'POST', url, { body: `action=unsubscribe&csrf=${csrf}`, headers: { 'sec-fetch-site': 'cross-site' } }))
        .status,
    ).toBe(403);
    const otherCsrf = /name="csrf" value="([^"]+)"/.exec(bodyText(await dispatch(routes, 'GET', unsubscribeOf(2))))![1]!;
    expect((await dispatch(routes, 'POST', url, { body: `action=unsubscribe&csrf=${otherCsrf}` })).status).toBe(403);
    expect(await state()).toEqual(before);
    const done = await dispatch(routes, 'POST', url, {
      body: `action=unsubscribe&csrf=${csrf}`,
      headers: { origin: 'https://shop.example' },
    });
    expect(bodyText(done)).toContain('You are unsubscribed');
    expect(await count('delivery_suppressions', (q) => q.where('customer_id', '=', 'r2').where('reason', '=', 'unsubscribed'))).toBe(1);
    clock.now += MINUTE;
    const undone = await dispatch(routes, 'POST', url, { body: `action=undo&csrf=${csrf}` });
    expect(bodyText(undone)).toContain('>Unsubscribe<');
    expect(await count('delivery_suppressions', (q) => q.where('customer_id', '=', 'r2').where('reason', '=', 'unsubscribed'))).toBe(0);
    expect(await count('events', (q) => q.where('customer_id', '=', 'r2').where('type', '=', 'email_resubscribed'))).toBe(1);
  });

  it('lets a customer leave one topic on the preferences page; the gates then hold that topic only', async () => {
    const url = preferencesOf(2);
    const page = bodyText(await dispatch(routes, 'GET', url));
    expect(page).toContain('Weekly newsletter');
    expect(page).toMatch(/value="newsletter" checked/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const saved = await dispatch(routes, 'POST', url, { body: `csrf=${csrf}&topic=offers&all=yes&topic=__proto__` });
    expect(saved.status).toBe(200);
    expect(bodyText(saved)).not.toMatch(/value="newsletter" checked/);
    expect(await db.kysely.selectFrom('recipient_topic_optouts').select(['customer_id', 'topic']).execute()).toEqual([
      { customer_id: 'r3', topic: 'newsletter' },
    ]);
    const event = await db.kysely
      .selectFrom('events')
      .selectAll()
      .where('customer_id', '=', 'r3')
      .where('type', '=', 'email_unsubscribed')
      .executeTakeFirstOrThrow();
    expect(event.topic).toBe('newsletter');
    const news = journeySend('r3', { template: 'newsletter', name: 'news', step: 'issue', entry: 'next' });
    const welcome = journeySend('r3', { template: 'welcome', entry: 'next' });
    await enqueue(
      db.kysely,
      [news, welcome].map((s) => ({ ...s, dueAt: clock.now })),
    );
    await deliverDue(db, {
      now: clock.now + MINUTE,
      manifest,
      transport: new FileTransport(dir),
      workerId: 'w',
      signer: new LinkSigner(SECRET),
    });
    const status = async (key: string) =>
      await db.kysely
        .selectFrom('delivery_outbox')
        .select(['status', 'detail'])
        .where('idempotency_key', '=', key)
        .executeTakeFirstOrThrow();
    expect(await status(news.idempotencyKey)).toMatchObject({
      status: 'suppressed',
      detail: expect.stringContaining('left topic newsletter'),
    });
    expect((await status(welcome.idempotencyKey)).status).toBe('sent');
  });

  it("redirects a click only to the template's link, records it once, and flags scanners", async () => {
    const [first] = clicksOf(3);
    const compiled = manifest.definitions['Template/newsletter']!.compiled as { tracking: { links: Record<string, string> } };
    // Within seconds of the send: a scanner.
    clock.now = T0 + 3000;
    const scanned = await dispatch(routes, 'GET', first!);
    expect(scanned.status).toBe(302);
    clock.now = T0 + 30 * MINUTE;
    const r = await dispatch(routes, 'GET', first!);
    expect(r.status).toBe(302);
    expect(Object.values(compiled.tracking.links)).toContain(r.headers!.location);
    await dispatch(routes, 'GET', first!);
    const clicks = await db.kysely
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'email_clicked')
      .where('customer_id', '=', 'r4')
      .orderBy('at')
      .execute();
    expect(clicks.map((c) => [Boolean(c.machine), c.url, c.template, c.journey])).toEqual([
      [true, r.headers!.location, 'newsletter', 'news'],
      [false, r.headers!.location, 'newsletter', 'news'],
    ]);
    const before = await state();
    const [, , , token, link] = first!.split('/');
    // A target appended, another message's key, another link's id: no redirect anywhere.
    expect((await dispatch(routes, 'GET', `${first}/https://evil.example`)).status).toBe(404);
    expect((await dispatch(routes, 'GET', `/t/c/${token!.slice(0, 1)}${sends[4]!.idempotencyKey}${token!.slice(33)}/${link}`)).status).toBe(
      404,
    );
    const otherLink = Object.keys(compiled.tracking.links).find((id) => id !== link)!;
    expect((await dispatch(routes, 'GET', `/t/c/${token}/${otherLink}`)).status).toBe(404);
    expect((await dispatch(routes, 'GET', `/t/c/${token}/${link}?to=https://evil.example`)).headers?.location).toBe(r.headers!.location);
    expect(await state()).toEqual(before);
  });

  it("records opens from the pixel, Apple's proxy as a machine", async () => {
    const open = path(/https:\/\/shop\.example\/t\/o\/[^"]+/.exec(html(4))![0]!);
    const proxy = await dispatch(routes, 'GET', open, { remoteAddress: '17.58.1.2', headers: { 'user-agent': 'Mozilla/5.0' } });
    expect(proxy.status).toBe(200);
    expect(proxy.headers!['content-type']).toBe('image/gif');
    await dispatch(routes, 'GET', open);
    await dispatch(routes, 'GET', open);
    const opens = await db.kysely
      .selectFrom('events')
      .select(['machine'])
      .where('type', '=', 'email_opened')
      .where('customer_id', '=', 'r5')
      .execute();
    expect(opens.map((o) => Boolean(o.machine)).sort()).toEqual([false, true]);
  });

  it('refuses expired links with 410 and changes nothing, and accepts links of a rotated-out key', async () => {
    const before = await state();
    clock.now = T0 + 31 * DAY;
    expect((await dispatch(routes, 'POST', unsubscribeOf(4), { body: 'List-Unsubscribe=One-Click' })).status).toBe(410);
    expect(await state()).toEqual(before);
    clock.now = T0 + DAY;
    const rotated = createRecipientFeature(context, {
      secret: { keys: [Buffer.from('n'.repeat(40)), SECRET.keys[0]!], throwaway: false },
    }).routes;
    expect((await dispatch(rotated, 'GET', unsubscribeOf(4))).status).toBe(200);
  });

  it("feeds herald report with people's opens and clicks and the unsubscribes", async () => {
    clock.now = T0 + 2 * DAY;
    // A link scanner (by its user agent) is the only one to click in r2's message.
    expect((await dispatch(routes, 'GET', clicksOf(1)[0]!, { headers: { 'user-agent': 'Mimecast URL protect' } })).status).toBe(302);
    const report = await collectReport(db.kysely, manifest, { conversionEvent: 'purchase', conversionWindowMs: DAY });
    const news = report.origins.find((o) => o.name === 'news')!;
    expect(news.groups[0]).toMatchObject({ sent: 5, opened: 1, clicked: 1, unsubscribed: 3 });
  });
});
