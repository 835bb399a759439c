import type { Database, Executor } from '../db/database.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { ClaimedSend } from './claim.ts';
import { OUTBOX } from './outbox.ts';
import type { DeliverySettings } from './settings.ts';
import { PermanentDeliveryError } from './types.ts';
import { outcomeText as clip } from '../../compiler/contract/personal-data.ts';

/**
 * Recording what became of claimed sends. Every update is guarded by `status = 'sending' and
 * claimed_by = <this worker>`: a worker whose claim was taken over (its lease expired) cannot
 * overwrite the new owner's outcome; the lost claim is reported instead.
 */
export interface SentOutcome {
  send: ClaimedSend;
  /** The transport's response (e.g. the SMTP server's `250 OK id=…`), kept as `detail`. */
  response?: string;
}

/**
 * Marks sends as sent, and records an `email_sent` event for each where the data model has one.
 * Sends with the same response (the file transport's are all alike) share one UPDATE. Returns the
 * keys whose claim this worker no longer held (their rows are left to the worker that holds them).
 */
export async function recordSent(
  db: Database,
  manifest: Manifest,
  items: readonly SentOutcome[],
  now: number,
  workerId: string,
): Promise<string[]> {
  if (items.length === 0) return [];
  const withEvents = manifest.dataModel.events.email_sent?.message_id !== undefined;
  return db.transaction(async (trx) => {
    const byResponse = new Map<string, string[]>();
    for (const { send, response } of items) {
      const detail = response ? clip(response) : '';
      byResponse.set(detail, [...(byResponse.get(detail) ?? []), send.key]);
    }
    const done = new Set<string>();
    for (const [detail, keys] of byResponse) {
      for (let i = 0; i < keys.length; i += 500) {
        const rows = await trx
          .updateTable(OUTBOX)
          .set((eb) => ({
            status: 'sent',
            sent_at: now,
            attempts: eb('attempts', '+', 1),
            claimed_by: null,
            claimed_at: null,
            reason: null,
            detail: detail === '' ? null : detail,
          }))
          .where('idempotency_key', 'in', keys.slice(i, i + 500))
          .where('status', '=', 'sending')
          .where('claimed_by', '=', workerId)
          .returning('idempotency_key')
          .execute();
        for (const r of rows) done.add(String(r.idempotency_key));
      }
    }
    const lost = items.map((i) => i.send.key).filter((k) => !done.has(k));
    if (withEvents) {
      const events = items.filter((i) => done.has(i.send.key)).map(({ send }) => sentEvent(send, now));
      for (let i = 0; i < events.length; i += 400) {
        await trx
          .insertInto('events')
          .values(events.slice(i, i + 400))
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      }
    }
    return lost;
  });
}

/** The `email_sent` fact rules read (`not exists(email_sent within 2d)`); its id makes it once per send. */
function sentEvent(send: ClaimedSend, now: number): Record<string, unknown> {
  return {
    id: `email_sent:${send.key}`,
    customer_id: send.customerId,
    type: 'email_sent',
    at: now,
    source: 'delivery',
    message_id: send.messageId,
    template: send.template,
    journey: send.origin.name,
    variant: send.origin.variant ?? null,
  };
}

/** The customer's data cannot fill the template: suppressed with the renderer's reason (no personal data in it). */
export async function recordRenderFailed(db: Executor, send: ClaimedSend, reason: string, workerId: string): Promise<boolean> {
  const result = await owned(db.updateTable(OUTBOX), send.key, workerId)
    .set({ status: 'suppressed', reason: 'render_failed', detail: clip(reason), claimed_by: null, claimed_at: null, sent_at: null })
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export type FailureOutcome = { status: 'queued'; retryAt: number; error: string } | { status: 'failed'; error: string; permanent: boolean };

/**
 * A transport error: retried after an exponential backoff (backoff × 2^(attempt−1), at most
 * max_backoff) while attempts remain, else `failed` with the error. A permanent rejection (a 5xx
 * reply) is failed at once: retrying cannot help, and could annoy the receiving server.
 */
export async function recordTransportError(
  db: Executor,
  send: ClaimedSend,
  error: unknown,
  now: number,
  settings: DeliverySettings,
  workerId: string,
): Promise<FailureOutcome & { lost: boolean }> {
  const attempts = send.attempts + 1;
  const message = clip(errorText(error));
  const permanent = error instanceof PermanentDeliveryError;
  const outcome: FailureOutcome =
    permanent || attempts >= settings.retry.maxAttempts
      ? {
          status: 'failed',
          error: permanent ? message : `gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${message}`,
          permanent,
        }
      : { status: 'queued', retryAt: now + backoffMs(attempts, settings), error: message };
  const set =
    outcome.status === 'failed'
      ? { status: 'failed', attempts, reason: outcome.error, detail: null, claimed_by: null, claimed_at: null, sent_at: null }
      : {
          status: 'queued',
          attempts,
          next_attempt_at: outcome.retryAt,
          reason: null,
          detail: `attempt ${attempts} failed: ${message}`,
          claimed_by: null,
          claimed_at: null,
          sent_at: null,
        };
  const result = await owned(db.updateTable(OUTBOX), send.key, workerId).set(set).executeTakeFirst();
  return { ...outcome, lost: Number(result.numUpdatedRows) === 0 };
}

export function backoffMs(attempt: number, settings: DeliverySettings): number {
  return Math.min(settings.retry.maxBackoffMs, settings.retry.backoffMs * 2 ** (attempt - 1));
}

/** Hands claimed but unsent rows back (a pause): they are due again at once, for any worker. */
export async function releaseClaims(db: Executor, keys: readonly string[], workerId: string): Promise<number> {
  if (keys.length === 0) return 0;
  const result = await db
    .updateTable(OUTBOX)
    .set({ status: 'queued', claimed_by: null, claimed_at: null, sent_at: null })
    .where('idempotency_key', 'in', [...keys])
    .where('status', '=', 'sending')
    .where('claimed_by', '=', workerId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

function owned<Q extends { where(...args: any[]): Q }>(q: Q, key: string, workerId: string): Q {
  return q.where('idempotency_key', '=', key).where('status', '=', 'sending').where('claimed_by', '=', workerId);
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown; responseCode?: unknown }).responseCode ?? (error as { code?: unknown }).code;
    return code !== undefined && !error.message.includes(String(code)) ? `${String(code)} ${error.message}` : error.message;
  }
  return String(error);
}
