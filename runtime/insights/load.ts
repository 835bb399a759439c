import type { Executor } from '../db/database.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { referenceInstant, sendReads, type SendReads } from '../delivery/report/sends.ts';
import { GLOBAL_CONTROL_REASON } from './control-group.ts';
import { own } from '../../compiler/contract/core/own.ts';
import type { Conversion, InsightData, Touch } from './data.ts';

/**
 * Reads what the insights are computed from: the outbox rows due in `[since, until)`, each
 * message's first open and click (email_opened / email_clicked events naming its Message-ID), and
 * the conversion events of the customers in those rows that followed the earliest of them, with
 * the revenue property's value. Three queries, whatever the size (the first two shared with the
 * delivery counts through `reads`, runtime/delivery/report/sends.ts): the statistics then run in
 * memory (runtime/insights/*.ts).
 */
export interface LoadOptions {
  since?: number;
  until?: number;
  conversionEvent: string;
  revenueProperty?: string;
  /** How far before the first send a conversion is still read (attribution looks back this far). */
  lookbackMs?: number;
}

export async function loadInsightData(
  db: Executor,
  manifest: Manifest,
  options: LoadOptions,
  reads: SendReads = sendReads(db, manifest),
): Promise<InsightData> {
  const sends = await reads({ since: options.since, until: options.until });
  const touches: Touch[] = [];
  let earliest = Infinity;
  for (const r of sends.rows) {
    const holdout = r.status === 'suppressed' && r.reason === 'holdout';
    const seen = sends.engagement.get(r.key);
    const t: Touch = {
      key: r.key,
      customerId: r.customerId,
      originKind: r.originKind,
      originName: r.originName,
      template: r.template,
      ...(r.experiment !== undefined ? { experiment: r.experiment } : {}),
      variant: holdout ? 'holdout' : (r.variant ?? 'all'),
      holdout,
      globalControl: r.status === 'suppressed' && r.reason === GLOBAL_CONTROL_REASON,
      sent: r.status === 'sent' && r.sentAt !== undefined,
      at: referenceInstant(r),
      ...(seen?.email_opened !== undefined ? { opened: seen.email_opened } : {}),
      ...(seen?.email_clicked !== undefined ? { clicked: seen.email_clicked } : {}),
    };
    touches.push(t);
    if (t.at < earliest) earliest = t.at;
  }
  if (touches.length === 0) return { touches, conversions: [] };
  const conversions = await readConversions(
    db,
    manifest,
    options,
    new Set(touches.map((t) => t.customerId)),
    earliest - (options.lookbackMs ?? 0),
  );
  return { touches, conversions };
}

async function readConversions(
  db: Executor,
  manifest: Manifest,
  options: LoadOptions,
  customers: ReadonlySet<string>,
  from: number,
): Promise<Conversion[]> {
  const declared = own(manifest.dataModel.events, options.conversionEvent);
  if (!declared) return [];
  const revenue =
    options.revenueProperty !== undefined && own(declared, options.revenueProperty)?.type === 'number'
      ? options.revenueProperty
      : undefined;
  const columns = ['id', 'customer_id', 'at', ...(revenue ? [revenue] : [])];
  const rows = await db
    .selectFrom('events')
    .select(columns as never)
    .where('type', '=', options.conversionEvent)
    .where('at', '>=', from)
    .orderBy('at')
    .execute();
  const out: Conversion[] = [];
  for (const r of rows as Array<Record<string, unknown>>) {
    const customerId = String(r.customer_id);
    if (!customers.has(customerId)) continue;
    const value = revenue ? Number(r[revenue]) : 0;
    out.push({ id: String(r.id), customerId, at: Number(r.at), revenue: Number.isFinite(value) ? value : 0 });
  }
  return out;
}
