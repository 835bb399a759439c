import type { Command, CliIO } from '../command.ts';
import { EXIT_OK, UsageError } from '../command.ts';
import { oneOf } from '../args.ts';
import { DB_OPTION, parseOptions, usageText, type OptionTable } from '../options.ts';
import { openWorkspace, parseAsOf, runRuntimeCommand } from '../workspace-runtime.ts';
import { deliverySettingsOf } from '../../runtime/delivery/settings.ts';
import { parseDuration } from '../../compiler/contract/core/durations.ts';
import { sendReads } from '../../runtime/delivery/report/sends.ts';
import { collectReport, type Comparison, type DeliveryReport, type GroupReport } from '../../runtime/delivery/report/collect.ts';
import { DELIVERY_CODES } from '../../runtime/delivery/problems.ts';
import { collectInsights, type InsightsReport } from '../../runtime/insights/report.ts';
import { insightsJson, insightsLines } from '../report/insights-output.ts';
import { writeDashboard } from '../report/dashboard.ts';

const FORMATS = ['pretty', 'json', 'html'] as const;
const OPTIONS = {
  db: DB_OPTION,
  since: { arg: 'TIME', description: 'sends due at or after TIME (2026-03-01 or 2026-03-01T09:00Z)' },
  until: { arg: 'TIME', description: 'sends due before TIME' },
  'conversion-window': { arg: 'DURATION', description: 'e.g. 3d', default: 'delivery.report.conversion_window, else 7d' },
  format: { values: FORMATS, description: 'how the report is printed (html: the dashboard, SVG charts, no network)', default: 'pretty' },
  out: { arg: 'DIR', description: 'where --format html writes index.html', default: 'report/' },
  trace: { description: 'with --format json: every credit (conversion event id, message, share)' },
} as const satisfies OptionTable;

const USAGE = usageText({
  name: 'report',
  args: '[dir]',
  options: OPTIONS,
  about: `Per journey and campaign, and per experiment variant: sends, suppressions by reason, failures,
delivered, opened and clicked (people only: machine opens and link scanners are left out),
unsubscribed, click conversions (the conversion event within the window after a
click) and converted (within the window after the send, or after the instant a holdout's send
was due). Each variant is compared with the holdout, and variants with each other, by a
two-proportion z-test on the converted rate.

Then attribution (delivery.report.attribution: last_click, first_touch, linear or position_based,
within its window), and the incremental effect of every experiment against its holdout and of
every journey, campaign and the whole programme against the global control group
(delivery.global_control): conversion uplift and revenue per recipient with 95% intervals, and
the ROI when delivery.report.cost_per_email is set.`,
});

/** The JSON document's version: bump on a breaking change to its shape. */
export const REPORT_JSON_VERSION = 1;

export const reportCommand: Command = {
  name: 'report',
  summary: 'sends, suppressions, engagement and experiment results',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    if (positionals.length > 1) throw new UsageError(`expected at most one workspace dir, got ${positionals.length}`);
    const format = oneOf('format', values.format, FORMATS, 'pretty');
    const since = values.since !== undefined ? parseAsOf(values.since, Date.now, 'since') : undefined;
    const until = values.until !== undefined ? parseAsOf(values.until, Date.now, 'until') : undefined;
    if (since !== undefined && until !== undefined && until <= since) throw new UsageError('--until must be later than --since');
    const windowFlag = values['conversion-window'];
    const windowMs = windowFlag !== undefined ? parseDuration(windowFlag) : undefined;
    if (windowFlag !== undefined && (windowMs === undefined || windowMs <= 0))
      throw new UsageError(`--conversion-window "${windowFlag}" is not a duration: use e.g. 12h, 3d or 2w`);
    if (values.out !== undefined && format !== 'html') throw new UsageError('--out goes with --format html');
    if (values.trace && format !== 'json') throw new UsageError('--trace goes with --format json');
    return runRuntimeCommand('report', io, async () => {
      const opened = await openWorkspace({ dir: positionals[0] ?? '.', db: values.db, io });
      if (typeof opened === 'number') return opened;
      try {
        const settings = deliverySettingsOf(opened.manifest, opened.dir);
        // The counts and the insights start from the same sends and engagement: read once.
        const reads = sendReads(opened.db.kysely, opened.manifest);
        const report = await collectReport(
          opened.db.kysely,
          opened.manifest,
          {
            ...(since !== undefined ? { since } : {}),
            ...(until !== undefined ? { until } : {}),
            conversionEvent: settings.report.conversionEvent,
            conversionWindowMs: windowMs ?? settings.report.conversionWindowMs,
          },
          reads,
        );
        const insights = await collectInsights(
          opened.db.kysely,
          opened.manifest,
          {
            ...(since !== undefined ? { since } : {}),
            ...(until !== undefined ? { until } : {}),
            settings: { ...settings.report, ...(windowMs !== undefined ? { conversionWindowMs: windowMs } : {}) },
            ...(settings.globalControl !== undefined ? { globalControl: settings.globalControl } : {}),
            segments: format === 'html',
          },
          reads,
        );
        if (format === 'html') {
          const path = await writeDashboard(io, insights, {
            dir: opened.dir,
            out: values.out ?? 'report',
            workspace: opened.manifest.metadata.workspace,
            database: opened.db.description,
            span: spanOf(report),
          });
          io.stdout.write(`dashboard written to ${path}\n`);
        } else if (format === 'json')
          io.stdout.write(
            `${JSON.stringify({ ...reportDocument(report, opened.db.description), ...insightsJson(insights, values.trace === true) }, null, 2)}\n`,
          );
        else printReport(io, report, opened.db.description, insights);
        return EXIT_OK;
      } finally {
        await opened.db.close();
      }
    });
  },
};

