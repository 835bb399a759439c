import type { Executor } from '../../db/database.ts';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import { keyOfMessageId } from '../keys.ts';
import { own } from '../../../compiler/contract/core/own.ts';
import { OUTBOX } from '../outbox.ts';

/**
 * What `herald report`'s delivery counts (collect.ts) and its insights (runtime/insights/load.ts)
 * both start from: the outbox rows due in `[since, until)` and, per message, the first instant of
 * each engagement kind. On a large database these are most of the report's reading, so the
 * command reads them once (`sendReads`) and hands the same rows to both.
 */
export interface SendRow {
  key: string;
  originKind: 'journey' | 'campaign';
  originName: string;
  experiment?: string;
  /** As stored (null: the send followed no split). */
  variant: string | null;
  customerId: string;
  template: string;
  status: string;
  reason?: string;
  dueAt: number;
  sentAt?: number;
}

export const ENGAGEMENT_KINDS = ['email_delivered', 'email_opened', 'email_clicked', 'email_unsubscribed'] as const;
export type EngagementKind = (typeof ENGAGEMENT_KINDS)[number];

export interface Sends {
  rows: SendRow[];
  /** By message key: the first instant of each engagement kind (a reader's: machine opens and clicks left out). */
  engagement: Map<string, Partial<Record<EngagementKind, number>>>;
}

export interface SendRange {
  since?: number;
  until?: number;
}

/** Reads sends once per range: what one report run passes to its counts and its insights. */
export type SendReads = (range: SendRange) => Promise<Sends>;

export function sendReads(db: Executor, manifest: Manifest): SendReads {
  const read = new Map<string, Promise<Sends>>();
  return (range) => {
    const key = `${range.since ?? ''}/${range.until ?? ''}`;
    let found = read.get(key);
    if (!found) read.set(key, (found = readSends(db, manifest, range)));
    return found;
  };
}

export async function readSends(db: Executor, manifest: Manifest, range: SendRange): Promise<Sends> {
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
  if (range.since !== undefined) q = q.where('due_at', '>=', range.since);
  if (range.until !== undefined) q = q.where('due_at', '<', range.until);
  let earliest = Infinity;
  const rows = (await q.execute()).map((r): SendRow => {
    const row: SendRow = {
      key: String(r.idempotency_key),
      originKind: r.origin_kind === 'campaign' ? 'campaign' : 'journey',
      originName: String(r.origin_name),
      ...(r.experiment != null ? { experiment: String(r.experiment) } : {}),
      variant: r.variant != null ? String(r.variant) : null,
      customerId: String(r.customer_id),
      template: String(r.template),
      status: String(r.status),
      ...(r.reason != null ? { reason: String(r.reason) } : {}),
      dueAt: Number(r.due_at),
      ...(r.sent_at != null ? { sentAt: Number(r.sent_at) } : {}),
    };
    const reference = referenceInstant(row);
    if (reference < earliest) earliest = reference;
    return row;
  });
  return {
    rows,
    engagement: rows.length === 0 ? new Map() : await firstEngagement(db, manifest, new Set(rows.map((r) => r.key)), earliest),
  };
}

/** When a send counts from: when it went, or, for one that did not go, when it was due. */
export function referenceInstant(row: SendRow): number {
  return row.status === 'sent' && row.sentAt !== undefined ? row.sentAt : row.dueAt;
}

async function firstEngagement(db: Executor, manifest: Manifest, keys: ReadonlySet<string>, from: number): Promise<Sends['engagement']> {
  const out: Sends['engagement'] = new Map();
  const types = ENGAGEMENT_KINDS.filter((t) => own(manifest.dataModel.events, t)?.message_id !== undefined);
  if (types.length === 0) return out;
  // The first instant per message and kind, grouped in the database (a message opened ten times is
  // one row), from the events_engagement index alone (runtime/db/migrations/015_engagement_index.ts).
  let query = db
    .selectFrom('events')
    .select(['type', 'message_id'])
    .select((eb) => eb.fn.min('at').as('at'))
    .where('type', 'in', [...types])
    .where('message_id', 'is not', null) // what the partial index holds (a row without one names no message)
    .where('at', '>=', from);
  // Opens and clicks a machine made (a privacy proxy, a link scanner) are not a reader's.
  if (manifest.dataModel.events.email_opened?.machine !== undefined || manifest.dataModel.events.email_clicked?.machine !== undefined) {
    query = query.where((eb) => eb.or([eb('machine', 'is', null), eb.not(eb.ref('machine'))]));
  }
  for (const e of await query.groupBy(['type', 'message_id']).execute()) {
    const key = keyOfMessageId(String(e.message_id ?? ''));
    if (!key || !keys.has(key)) continue;
    const kind = e.type as EngagementKind;
    const at = Number(e.at);
    const seen = out.get(key);
    if (!seen) out.set(key, { [kind]: at });
    else if (seen[kind] === undefined || at < seen[kind]!) seen[kind] = at;
  }
  return out;
}
