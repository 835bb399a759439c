import type { Executor } from '../../db/database.ts';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import { referenceInstant, sendReads, type SendReads } from './sends.ts';
import { own } from '../../../compiler/contract/core/own.ts';
import { twoProportionTest, type ProportionOutcome } from './stats.ts';

/**
 * The numbers `herald report` prints, per journey or campaign and per experiment group: what was
 * assigned, sent, suppressed (by reason) and failed, how many messages were delivered, opened and
 * clicked (distinct messages with such an event), click conversions (the conversion event within
 * the window after a message's first click), and `converted`: assigned customers who converted
 * within the window after the instant their send went out (for the holdout and for sends that did
 * not go, the instant it was due). `converted` is defined the same way for every group, holdout
 * included, so it is what the significance tests compare.
 */
export interface ReportOptions {
  /** Sends due at or after this instant. */
  since?: number;
  /** Sends due before this instant. */
  until?: number;
  conversionEvent: string;
  conversionWindowMs: number;
}

export interface GroupReport {
  experiment?: string;
  /** The variant, `holdout`, or `all` for sends that followed no split. */
  variant: string;
  holdout: boolean;
  assigned: number;
  sent: number;
  /** Queued or being sent. */
  pending: number;
  failed: number;
  suppressed: Record<string, number>;
  delivered: number;
  opened: number;
  clicked: number;
  /** Messages through which the recipient unsubscribed (from all email or a topic). */
  unsubscribed: number;
  conversions: number;
  converted: number;
}

export interface Comparison {
  experiment?: string;
  a: string;
  b: string;
  xA: number;
  nA: number;
  xB: number;
  nB: number;
  test: ProportionOutcome;
}

export interface OriginReport {
  kind: 'journey' | 'campaign';
  name: string;
  groups: GroupReport[];
  comparisons: Comparison[];
}

export interface DeliveryReport {
  options: ReportOptions;
  origins: OriginReport[];
  /** False when the conversion event is not in the data model (conversions are then all 0). */
  conversionTracked: boolean;
}

interface Row {
  key: string;
  kind: 'journey' | 'campaign';
  name: string;
  experiment?: string;
  variant: string;
  holdout: boolean;
  customerId: string;
  status: string;
  reason?: string;
  /** Sent: when it went; otherwise when it was due. */
  reference: number;
}

export async function collectReport(
  db: Executor,
  manifest: Manifest,
  options: ReportOptions,
  reads: SendReads = sendReads(db, manifest),
): Promise<DeliveryReport> {
  const sends = await reads({ since: options.since, until: options.until });
  const rows: Row[] = sends.rows.map((r) => {
    const holdout = r.status === 'suppressed' && r.reason === 'holdout';
    return {
      key: r.key,
      kind: r.originKind,
      name: r.originName,
      ...(r.experiment !== undefined ? { experiment: r.experiment } : {}),
      variant: holdout ? 'holdout' : (r.variant ?? 'all'),
      holdout,
      customerId: r.customerId,
      status: r.status,
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
      reference: referenceInstant(r),
    };
  });
  const tracked = own(manifest.dataModel.events, options.conversionEvent) !== undefined;
  const conversions = tracked ? await conversionTimes(db, options, rows) : new Map<string, number[]>();

  const byOrigin = new Map<string, Map<string, GroupReport>>();
  for (const r of rows) {
    const originKey = `${r.kind}/${r.name}`;
    const groups = byOrigin.get(originKey) ?? new Map<string, GroupReport>();
    byOrigin.set(originKey, groups);
    const groupKey = `${r.experiment ?? ''}\u0000${r.variant}`;
    let g = groups.get(groupKey);
    if (!g) {
      g = {
        ...(r.experiment ? { experiment: r.experiment } : {}),
        variant: r.variant,
        holdout: r.holdout,
        assigned: 0,
        sent: 0,
        pending: 0,
        failed: 0,
        suppressed: {},
        delivered: 0,
        opened: 0,
        clicked: 0,
        unsubscribed: 0,
        conversions: 0,
        converted: 0,
      };
      groups.set(groupKey, g);
    }
    g.assigned++;
    if (r.status === 'sent') g.sent++;
    else if (r.status === 'failed') g.failed++;
    else if (r.status === 'suppressed') g.suppressed[r.reason ?? 'unknown'] = (g.suppressed[r.reason ?? 'unknown'] ?? 0) + 1;
    else g.pending++;
    const seen = sends.engagement.get(r.key);
    if (seen?.email_delivered !== undefined) g.delivered++;
    if (seen?.email_opened !== undefined) g.opened++;
    if (seen?.email_unsubscribed !== undefined) g.unsubscribed++;
    const times = conversions.get(r.customerId);
    if (seen?.email_clicked !== undefined) {
      g.clicked++;
      if (convertedWithin(times, seen.email_clicked, options.conversionWindowMs)) g.conversions++;
    }
    if (convertedWithin(times, r.reference, options.conversionWindowMs)) g.converted++;
  }

  const origins: OriginReport[] = [...byOrigin.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, groups]) => {
      const [kind, ...name] = key.split('/');
      const list = [...groups.values()].sort(groupOrder);
      return { kind: kind as OriginReport['kind'], name: name.join('/'), groups: list, comparisons: compare(list) };
    });
  return { options, origins, conversionTracked: tracked };
}

