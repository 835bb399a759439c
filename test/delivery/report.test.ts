import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { deliverDue, enqueue, FileTransport, listDeliveries, recordSuppressed, type SendRequest } from '../../runtime/delivery/index.ts';
import { ingestEngagement } from '../../runtime/delivery/engagement.ts';
import { normalCdf, twoProportionTest } from '../../runtime/delivery/report/stats.ts';
import { reportCommand } from '../../cli/commands/report.ts';
import { addCustomers, compileShop, HOUR, journeySend, prepare, SHOP, T0 } from './helpers.ts';

const DAY = 24 * HOUR;

/** The standard normal distribution function by Simpson's rule on the density: independent of the code under test. */
function phi(x: number): number {
  const steps = 20_000;
  const a = 0;
  const h = (Math.abs(x) - a) / steps;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const t = a + i * h;
    const w = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
    sum += w * Math.exp((-t * t) / 2);
  }
  const half = (sum * h) / 3 / Math.sqrt(2 * Math.PI);
  return x >= 0 ? 0.5 + half : 0.5 - half;
}

/** The z-test written out from the textbook formulas. */
function expectedTest(x1: number, n1: number, x2: number, n2: number) {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const p = (x1 + x2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  return { difference: p1 - p2, z, p: 2 * (1 - phi(Math.abs(z))), ci95: [p1 - p2 - 1.959964 * se, p1 - p2 + 1.959964 * se] };
}

describe('two-proportion z-test', () => {
  it('agrees with the textbook formula and an independent normal distribution', () => {
    expect(normalCdf(1)).toBeCloseTo(0.841344746, 6);
    expect(normalCdf(-1.959964)).toBeCloseTo(0.025, 6);
    expect(2 * (1 - normalCdf(2.575829))).toBeCloseTo(0.01, 6);
    for (const [x1, n1, x2, n2] of [
      [40, 203, 8, 100],
      [120, 1000, 100, 1000],
      [24, 200, 40, 203],
      [500, 5000, 450, 5100],
    ] as const) {
      const got = twoProportionTest(x1, n1, x2, n2);
      const want = expectedTest(x1, n1, x2, n2);
      if (!got.ok) throw new Error('expected a test');
      expect(got.difference).toBeCloseTo(want.difference, 12);
      expect(got.z).toBeCloseTo(want.z, 10);
      expect(got.p).toBeCloseTo(want.p, 6);
      expect(got.ci95[0]).toBeCloseTo(want.ci95[0], 6);
      expect(got.ci95[1]).toBeCloseTo(want.ci95[1], 6);
    }
  });

  it('declines groups too small for the normal approximation', () => {
    expect(twoProportionTest(3, 100, 10, 100)).toMatchObject({ ok: false, rateA: 0.03 });
    expect(twoProportionTest(10, 10, 5, 20).ok).toBe(false);
  });
});

let manifest: Manifest;
beforeAll(() => {
  manifest = compileShop();
});

forEachDialect('herald report', (ctx) => {
  let db: Database;
  let url: string;
  const origin = (variant: string) => ({
    kind: 'journey' as const,
    name: 'cart',
    version: 'v1',
    step: `offer_${variant}`,
    experiment: 'offer',
    variant,
  });
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

  beforeAll(async () => {
    url = await ctx.freshUrl();
    db = await prepare(openDatabase(url), manifest);
    const a = ids('a', 200);
    const b = ids('b', 200);
    const h = ids('h', 100);
    await addCustomers(
      db,
      [...a, ...b, ...h].map((id) => ({ id })),
    );
    await addCustomers(
      db,
      ids('an', 3).map((id) => ({ id, email_consent: false })),
    );
    const send = (id: string, variant: string): SendRequest =>
      journeySend(id, { name: 'cart', step: `offer_${variant}`, entry: 'x', origin: origin(variant) });
    await enqueue(
      db.kysely,
      [...a, ...ids('an', 3)].map((id) => send(id, 'ten_percent')),
    );
    await enqueue(
      db.kysely,
      b.map((id) => send(id, 'free_shipping')),
    );
    for (const id of h)
      await recordSuppressed(db.kysely, journeySend(id, { name: 'cart', step: 'offer', entry: 'x', origin: origin('holdout') }), 'holdout');
    await deliverDue(db, { now: T0, manifest, transport: new FileTransport(mkdtempSync(join(tmpdir(), 'herald-report-'))), workerId: 'r' });

    // Clicks on the first 60 ten_percent emails, an hour after sending.
    const sent = await listDeliveries(db.kysely, { status: 'sent' });
    const byCustomer = new Map(sent.map((r) => [r.customerId, r]));
    await ingestEngagement(
      db,
      manifest,
      a.slice(0, 60).map((id) => ({
        record: { event: 'clicked' as const, messageId: byCustomer.get(id)!.messageId, at: T0 + HOUR, url: 'https://shop.example/offer' },
      })),
    );
    await ingestEngagement(
      db,
      manifest,
      a.slice(0, 150).map((id) => ({ record: { event: 'opened' as const, messageId: byCustomer.get(id)!.messageId, at: T0 + HOUR / 2 } })),
    );
    await ingestEngagement(
      db,
      manifest,
      [...a, ...b].map((id) => ({ record: { event: 'delivered' as const, messageId: byCustomer.get(id)!.messageId, at: T0 + 60_000 } })),
    );
    let n = 0;
    const purchase = (customer: string, at: number) => ({
      id: `p${n++}`,
      customer_id: customer,
      type: 'purchase',
      at,
      item_id: 'i1',
      amount: 10,
    });
    await db.kysely
      .insertInto('events')
      .values([
        ...a.slice(0, 30).map((id) => purchase(id, T0 + 2 * HOUR)), // clicked, then bought: click conversions
        ...a.slice(60, 70).map((id) => purchase(id, T0 + DAY)), // bought without a click
        ...a.slice(70, 75).map((id) => purchase(id, T0 + 8 * DAY)), // outside the 7-day window
        purchase('a75', T0 - HOUR), // before the send
        ...b.slice(0, 24).map((id) => purchase(id, T0 + 3 * HOUR)),
        ...h.slice(0, 8).map((id) => purchase(id, T0 + 5 * HOUR)),
      ])
      .execute();
  });

  async function cli(args: string[]) {
    let stdout = '';
    let stderr = '';
    const sink = (append: (s: string) => void) =>
      new Writable({
        write(chunk, _e, done) {
          append(String(chunk));
          done();
        },
      });
    const code = await reportCommand.run([SHOP, '--db', url, ...args], {
      stdout: sink((s) => (stdout += s)),
      stderr: sink((s) => (stderr += s)),
      cwd: process.cwd(),
      env: {},
    });
    return { code, stdout, stderr };
  }

  it('counts sends, suppressions, engagement and conversions per variant, and tests them', async () => {
    const r = await cli(['--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.conversion).toEqual({ event: 'purchase', window_ms: 7 * DAY, tracked: true });
    const cart = doc.origins.find((o: { name: string }) => o.name === 'cart');
    const group = (variant: string) => cart.groups.find((g: { variant: string }) => g.variant === variant);
    expect(group('ten_percent')).toMatchObject({
      experiment: 'offer',
      assigned: 203,
      sent: 200,
      suppressed: { no_consent: 3 },
      delivered: 200,
      opened: 150,
      clicked: 60,
      click_conversions: 30,
      converted: 40,
    });
    expect(group('free_shipping')).toMatchObject({
      assigned: 200,
      sent: 200,
      delivered: 200,
      opened: 0,
      clicked: 0,
      click_conversions: 0,
      converted: 24,
    });
    expect(group('holdout')).toMatchObject({ holdout: true, assigned: 100, sent: 0, suppressed: { holdout: 100 }, converted: 8 });
    const pairs = cart.comparisons.map((c: { a: string; b: string }) => `${c.a}/${c.b}`);
    expect(pairs).toEqual(['free_shipping/holdout', 'ten_percent/holdout', 'free_shipping/ten_percent']);
    for (const c of cart.comparisons) {
      const want = expectedTest(c.converted_a, c.assigned_a, c.converted_b, c.assigned_b);
      expect(c.z).toBeCloseTo(want.z, 9);
      expect(c.p).toBeCloseTo(want.p, 6);
      expect(c.ci95[0]).toBeCloseTo(want.ci95[0], 6);
    }
    const tenVsHoldout = cart.comparisons.find((c: { a: string; b: string }) => c.a === 'ten_percent' && c.b === 'holdout');
    expect([tenVsHoldout.converted_a, tenVsHoldout.assigned_a, tenVsHoldout.converted_b, tenVsHoldout.assigned_b]).toEqual([
      40, 203, 8, 100,
    ]);
    expect(tenVsHoldout.p).toBeLessThan(0.05);
  });

  it('prints the same plainly, with p-values and intervals', async () => {
    const r = await cli([]);
    if (process.env.SHOW_REPORT) process.stdout.write(r.stdout);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('journey cart');
    expect(r.stdout).toMatch(
      /offer\/ten_percent\s+203\s+200\s+0\s+200 \(100\.0%\)\s+150 \(75\.0%\)\s+60 \(30\.0%\)\s+30 \(50\.0%\)\s+40 \(19\.7%\)\s+0 \(0\.0%\)\s+no_consent 3/,
    );
    const want = expectedTest(40, 203, 8, 100);
    expect(r.stdout).toContain(
      `offer: ten_percent vs holdout: converted 19.7% (40/203) vs 8.0% (8/100); difference +11.7 pts (95% CI +${(want.ci95[0] * 100).toFixed(1)} pts to +${(want.ci95[1] * 100).toFixed(1)} pts), z = ${want.z.toFixed(2)}, p = ${want.p.toFixed(4)}, significant at 5%`,
    );
    // No personal data in the report.
    expect(r.stdout).not.toContain('@example.test');
  });

  it('limits to a window and a conversion window', async () => {
    const none = JSON.parse((await cli(['--format', 'json', '--since', new Date(T0 + HOUR).toISOString()])).stdout);
    expect(none.origins).toEqual([]);
    const short = JSON.parse((await cli(['--format', 'json', '--conversion-window', '2h'])).stdout);
    const ten = short.origins[0].groups.find((g: { variant: string }) => g.variant === 'ten_percent');
    // Only the purchases two hours after sending count (and those after a click within 2h).
    expect([ten.converted, ten.click_conversions]).toEqual([30, 30]);
  });

  it('declines a test for groups too small, and says why [HL539]', async () => {
    const tiny = (variant: string) => ({ kind: 'campaign' as const, name: 'tiny', version: 'v1', experiment: 'subject', variant });
    await addCustomers(
      db,
      ids('t', 5).map((id) => ({ id })),
    );
    await enqueue(
      db.kysely,
      ids('t', 3).map((id) => journeySend(id, { name: 'tiny', entry: 'x', origin: tiny('short') })),
    );
    for (const id of ['t3', 't4'])
      await recordSuppressed(db.kysely, journeySend(id, { name: 'tiny', entry: 'x', origin: tiny('holdout') }), 'holdout');
    const doc = JSON.parse((await cli(['--format', 'json'])).stdout);
    const [c] = doc.origins.find((o: { name: string }) => o.name === 'tiny').comparisons;
    expect(c).toMatchObject({ a: 'short', b: 'holdout', assigned_a: 3, assigned_b: 2, p: null, z: null, note: { code: 'HL539' } });
    expect((await cli([])).stdout).toContain(
      'subject: short vs holdout: converted 0.0% (0/3) vs 0.0% (0/2); no test: fewer than 5 successes or failures in a group [HL539]',
    );
  });

  it('rejects bad flags plainly', async () => {
    await expect(cli(['--since', 'yesterday'])).rejects.toThrow(/--since "yesterday" is not a time/);
    await expect(cli(['--conversion-window', 'a week'])).rejects.toThrow(/not a duration/);
  });
});
