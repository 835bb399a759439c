import type { Executor } from '../db/database.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { keyOfMessageId } from '../delivery/keys.ts';
import { OUTBOX } from '../delivery/outbox.ts';
import { GLOBAL_CONTROL_REASON } from './control-group.ts';
import { own } from '../../compiler/contract/core/own.ts';
import type { Conversion, InsightData, Touch } from './data.ts';

/**
 * Reads what the insights are computed from: the outbox rows due in `[since, until)`, each
 * message's first open and click (email_opened / email_clicked events naming its Message-ID), and
 * the conversion events of the customers in those rows that followed the earliest of them, with
 * the revenue property's value. Three queries, whatever the size: the statistics then run in
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

export async function loadInsightData(db: Executor, manifest: Manifest, options: LoadOptions): Promise<InsightData> {
  let q = db
    .selectFrom(OUTBOX)
    .select([
      'idempotency_key',
      'origin_kind',
      'origin_name',
      'experiment',
      'variant',
      'customer_id',
      'template',
      'status',
      'reason',
      'due_at',
      'sent_at',
    ]);
  if (options.since !== undefined) q = q.where('due_at', '>=', options.since);
  if (options.until !== undefined) q = q.where('due_at', '<', options.until);
  const touches: Touch[] = [];
  const byKey = new Map<string, Touch>();
  let earliest = Infinity;
  for (const r of await q.execute()) {
    const holdout = r.status === 'suppressed' && r.reason === 'holdout';
    const sent = r.status === 'sent' && r.sent_at != null;
    const t: Touch = {
      key: String(r.idempotency_key),
      customerId: String(r.customer_id),
      originKind: r.origin_kind === 'campaign' ? 'campaign' : 'journey',
      originName: String(r.origin_name),
      template: String(r.template),
      ...(r.experiment != null ? { experiment: String(r.experiment) } : {}),
      variant: holdout ? 'holdout' : r.variant != null ? String(r.variant) : 'all',
      holdout,
      globalControl: r.status === 'suppressed' && r.reason === GLOBAL_CONTROL_REASON,
      sent,
      at: sent ? Number(r.sent_at) : Number(r.due_at),
    };
    touches.push(t);
    byKey.set(t.key, t);
    if (t.at < earliest) earliest = t.at;
  }
  if (touches.length === 0) return { touches, conversions: [] };
  await readEngagement(db, manifest, byKey, earliest);
  const conversions = await readConversions(
    db,
    manifest,
    options,
    new Set(touches.map((t) => t.customerId)),
    earliest - (options.lookbackMs ?? 0),
  );
  return { touches, conversions };
}

async function readEngagement(db: Executor, manifest: Manifest, byKey: Map<string, Touch>, from: number): Promise<void> {
  const types = (['email_opened', 'email_clicked'] as const).filter((t) => own(manifest.dataModel.events, t)?.message_id !== undefined);
  if (types.length === 0) return;
  let query = db
    .selectFrom('events')
    .select(['type', 'message_id'])
    // The first instant of each kind per message, grouped in the database: a message opened ten
    // times is one row here, not ten through the driver.
    .select((eb) => eb.fn.min('at').as('at'))
    .where('type', 'in', [...types])
    .where('at', '>=', from);
  // Opens and clicks a machine made (a privacy proxy, a link scanner) are not a reader's, as in the delivery counts.
  if (manifest.dataModel.events.email_opened?.machine !== undefined || manifest.dataModel.events.email_clicked?.machine !== undefined) {
    query = query.where((eb) => eb.or([eb('machine', 'is', null), eb.not(eb.ref('machine'))]));
  }
  const rows = await query.groupBy(['message_id', 'type']).execute();
  for (const e of rows) {
    const key = keyOfMessageId(String(e.message_id ?? ''));
    const t = key ? byKey.get(key) : undefined;
    if (!t) continue;
    const at = Number(e.at);
    if (e.type === 'email_opened') {
      if (t.opened === undefined || at < t.opened) t.opened = at;
    } else if (t.clicked === undefined || at < t.clicked) t.clicked = at;
  }
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
    options.revenueProperty !== undefined && own(declared, options.revenueProperty)?.type === 'number' ? options.revenueProperty : undefined;
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
