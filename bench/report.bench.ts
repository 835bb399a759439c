/**
 * `herald report` at scale: 100,000 recipients (a month of one message each, split between a
 * journey experiment, an A/B/n campaign experiment and the global control group) and 1,000,000
 * engagement events (deliveries, repeated opens and clicks), with the simulated purchases, on
 * SQLite. Timed: the whole report as the command computes it (delivery counts and z-tests, then
 * attribution, incrementality with 1,000 bootstrap resamples per effect, KPIs over time). Baseline
 * (same run): reading the same rows (the insights' three queries) with no statistics. Target: the
 * whole report under 10 s, checked on CPU time (user + system): on a shared machine wall time also
 * counts the time other processes hold the cores; wall-clock medians are in the table as usual.
 * The SQLite file lives under HERALD_BENCH_DIR, default /dev/shm.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchSuite } from './types.ts';
import { CpuTimes } from './cpu-time.ts';
import { runPipeline } from '../compiler/index.ts';
import { stopMjmlWorker } from '../compiler/3-analyze/templates/index.ts';
import type { Manifest } from '../compiler/contract/manifest.ts';
import type { Database } from '../runtime/db/database.ts';
import { openDatabase } from '../runtime/db/open.ts';
import { migrate } from '../runtime/db/migrate.ts';
import { syncSchema } from '../runtime/db/sync.ts';
import { messageIdFor } from '../runtime/delivery/keys.ts';
import { collectReport } from '../runtime/delivery/report/collect.ts';
import { sendReads } from '../runtime/delivery/report/sends.ts';
import { deliverySettingsOf } from '../runtime/delivery/settings.ts';
import { seededRng } from '../runtime/models/rng.ts';
import { loadInsightData } from '../runtime/insights/load.ts';
import { collectInsights } from '../runtime/insights/report.ts';
import { simulateRecipients } from '../runtime/insights/simulate/recipients.ts';
import { DEMO_SCOPES, simulatedMonth } from '../runtime/insights/simulate/workspace.ts';

const RECIPIENTS = Number(process.env.HERALD_BENCH_RECIPIENTS ?? 100_000);
const ENGAGEMENT = Number(process.env.HERALD_BENCH_ENGAGEMENT ?? 1_000_000);
const DAY = 86_400_000;
const scratch = mkdtempSync(join(process.env.HERALD_BENCH_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir()), 'herald-bench-report-'));
let db: Database;
let manifest: Manifest;
let sink = 0;

async function before(): Promise<void> {
  const ws = join(scratch, 'shop');
  cpSync(resolve('test/delivery/fixtures/shop'), ws, { recursive: true });
  const yaml = readFileSync(join(ws, 'herald.yaml'), 'utf8');
  writeFileSync(
    join(ws, 'herald.yaml'),
    yaml.replace(
      '    preferences_url: https://shop.example/email/preferences\n',
      '    preferences_url: https://shop.example/email/preferences\n    global_control: 5\n    report: { revenue: amount, cost_per_email: 0.01 }\n',
    ),
  );
  const result = runPipeline(ws, { emit: true });
  stopMjmlWorker();
  if (!result.emitted) throw new Error('the shop workspace does not compile');
  manifest = result.emitted.manifest as Manifest;
  db = openDatabase(`sqlite:${join(scratch, 'report.db')}`);
  await migrate(db);
  await syncSchema(db, manifest.dataModel, []);
  const raw = db.sqlite!;

  const touches = simulatedMonth({ customers: RECIPIENTS, scopes: DEMO_SCOPES, globalControl: 5 });
  const sim = simulateRecipients(touches, {
    seed: 1,
    windowMs: 7 * DAY,
    effects: {
      ten_percent: { uplift: 0.03, revenueEffect: 0.1, clickRate: 0.15 },
      gift_guide: { uplift: 0.02, revenueEffect: 0, clickRate: 0.1 },
      last_order_dates: { uplift: 0.01, revenueEffect: 0.2, clickRate: 0.1 },
    },
  });
  const outbox =
    raw.prepare(`INSERT INTO delivery_outbox (idempotency_key, message_id, origin_kind, origin_name, origin_version, step, variant, experiment, customer_id, template, due_at, next_attempt_at, status, attempts, sent_at, reason)
    VALUES (?, ?, ?, ?, 'v1', NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const customer = raw.prepare('INSERT INTO customers (id, email, email_consent) VALUES (?, ?, 1)');
  const event = raw.prepare(
    'INSERT INTO events (id, customer_id, type, at, source, message_id, template, journey, variant, amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  raw.transaction(() => {
    for (const t of touches) {
      customer.run(t.customerId, `${t.customerId}@example.test`);
      const status = t.sent ? 'sent' : 'suppressed';
      const reason = t.holdout ? 'holdout' : t.globalControl ? 'global_control' : t.sent ? null : 'frequency_cap';
      outbox.run(
        t.key,
        messageIdFor(t.key, 'shop.example'),
        t.originKind,
        t.originName,
        t.holdout ? 'holdout' : t.variant,
        t.experiment ?? null,
        t.customerId,
        t.template,
        t.at,
        t.at,
        status,
        t.sent ? 1 : 0,
        t.sent ? t.at : null,
        reason,
      );
    }
    // Engagement: one delivery per message sent, the simulated first open and click, and repeated
    // opens and clicks (people open an email several times) up to ENGAGEMENT events in all.
    const rng = seededRng(2);
    const sent = touches.filter((t) => t.sent);
    let n = 0;
    const add = (type: string, t: (typeof touches)[number], at: number) =>
      event.run(
        `eng${n++}`,
        t.customerId,
        type,
        Math.round(at),
        'engagement',
        messageIdFor(t.key, 'shop.example'),
        t.template,
        t.originName,
        t.variant,
        null,
      );
    for (const t of sent) add('email_delivered', t, t.at + 60_000);
    for (const t of sent) {
      const e = sim.engagement.get(t.key);
      if (e?.opened !== undefined) add('email_opened', t, e.opened);
      if (e?.clicked !== undefined) add('email_clicked', t, e.clicked);
    }
    while (n < ENGAGEMENT) {
      const t = sent[rng.int(sent.length)]!;
      add(rng.next() < 0.8 ? 'email_opened' : 'email_clicked', t, t.at + rng.next() * 10 * DAY);
    }
    for (const p of sim.purchases) event.run(`buy${p.id}`, p.customerId, 'purchase', p.at, 'simulated', null, null, null, null, p.revenue);
  })();
  raw.exec('ANALYZE');
  process.stderr.write(
    `  ${touches.length.toLocaleString('en-GB')} recipients, ${ENGAGEMENT.toLocaleString('en-GB')} engagement events, ${sim.purchases.length.toLocaleString('en-GB')} purchases\n`,
  );
}

const settings = () => deliverySettingsOf(manifest);
const cpu = new CpuTimes();
const REPORT = 'herald report (counts, z-tests, attribution, incrementality)';

const suite: BenchSuite = {
  name: 'report',
  runs: 3,
  warmup: 1,
  before,
  async after() {
    await db?.close();
    rmSync(scratch, { recursive: true, force: true });
  },
  cases: [
    {
      name: 'read the rows (no statistics)',
      baseline: true,
      units: RECIPIENTS,
      unitName: 'recipients',
      run: () =>
        cpu.time('read', async () => {
          const data = await loadInsightData(db.kysely, manifest, { conversionEvent: 'purchase', revenueProperty: 'amount' });
          sink += data.touches.length + data.conversions.length;
        }),
    },
    {
      name: REPORT,
      units: RECIPIENTS,
      unitName: 'recipients',
      run: () =>
        cpu.time('report', async () => {
          const s = settings();
          // As the command does: the counts and the insights share one read of the sends.
          const reads = sendReads(db.kysely, manifest);
          const counts = await collectReport(
            db.kysely,
            manifest,
            { conversionEvent: s.report.conversionEvent, conversionWindowMs: s.report.conversionWindowMs },
            reads,
          );
          const insights = await collectInsights(
            db.kysely,
            manifest,
            { settings: s.report, ...(s.globalControl !== undefined ? { globalControl: s.globalControl } : {}) },
            reads,
          );
          sink += counts.origins.length + insights.incrementality.length;
        }),
    },
  ],
  targets: [
    {
      description: 'the report on 100,000 recipients and 1,000,000 engagement events under 10 s of CPU (SQLite)',
      check: () => cpu.median('report', 1) < 10_000,
      detail: (m) =>
        `${(cpu.median('report', 1) / 1000).toFixed(2)} s CPU (reading alone ${(cpu.median('read', 1) / 1000).toFixed(2)} s CPU); wall ${((m[REPORT] ?? NaN) / 1000).toFixed(2)} s`,
    },
  ],
};

export default suite;
export { sink };