/** The versioned JSON document of `herald report --format json`. */
export function reportDocument(report: DeliveryReport, database: string) {
  const o = report.options;
  return {
    version: REPORT_JSON_VERSION,
    database,
    since: o.since === undefined ? null : new Date(o.since).toISOString(),
    until: o.until === undefined ? null : new Date(o.until).toISOString(),
    conversion: { event: o.conversionEvent, window_ms: o.conversionWindowMs, tracked: report.conversionTracked },
    origins: report.origins.map((origin) => ({
      kind: origin.kind,
      name: origin.name,
      groups: origin.groups.map((g) => ({
        experiment: g.experiment ?? null,
        variant: g.variant,
        holdout: g.holdout,
        assigned: g.assigned,
        sent: g.sent,
        pending: g.pending,
        failed: g.failed,
        suppressed: g.suppressed,
        delivered: g.delivered,
        opened: g.opened,
        clicked: g.clicked,
        unsubscribed: g.unsubscribed,
        click_conversions: g.conversions,
        converted: g.converted,
      })),
      comparisons: origin.comparisons.map((c) => ({
        experiment: c.experiment ?? null,
        a: c.a,
        b: c.b,
        converted_a: c.xA,
        assigned_a: c.nA,
        converted_b: c.xB,
        assigned_b: c.nB,
        rate_a: c.test.rateA,
        rate_b: c.test.rateB,
        ...(c.test.ok
          ? { difference: c.test.difference, ci95: c.test.ci95, z: c.test.z, p: c.test.p }
          : {
              difference: c.test.rateA - c.test.rateB,
              ci95: null,
              z: null,
              p: null,
              note: { code: DELIVERY_CODES.smallSample, message: c.test.reason },
            }),
      })),
    })),
  };
}

/** Which sends the report covers, in words. */
function spanOf(report: DeliveryReport): string {
  const o = report.options;
  return o.since === undefined && o.until === undefined
    ? 'all sends'
    : `sends due ${o.since === undefined ? '…' : iso(o.since)} to ${o.until === undefined ? '…' : iso(o.until)}`;
}

function printReport(io: CliIO, report: DeliveryReport, database: string, insights: InsightsReport): void {
  const o = report.options;
  const span = spanOf(report);
  io.stdout.write(`delivery report for ${database}: ${span}; conversion = ${o.conversionEvent} within ${duration(o.conversionWindowMs)}\n`);
  if (!report.conversionTracked) io.stdout.write(`  (no "${o.conversionEvent}" events in the data model: conversions are not counted)\n`);
  if (report.origins.length === 0) {
    io.stdout.write('no sends recorded\n');
    return;
  }
  for (const origin of report.origins) {
    io.stdout.write(`\n${origin.kind} ${origin.name}\n`);
    const header = [
      'group',
      'assigned',
      'sent',
      'failed',
      'delivered',
      'opened',
      'clicked',
      'click conv.',
      'converted',
      'unsub.',
      'suppressed',
    ];
    const rows = origin.groups.map((g) => [
      groupName(g),
      String(g.assigned),
      String(g.sent),
      String(g.failed),
      withRate(g.delivered, g.sent),
      withRate(g.opened, g.sent),
      withRate(g.clicked, g.sent),
      withRate(g.conversions, g.clicked),
      withRate(g.converted, g.assigned),
      withRate(g.unsubscribed, g.sent),
      Object.entries(g.suppressed)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([r, n]) => `${r} ${n}`)
        .join(', ') || '-',
    ]);
    io.stdout.write(table(header, rows));
    for (const c of origin.comparisons) io.stdout.write(`  ${comparisonLine(c)}\n`);
  }
  io.stdout.write(`\n${insightsLines(insights).join('\n')}\n`);
}

function comparisonLine(c: Comparison): string {
  const head = `${c.experiment ? `${c.experiment}: ` : ''}${c.a} vs ${c.b}: converted ${pct(c.test.rateA)} (${c.xA}/${c.nA}) vs ${pct(c.test.rateB)} (${c.xB}/${c.nB})`;
  if (!c.test.ok) return `${head}; no test: ${c.test.reason} [${DELIVERY_CODES.smallSample}]`;
  const t = c.test;
  const verdict = t.p < 0.05 ? 'significant at 5%' : 'not significant at 5%';
  return `${head}; difference ${points(t.difference)} (95% CI ${points(t.ci95[0])} to ${points(t.ci95[1])}), z = ${t.z.toFixed(2)}, p = ${pValue(t.p)}, ${verdict}`;
}

function groupName(g: GroupReport): string {
  return g.experiment ? `${g.experiment}/${g.variant}` : g.variant;
}

function withRate(n: number, of: number): string {
  return of > 0 ? `${n} (${pct(n / of)})` : String(n);
}

function pct(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/** A difference of rates in percentage points, signed. */
function points(d: number): string {
  const v = (d * 100).toFixed(1);
  return `${d >= 0 ? '+' : ''}${v} pts`;
}

function pValue(p: number): string {
  return p < 0.0001 ? '< 0.0001' : p.toFixed(4);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function duration(ms: number): string {
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  for (const [u, size] of units) if (ms % size === 0) return `${ms / size}${u}`;
  return `${ms}ms`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `  ${cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd()}\n`;
  return line(header) + rows.map(line).join('');
}