/** Within each experiment: every variant against the holdout, then every pair of variants. */
function compare(groups: readonly GroupReport[]): Comparison[] {
  const out: Comparison[] = [];
  const experiments = [...new Set(groups.filter((g) => g.experiment).map((g) => g.experiment!))];
  for (const experiment of experiments) {
    const members = groups.filter((g) => g.experiment === experiment);
    const holdout = members.find((g) => g.holdout);
    const variants = members.filter((g) => !g.holdout);
    const pairs: Array<[GroupReport, GroupReport]> = [];
    if (holdout) for (const v of variants) pairs.push([v, holdout]);
    for (let i = 0; i < variants.length; i++) for (let j = i + 1; j < variants.length; j++) pairs.push([variants[i]!, variants[j]!]);
    for (const [a, b] of pairs) {
      out.push({
        experiment,
        a: a.variant,
        b: b.variant,
        xA: a.converted,
        nA: a.assigned,
        xB: b.converted,
        nB: b.assigned,
        test: twoProportionTest(a.converted, a.assigned, b.converted, b.assigned),
      });
    }
  }
  return out;
}

function groupOrder(a: GroupReport, b: GroupReport): number {
  const ea = a.experiment ?? '';
  const eb = b.experiment ?? '';
  if (ea !== eb) return ea < eb ? -1 : 1;
  if (a.holdout !== b.holdout) return a.holdout ? 1 : -1;
  return a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0;
}

/** Conversion instants per customer of the report, ascending, over the span the report can use. */
async function conversionTimes(db: Executor, options: ReportOptions, rows: readonly Row[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (rows.length === 0) return out;
  const customers = new Set(rows.map((r) => r.customerId));
  const from = earliest(rows);
  const events = await db
    .selectFrom('events')
    .select(['customer_id', 'at'])
    .where('type', '=', options.conversionEvent)
    .where('at', '>', from)
    .orderBy('at')
    .execute();
  for (const e of events) {
    const id = String(e.customer_id);
    if (!customers.has(id)) continue;
    const list = out.get(id) ?? [];
    list.push(Number(e.at));
    out.set(id, list);
  }
  return out;
}

/** Whether an instant in `(start, start + window]` is among the ascending `times`. */
function convertedWithin(times: readonly number[] | undefined, start: number, windowMs: number): boolean {
  if (!times || times.length === 0) return false;
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo < times.length && times[lo]! <= start + windowMs;
}

/** The earliest reference instant (a loop: a spread of many rows would overflow the call stack). */
function earliest(rows: readonly Row[]): number {
  let min = Infinity;
  for (const r of rows) if (r.reference < min) min = r.reference;
  return min;
}
