import type { Executor } from '../db/database.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { ReportSettings } from '../delivery/settings.ts';
import { attribute, type Attribution, type AttributionTotals } from './attribution.ts';
import { inGlobalControl } from './control-group.ts';
import type { InsightData } from './data.ts';
import { incrementality, type Scope } from './incrementality.ts';
import { loadInsightData } from './load.ts';
import { sendReads, type SendReads } from '../delivery/report/sends.ts';
import { kpiSeries, type SegmentsAt, type Series } from './series.ts';
import { own } from '../../compiler/contract/core/own.ts';
import { segmentsAtFromDatabase } from './segments-at.ts';

/**
 * What `herald report` adds to the delivery counts: attribution under the workspace's model,
 * totals credited per journey or campaign, template and variant; incrementality against holdouts
 * and the global control group; and (for the dashboard) KPIs over time.
 */
export interface InsightsOptions {
  since?: number;
  until?: number;
  settings: ReportSettings;
  globalControl?: number;
  /** Read segment memberships for the KPIs by segment (the dashboard). */
  segments?: boolean;
  /** Bootstrap resamples (default 1000). */
  resamples?: number;
}

export interface CreditRow extends AttributionTotals {
  kind: 'journey' | 'campaign' | 'template' | 'variant';
  name: string;
  /** Messages sent. */
  sent: number;
}

export interface InsightsReport {
  attribution: Attribution;
  /** Attributed conversions and revenue per journey, campaign, template and experiment variant. */
  credited: CreditRow[];
  incrementality: Scope[];
  series: Series[];
  revenueTracked: boolean;
}

export async function collectInsights(
  db: Executor,
  manifest: Manifest,
  options: InsightsOptions,
  reads: SendReads = sendReads(db, manifest),
): Promise<InsightsReport> {
  const s = options.settings;
  const data = await loadInsightData(
    db,
    manifest,
    {
      ...(options.since !== undefined ? { since: options.since } : {}),
      ...(options.until !== undefined ? { until: options.until } : {}),
      conversionEvent: s.conversionEvent,
      ...(s.revenueProperty ? { revenueProperty: s.revenueProperty } : {}),
    },
    reads,
  );
  const segmentsAt = options.segments ? await segmentsAtFromDatabase(db, [...new Set(data.touches.map((t) => t.customerId))]) : undefined;
  return insightsOf(
    data,
    {
      ...options,
      revenueTracked:
        s.revenueProperty !== undefined && own(own(manifest.dataModel.events, s.conversionEvent), s.revenueProperty) !== undefined,
    },
    segmentsAt,
  );
}

/** The same report from data already in memory (the simulator's, or what `collectInsights` read). */
export function insightsOf(
  data: InsightData,
  options: InsightsOptions & { revenueTracked?: boolean },
  segmentsAt?: SegmentsAt,
): InsightsReport {
  const s = options.settings;
  const attribution = attribute(data, s.attribution.model, s.attribution.windowMs);
  const scopes = incrementality(data, {
    windowMs: s.conversionWindowMs,
    inControl: (id) => inGlobalControl(id, options.globalControl),
    ...(s.costPerEmail !== undefined ? { costPerEmail: s.costPerEmail } : {}),
    ...(options.resamples !== undefined ? { resamples: options.resamples } : {}),
  });
  return {
    attribution,
    credited: creditRows(data, attribution),
    incrementality: scopes,
    series: kpiSeries(data, attribution, segmentsAt),
    revenueTracked: options.revenueTracked ?? true,
  };
}

function creditRows(data: InsightData, a: Attribution): CreditRow[] {
  const rows = new Map<string, CreditRow>();
  const add = (kind: CreditRow['kind'], name: string, sent: number, c: AttributionTotals | undefined) => {
    const id = `${kind}\u0000${name}`;
    let row = rows.get(id);
    if (!row) rows.set(id, (row = { kind, name, sent: 0, conversions: 0, revenue: 0 }));
    row.sent += sent;
    if (c) {
      row.conversions += c.conversions;
      row.revenue += c.revenue;
    }
  };
  for (const t of data.touches) {
    if (!t.sent) continue;
    const c = a.byMessage.get(t.key);
    add(t.originKind, t.originName, 1, c);
    add('template', t.template, 1, c);
    if (t.experiment !== undefined) add('variant', `${t.experiment}/${t.variant}`, 1, c);
  }
  const order = ['journey', 'campaign', 'template', 'variant'];
  return [...rows.values()].sort((x, y) => order.indexOf(x.kind) - order.indexOf(y.kind) || (x.name < y.name ? -1 : 1));
}
