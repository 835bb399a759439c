import type { InsightsReport } from '../report.ts';
import type { Scope } from '../incrementality.ts';
import { DIMENSIONS, type Series } from '../series.ts';
import { count, interval, money, pct, points } from '../format.ts';
import { escapeHtml as e, intervalChart, lineChart } from './svg.ts';

/**
 * The dashboard: one self-contained HTML page (inline CSS and SVG, no script, nothing fetched) of
 * the programme's KPIs over time per journey, campaign, template, variant and segment, with the
 * table behind every chart, the incremental effects with their intervals, and the attribution.
 * Nothing personal is on it: customers appear only as counts.
 */
export interface DashboardContext {
  workspace: string;
  /** The database, as the CLI describes it (credentials already removed). */
  database: string;
  span: string;
  generatedAt: Date;
}

const DIMENSION_TITLES: Record<(typeof DIMENSIONS)[number], string> = {
  journey: 'Journeys',
  campaign: 'Campaigns',
  template: 'Templates',
  variant: 'Experiment variants',
  segment: 'Segments',
};
/** Most lines one chart draws: the largest by sends; the table lists every one. */
const MAX_LINES = 8;

export function dashboardHtml(report: InsightsReport, ctx: DashboardContext): string {
  const a = report.attribution;
  const totals = report.series
    .filter((s) => s.dimension === 'journey' || s.dimension === 'campaign')
    .reduce((t, s) => ({ sent: t.sent + s.total.sent, opened: t.opened + s.total.opened, clicked: t.clicked + s.total.clicked }), {
      sent: 0,
      opened: 0,
      clicked: 0,
    });
  const cards = [
    ['Emails sent', count(totals.sent)],
    ['Opened', `${count(totals.opened)} (${pct(totals.sent ? totals.opened / totals.sent : 0)})`],
    ['Clicked', `${count(totals.clicked)} (${pct(totals.sent ? totals.clicked / totals.sent : 0)})`],
    ['Attributed conversions', count(a.total.conversions - a.unattributed.conversions, 1)],
    ['Attributed revenue', money(a.total.revenue - a.unattributed.revenue)],
  ];
  const body = [
    `<header><h1>Herald report: ${e(ctx.workspace)}</h1><p>${e(ctx.span)} · attribution ${e(a.model.replace('_', ' '))} within ${e(days(a.windowMs))} · ${e(ctx.database)} · generated ${e(ctx.generatedAt.toISOString())}</p></header>`,
    `<section class="cards">${cards.map(([k, v]) => `<div class="card"><div class="k">${e(k!)}</div><div class="v">${e(v!)}</div></div>`).join('')}</section>`,
    incrementalitySection(report.incrementality),
    ...DIMENSIONS.map((d) =>
      dimensionSection(
        d,
        report.series.filter((s) => s.dimension === d),
      ),
    ),
    creditedSection(report),
  ].join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Herald report: ${e(ctx.workspace)}</title>
<style>${CSS}</style></head>
<body>${body}</body></html>
`;
}

function incrementalitySection(scopes: readonly Scope[]): string {
  const rows = scopes.flatMap((s) =>
    s.effects.map((ef) => ({
      s,
      ef,
      label:
        s.kind === 'workspace'
          ? `all journeys and campaigns vs ${ef.against}`
          : `${s.name}${s.experiment ? ` · ${s.experiment}` : ''} · ${ef.variant} vs ${ef.against}`,
    })),
  );
  if (rows.length === 0)
    return `<section id="incrementality"><h2>Incremental effect</h2><p>No journey, campaign or experiment has a holdout or a global control group in this span.</p></section>`;
  const chart = (
    title: string,
    pick: (r: (typeof rows)[number]) => { estimate: number; low: number; high: number },
    f: (v: number) => string,
  ) =>
    `<figure data-chart="${e(title)}">${intervalChart(
      title,
      rows.map((r) => ({ label: r.label, ...pick(r) })),
      f,
    )}<figcaption>${e(title)}, with intervals</figcaption></figure>`;
  const table = `<table><thead><tr><th>effect</th><th>recipients</th><th>converted</th><th>control converted</th><th>uplift</th><th>interval</th><th>revenue / recipient</th><th>interval</th><th>incremental revenue</th><th>ROI</th><th>verdict</th></tr></thead><tbody>${rows
    .map(({ s, ef, label }) => {
      const arm = s.arms.find((x) => x.variant === ef.variant)!;
      const conf = `${(ef.conversion.confidence * 100).toFixed(ef.conversion.confidence === 0.95 ? 0 : 1)}%`;
      return `<tr><td>${e(label)}</td><td>${count(arm.recipients)}</td><td>${pct(ef.conversion.rateTreated)}</td><td>${pct(ef.conversion.rateControl)}</td><td>${e(points(ef.conversion.estimate))}</td><td>${e(conf)} ${e(interval(ef.conversion.low, ef.conversion.high, (v) => points(v)))}</td><td>${e(money(ef.revenuePerRecipient.estimate, true))}</td><td>${e(interval(ef.revenuePerRecipient.low, ef.revenuePerRecipient.high, (v) => money(v, true)))}</td><td>${e(money(ef.incrementalRevenue.estimate, true))}</td><td>${ef.roi ? e(`${pct(ef.roi.estimate, 0)} ${interval(ef.roi.low, ef.roi.high, (v) => pct(v, 0))}`) : '-'}</td><td>${ef.significant ? 'effect' : 'no detectable effect'}</td></tr>`;
    })
    .join('')}</tbody></table>`;
  return `<section id="incrementality"><h2>Incremental effect against holdouts and the global control group</h2>
<div class="two">${chart(
    'Conversion uplift',
    (r) => r.ef.conversion,
    (v) => points(v, 1),
  )}${chart(
    'Incremental revenue per recipient',
    (r) => r.ef.revenuePerRecipient,
    (v) => money(v, true),
  )}</div>
<div class="scroll">${table}</div><p class="note">Intervals are 95% (Bonferroni-corrected for A/B/n tests with more than two variants); revenue intervals are a bootstrap over customers.</p></section>`;
}

function dimensionSection(dimension: (typeof DIMENSIONS)[number], series: readonly Series[]): string {
  const title = DIMENSION_TITLES[dimension];
  if (series.length === 0) return `<section id="${dimension}"><h2>${title}</h2><p>Nothing sent in this span.</p></section>`;
  const labels = [...new Set(series.flatMap((s) => s.days.map((d) => d.day)))].sort();
  const shown = [...series].sort((x, y) => y.total.sent - x.total.sent || (x.key < y.key ? -1 : 1)).slice(0, MAX_LINES);
  const values = (s: Series, pick: (d: Series['days'][number]) => number) => {
    const byDay = new Map(s.days.map((d) => [d.day, pick(d)]));
    return labels.map((l) => byDay.get(l) ?? 0);
  };
  const figure = (kpi: string, pick: (d: Series['days'][number]) => number, f: (v: number) => string) => {
    const chartTitle = `${title}: ${kpi} per day`;
    return `<figure data-chart="${e(chartTitle)}">${lineChart(
      chartTitle,
      labels,
      shown.map((s) => ({ name: s.key, values: values(s, pick) })),
      f,
    )}<figcaption>${e(chartTitle)}${series.length > shown.length ? ` (the ${shown.length} largest of ${series.length}; all in the table)` : ''}</figcaption></figure>`;
  };
  const table = `<table><thead><tr><th>${dimension}</th><th>day</th><th>sent</th><th>opened</th><th>clicked</th><th>conversions</th><th>revenue</th></tr></thead><tbody>${series
    .flatMap((s) => [
      ...s.days.map(
        (d) =>
          `<tr><td>${e(s.key)}</td><td>${d.day}</td><td>${count(d.sent)}</td><td>${count(d.opened)}</td><td>${count(d.clicked)}</td><td>${count(d.conversions, 1)}</td><td>${money(d.revenue)}</td></tr>`,
      ),
      `<tr class="total"><td>${e(s.key)}</td><td>total</td><td>${count(s.total.sent)}</td><td>${count(s.total.opened)}</td><td>${count(s.total.clicked)}</td><td>${count(s.total.conversions, 1)}</td><td>${money(s.total.revenue)}</td></tr>`,
    ])
    .join('')}</tbody></table>`;
  return `<section id="${dimension}"><h2>${title}</h2><div class="two">${figure(
    'emails sent',
    (d) => d.sent,
    (v) => count(v),
  )}${figure(
    'attributed revenue',
    (d) => d.revenue,
    (v) => money(v),
  )}</div>
<details><summary>The table behind these charts</summary><div class="scroll">${table}</div></details></section>`;
}

function creditedSection(report: InsightsReport): string {
  const a = report.attribution;
  const rows = report.credited
    .map(
      (r) =>
        `<tr><td>${r.kind}</td><td>${e(r.name)}</td><td>${count(r.sent)}</td><td>${count(r.conversions, 2)}</td><td>${money(r.revenue)}</td></tr>`,
    )
    .join('');
  return `<section id="attribution"><h2>Attribution (${e(a.model.replace('_', ' '))})</h2>
<p>${count(a.total.conversions)} conversions worth ${money(a.total.revenue)} by the customers reached; ${count(a.total.conversions - a.unattributed.conversions, 2)} worth ${money(a.total.revenue - a.unattributed.revenue)} credited to messages, ${count(a.unattributed.conversions)} worth ${money(a.unattributed.revenue)} to none.</p>
<div class="scroll"><table><thead><tr><th>by</th><th>name</th><th>sent</th><th>conversions</th><th>revenue</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

function days(ms: number): string {
  return ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : `${ms / 3_600_000}h`;
}

const CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111827;margin:0 auto;max-width:1360px;padding:16px 24px;background:#f9fafb}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}header p{color:#4b5563;margin:0}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin-top:16px}.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 14px;min-width:170px}.card .k{color:#6b7280;font-size:12px}.card .v{font-size:20px;font-weight:600}
.two{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:12px}figure{background:#fff;border:1px solid #e5e7eb;border-radius:8px;margin:0;padding:8px}figcaption{color:#4b5563;font-size:12px}
table{border-collapse:collapse;background:#fff;font-size:12px;width:100%}th,td{border-bottom:1px solid #e5e7eb;padding:4px 8px;text-align:right;white-space:nowrap}th:first-child,td:first-child{text-align:left}tr.total td{font-weight:600}
.scroll{overflow-x:auto;max-height:420px;overflow-y:auto}details{margin-top:8px}.note{color:#6b7280;font-size:12px}`;
