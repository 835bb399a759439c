import type { InsightsReport } from '../../runtime/insights/report.ts';
import type { Effect, Scope } from '../../runtime/insights/incrementality.ts';
import { count, interval, money, pct, points } from '../../runtime/insights/format.ts';

/** The pretty lines of `herald report`'s attribution and incrementality sections. */
export function insightsLines(r: InsightsReport): string[] {
  const a = r.attribution;
  const lines = [`attribution: ${a.model.replace('_', ' ')} within ${days(a.windowMs)}`];
  const credited = a.total.conversions - a.unattributed.conversions;
  const valued = r.revenueTracked;
  lines.push(
    `  ${count(a.total.conversions)} conversions${valued ? ` worth ${money(a.total.revenue)}` : ''} by customers reached; ${count(credited, 2)}${valued ? ` worth ${money(a.total.revenue - a.unattributed.revenue)}` : ''} credited to messages, ${count(a.unattributed.conversions)} to none`,
  );
  const rows = r.credited.map((c) => [c.kind, c.name, count(c.sent), count(c.conversions, 2), ...(valued ? [money(c.revenue)] : [])]);
  if (rows.length > 0) lines.push(...table(['by', 'name', 'sent', 'conversions', ...(valued ? ['revenue'] : [])], rows));
  lines.push('', 'incremental effect (95% intervals; Bonferroni-corrected for A/B/n; revenue by bootstrap over customers):');
  if (r.incrementality.every((s) => s.effects.length === 0))
    lines.push('  no journey, campaign or experiment has a holdout or a global control group in this span');
  for (const s of r.incrementality) for (const e of s.effects) lines.push(...effectLines(s, e, valued));
  return lines;
}

function effectLines(s: Scope, e: Effect, valued: boolean): string[] {
  const arm = s.arms.find((x) => x.variant === e.variant)!;
  const control = s.arms.find((x) => x.control)!;
  const where = s.kind === 'workspace' ? 'all journeys and campaigns' : `${s.kind} ${s.name}${s.experiment ? ` ${s.experiment}` : ''}`;
  const c = e.conversion;
  const conf = c.confidence === 0.95 ? '95%' : `${(c.confidence * 100).toFixed(1)}%`;
  const out = [
    `  ${where}: ${e.variant} (${count(arm.recipients)}) vs ${e.against} (${count(control.recipients)}): converted ${pct(c.rateTreated)} vs ${pct(c.rateControl)}, uplift ${points(c.estimate)} ${conf} ${interval(c.low, c.high, (v) => points(v))}${e.significant ? '' : ', no detectable effect'}`,
  ];
  if (valued) {
    const rv = e.revenuePerRecipient;
    out.push(
      `    revenue per recipient ${money(rv.estimate, true)} ${interval(rv.low, rv.high, (v) => money(v, true))}; incremental revenue ${money(e.incrementalRevenue.estimate, true)} ${interval(e.incrementalRevenue.low, e.incrementalRevenue.high, (v) => money(v, true))}${e.roi ? `; ROI ${pct(e.roi.estimate, 0)} ${interval(e.roi.low, e.roi.high, (v) => pct(v, 0))} on ${money(e.roi.cost)} of email` : ''}`,
    );
  }
  return out;
}

/** The JSON of the insights: versioned with the report document. */
export function insightsJson(r: InsightsReport, trace: boolean) {
  const a = r.attribution;
  return {
    attribution: {
      model: a.model,
      window_ms: a.windowMs,
      total: a.total,
      unattributed: a.unattributed,
      credited: r.credited,
      ...(trace
        ? {
            credits: a.credits.map((c) => ({
              conversion_event_id: c.conversionId,
              message_key: c.messageKey,
              weight: c.weight,
              revenue: c.revenue,
            })),
          }
        : {}),
    },
    incrementality: r.incrementality.map((s) => ({
      kind: s.kind,
      name: s.name,
      experiment: s.experiment ?? null,
      comparisons: s.comparisons,
      arms: s.arms,
      effects: s.effects.map((e) => ({
        variant: e.variant,
        against: e.against,
        significant: e.significant,
        conversion: e.conversion,
        revenue_per_recipient: e.revenuePerRecipient,
        incremental_revenue: e.incrementalRevenue,
        roi: e.roi ?? null,
      })),
    })),
  };
}

function days(ms: number): string {
  return ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : `${ms / 3_600_000}h`;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `  ${cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd()}`;
  return [line(header), ...rows.map(line)];
}
