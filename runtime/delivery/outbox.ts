import type { Executor } from '../db/database.ts';
import { isSendKey, messageIdFor } from './keys.ts';
import type { DeliveryRecord, SendRequest, SendStatus, SuppressionReason } from './types.ts';

/**
 * The outbox: one row per idempotency key. `enqueue` and `recordSuppressed` run on the caller's
 * executor, so they join the caller's transaction: a journey that moves a customer past a `send`
 * step inserts the send in the same commit, and a crash keeps both or neither. A key already
 * present is left exactly as it is (insert-if-absent on both dialects), so re-running a window or
 * retrying a journey step can never queue a message twice or reset one already sent.
 */
export const OUTBOX = 'delivery_outbox';

/** The Message-ID domain used until the worker knows the workspace's (it rewrites it when it sends). */
export const PENDING_MESSAGE_DOMAIN = 'herald.invalid';

/** Rows per insert statement: well under both dialects' bound-parameter limits. */
const CHUNK = 400;

export class SendRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SendRequestError';
  }
}

export async function enqueue(db: Executor, requests: readonly SendRequest[]): Promise<{ inserted: number; existing: number }> {
  let inserted = 0;
  for (let i = 0; i < requests.length; i += CHUNK) {
    const rows = requests.slice(i, i + CHUNK).map((r) => requestRow(r, 'queued'));
    const result = await db
      .insertInto(OUTBOX)
      .values(rows)
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  // Within one call a key may repeat (a caller's own duplicate): it counts as existing too.
  return { inserted, existing: requests.length - inserted };
}

/** Records a send that will not happen (an experiment holdout). Idempotent by key. */
export async function recordSuppressed(db: Executor, request: SendRequest, reason: SuppressionReason): Promise<void> {
  await db
    .insertInto(OUTBOX)
    .values({ ...requestRow(request, 'suppressed'), reason })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
}

function requestRow(r: SendRequest, status: SendStatus): Record<string, unknown> {
  if (!isSendKey(r.idempotencyKey)) throw new SendRequestError(`"${r.idempotencyKey}" is not an idempotency key; build it with sendKey()`);
  if (!Number.isFinite(r.dueAt)) throw new SendRequestError(`send ${r.idempotencyKey} has no due time`);
  return {
    idempotency_key: r.idempotencyKey,
    message_id: messageIdFor(r.idempotencyKey, PENDING_MESSAGE_DOMAIN),
    origin_kind: r.origin.kind,
    origin_name: r.origin.name,
    origin_version: r.origin.version,
    step: r.origin.step ?? null,
    variant: r.origin.variant ?? null,
    experiment: r.origin.experiment ?? null,
    customer_id: r.customerId,
    entry_id: r.entryId ?? null,
    template: r.template,
    due_at: r.dueAt,
    next_attempt_at: r.dueAt,
    expires_at: r.expiresAt ?? null,
    per_hour_limit: r.perHourLimit ?? null,
    quiet_hours: r.quietHours ?? null,
    journey_context: r.journey ? JSON.stringify(r.journey) : null,
    status,
    attempts: 0,
  };
}

/** Which outbox rows to list; every given condition must hold. */
export interface DeliveryFilter {
  origin?: { kind?: 'journey' | 'campaign'; name: string };
  customerId?: string;
  template?: string;
  status?: SendStatus | readonly SendStatus[];
  /** Rows due at or after this instant. */
  dueFrom?: number;
  /** Rows due before this instant. */
  dueUntil?: number;
  keys?: readonly string[];
}

/** Outbox rows as DeliveryRecords, ordered by due time then key (a stable order for tests and reports). */
export async function listDeliveries(db: Executor, filter: DeliveryFilter = {}): Promise<DeliveryRecord[]> {
  let q = db.selectFrom(OUTBOX).selectAll();
  if (filter.origin) {
    q = q.where('origin_name', '=', filter.origin.name);
    if (filter.origin.kind) q = q.where('origin_kind', '=', filter.origin.kind);
  }
  if (filter.customerId !== undefined) q = q.where('customer_id', '=', filter.customerId);
  if (filter.template !== undefined) q = q.where('template', '=', filter.template);
  if (filter.status !== undefined) q = q.where('status', 'in', typeof filter.status === 'string' ? [filter.status] : [...filter.status]);
  if (filter.dueFrom !== undefined) q = q.where('due_at', '>=', filter.dueFrom);
  if (filter.dueUntil !== undefined) q = q.where('due_at', '<', filter.dueUntil);
  if (filter.keys !== undefined) {
    if (filter.keys.length === 0) return [];
    q = q.where('idempotency_key', 'in', [...filter.keys]);
  }
  const rows = await q.orderBy('due_at').orderBy('idempotency_key').execute();
  return rows.map(recordOf);
}

/** One stored row as a DeliveryRecord (numbers read back as numbers on both drivers). */
export function recordOf(row: Record<string, unknown>): DeliveryRecord {
  const record: DeliveryRecord = {
    idempotencyKey: String(row.idempotency_key),
    origin: { kind: row.origin_kind as 'journey' | 'campaign', name: String(row.origin_name), version: String(row.origin_version) },
    customerId: String(row.customer_id),
    template: String(row.template),
    dueAt: Number(row.due_at),
    status: row.status as SendStatus,
    attempts: Number(row.attempts),
    messageId: String(row.message_id),
  };
  if (row.step != null) record.origin.step = String(row.step);
  if (row.variant != null) record.origin.variant = String(row.variant);
  if (row.experiment != null) record.origin.experiment = String(row.experiment);
  if (row.entry_id != null) record.entryId = String(row.entry_id);
  if (row.status === 'sent' && row.sent_at != null) record.sentAt = Number(row.sent_at);
  if (row.reason != null) record.reason = String(row.reason);
  if (row.detail != null) record.detail = String(row.detail);
  if (row.status === 'queued') record.nextAttemptAt = Number(row.next_attempt_at);
  return record;
}
