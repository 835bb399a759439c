import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { forEachDialect } from '../support/postgres.ts';
import { CHROMIUM } from '../support/outside-programs.ts';
import { launchChromium } from '../../cli/browser.ts';
import type { Command } from '../../cli/command.ts';
import { reportCommand } from '../../cli/commands/report.ts';
import { simulateEngagementCommand } from '../../cli/commands/simulate-engagement.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { deliverDue, enqueue, FileTransport, recordSuppressed } from '../../runtime/delivery/index.ts';
import { assignVariant } from '../../runtime/journeys/assign.ts';
import { inGlobalControl } from '../../runtime/insights/control-group.ts';
import { addCustomers, compileShop, journeySend, prepare, SHOP, T0 } from '../delivery/helpers.ts';

/**
 * `herald simulate-engagement` and `herald report` on a real database (SQLite and PostgreSQL): sends
 * through the real outbox and gates (the global control group held back there), simulated opens,
 * clicks and purchases stored as events, and the report's attribution, incrementality, trace and
 * dashboard read back from them. The dashboard is opened in a real Chromium.
 */
const DAY = 86_400_000;
const GLOBAL_CONTROL = 5;
const dir = mkdtempSync(join(tmpdir(), 'herald-insights-'));
const shop = join(dir, 'shop');
cpSync(SHOP, shop, { recursive: true });
const yaml = readFileSync(join(shop, 'herald.yaml'), 'utf8');
writeFileSync(
  join(shop, 'herald.yaml'),
  yaml.replace(
    '    preferences_url: https://shop.example/email/preferences\n',
    `    preferences_url: https://shop.example/email/preferences\n    global_control: ${GLOBAL_CONTROL}\n    report: { revenue: amount, cost_per_email: 0.01, attribution: { model: linear, window: 5d } }\n`,
  ),
);
let manifest: Manifest;
beforeAll(() => {
  manifest = compileShop(shop);
});

const VARIANTS = [
  { name: 'free_shipping', weight: 45 },
  { name: 'ten_percent', weight: 45 },
];
const ids = Array.from({ length: 500 }, (_, i) => `k${i}`);

async function cli(command: Command, url: string, args: string[]) {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _e, done) {
        append(String(chunk));
        done();
      },
    });
  const code = await command.run([shop, '--db', url, ...args], {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    cwd: dir,
    env: {},
  });
  return { code, stdout, stderr };
}

const dashboards: string[] = [];

forEachDialect('simulate-engagement and the report on a database', (ctx) => {
  let db: Database;
  let url: string;

  beforeAll(async () => {
    url = await ctx.freshUrl();
    db = await prepare(openDatabase(url), manifest);
    await addCustomers(
      db,
      ids.map((id) => ({ id })),
    );
    const origin = (variant: string) => ({
      kind: 'journey' as const,
      name: 'cart',
      version: 'v1',
      step: `offer_${variant}`,
      experiment: 'offer',
      variant,
    });
    for (const [i, id] of ids.entries()) {
      const variant = assignVariant('offer', id, VARIANTS);
      const send = journeySend(id, {
        name: 'cart',
        step: `offer_${variant ?? 'holdout'}`,
        entry: 'x',
        origin: origin(variant ?? 'holdout'),
        dueAt: T0 + (i % 5) * DAY,
      });
      if (variant) await enqueue(db.kysely, [send]);
      else await recordSuppressed(db.kysely, send, 'holdout');
    }
    for (let d = 0; d < 5; d++)
      await deliverDue(db, { now: T0 + d * DAY, manifest, transport: new FileTransport(join(dir, `out-${ctx.dialect}`)), workerId: 'w' });
  }, 120_000);

  afterAll(async () => {
    await db?.close();
  });

  it('holds the global control group back at the gates', async () => {
    const rows = await db.kysely.selectFrom('delivery_outbox').select(['customer_id', 'status', 'reason']).execute();
    const control = rows.filter((r) => r.reason === 'global_control');
    expect(control.length).toBeGreaterThan(5);
    for (const r of control) expect(inGlobalControl(String(r.customer_id), GLOBAL_CONTROL)).toBe(true);
    for (const r of rows.filter((x) => x.status === 'sent')) expect(inGlobalControl(String(r.customer_id), GLOBAL_CONTROL)).toBe(false);
  });

  it('simulates engagement once per seed and reports attribution that reconciles, traced to messages', async () => {
    // The same seed twice: the second run adds nothing.
    const simulate = () =>
      cli(simulateEngagementCommand, url, [
        '--seed',
        '7',
        '--effect',
        'ten_percent=0.15:0.2',
        '--effect',
        'free_shipping=0',
        '--format',
        'json',
      ]);
    const sim = await simulate();
    expect(sim.code, sim.stderr).toBe(0);
    const summary = JSON.parse(sim.stdout);
    expect(summary.purchases).toBeGreaterThan(20);
    expect(summary.truth.map((t: { variant: string }) => t.variant)).toEqual(['free_shipping', 'ten_percent']);
    const again = JSON.parse((await simulate()).stdout);
    expect(again.loaded).toBe(0);

    const r = await cli(reportCommand, url, ['--format', 'json', '--trace']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    const purchases = await db.kysely
      .selectFrom('events')
      .select(['id', 'customer_id', 'at', 'amount'])
      .where('type', '=', 'purchase')
      .execute();
    const revenue = purchases.reduce((s, p) => s + Number(p.amount), 0);
    expect(doc.attribution.model).toBe('linear');
    expect(doc.attribution.window_ms).toBe(5 * DAY);
    expect(doc.attribution.total.conversions).toBe(purchases.length);
    expect(doc.attribution.total.revenue).toBeCloseTo(revenue, 6);
    const credits = doc.attribution.credits as Array<{ conversion_event_id: string; message_key: string; weight: number; revenue: number }>;
    const weight = credits.reduce((s, c) => s + c.weight, 0);
    expect(weight + doc.attribution.unattributed.conversions).toBeCloseTo(purchases.length, 6);
    // Traceable: each credit's event and message exist, belong to one customer, and the message went out first.
    const outbox = new Map(
      (await db.kysely.selectFrom('delivery_outbox').select(['idempotency_key', 'customer_id', 'status', 'sent_at']).execute()).map((o) => [
        String(o.idempotency_key),
        o,
      ]),
    );
    const events = new Map(purchases.map((p) => [String(p.id), p]));
    expect(credits.length).toBeGreaterThan(10);
    for (const c of credits) {
      const m = outbox.get(c.message_key)!;
      const p = events.get(c.conversion_event_id)!;
      expect(m.status).toBe('sent');
      expect(String(m.customer_id)).toBe(String(p.customer_id));
      expect(Number(m.sent_at)).toBeLessThan(Number(p.at));
    }
    const offer = doc.incrementality.find((s: { experiment: string | null }) => s.experiment === 'offer');
    expect(offer.arms.map((a: { variant: string }) => a.variant)).toEqual(['free_shipping', 'ten_percent', 'holdout']);
    const ten = offer.effects.find((e: { variant: string }) => e.variant === 'ten_percent');
    expect(ten.conversion.low).toBeLessThan(ten.conversion.high);
    expect(ten.roi.cost).toBeCloseTo(offer.arms.find((a: { variant: string }) => a.variant === 'ten_percent').sent * 0.01, 9);
    expect(
      doc.incrementality.some(
        (s: { kind: string; effects: Array<{ against: string }> }) => s.kind === 'workspace' && s.effects[0]!.against === 'global_control',
      ),
    ).toBe(true);

    const pretty = await cli(reportCommand, url, []);
    expect(pretty.stdout).toContain('attribution: linear within 5d');
    expect(pretty.stdout).toMatch(/journey cart offer: ten_percent \(\d+\) vs holdout \(\d+\): converted/);
    expect(pretty.stdout).toContain('revenue per recipient');
    expect(pretty.stdout).not.toContain('@example.test');
  });

  it('writes a self-contained dashboard', async () => {
    const out = `report-${ctx.dialect}`;
    const r = await cli(reportCommand, url, ['--format', 'html', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const file = join(dir, out, 'index.html');
    expect(existsSync(file)).toBe(true);
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<script|<link|src=|url\(|@import/i);
    expect(html).not.toMatch(/k\d+@example\.test|Name k\d/);
    for (const section of ['incrementality', 'journey', 'campaign', 'template', 'variant', 'segment', 'attribution'])
      expect(html).toContain(`<section id="${section}">`);
    dashboards.push(file);
  });
});

describe.skipIf(CHROMIUM.skip)(CHROMIUM.title('the dashboard in a browser'), () => {
  let browser: Browser | undefined;
  beforeAll(async () => {
    CHROMIUM.require();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders its charts and tables with no console error and no request', async () => {
    expect(dashboards.length).toBeGreaterThan(0);
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (req) => {
      if (!req.url().startsWith('file:')) requests.push(req.url());
    });
    await page.goto(`file://${dashboards[0]}`);
    const charts = page.locator('figure[data-chart] svg.chart');
    expect(await charts.count()).toBeGreaterThanOrEqual(8);
    // Each chart is drawn: it has a size on the page and lines or intervals in it.
    const first = await charts.first().boundingBox();
    expect(first!.width).toBeGreaterThan(200);
    expect(await page.locator('svg.chart polyline.series').count()).toBeGreaterThan(4);
    expect(await page.locator('svg.chart line.interval').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('section#journey details table tbody tr').count()).toBeGreaterThan(3);
    expect(await page.locator('h1').textContent()).toContain('delivery_shop');
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });
});
