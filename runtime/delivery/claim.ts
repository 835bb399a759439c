import { sql } from 'kysely';
import type { Database, Executor } from '../db/database.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { CompiledTemplate } from '../../compiler/contract/template.ts';
import { decide, type GateDecision } from './gates.ts';
import { customerZone, loadBatchState, originKeyOf, sendsOnLocalDay, type BatchRow } from './gate-state.ts';
import { OUTBOX } from './outbox.ts';
import type { DeliverySettings } from './settings.ts';
import type { SendOrigin, SuppressionReason } from './types.ts';
import { writeTransaction } from './write-transaction.ts';

/**
 * Claiming: one transaction takes a batch of due sends, runs the gates on them, and records each
 * decision. Sends that may go become `sending`, owned by this worker (`claimed_by`, `claimed_at`
 * on the wall clock) with `sent_at` set to the decision instant, so frequency caps and rate limits
 * count them from then on; suppressed sends are final; delayed ones go back to `queued` with a
 * later `next_attempt_at`.
 *
 * Due means `queued` with `next_attempt_at <= now`, or `sending` under a claim older than the
 * lease (its worker died; the send is decided again, which is safe: see worker.ts). On PostgreSQL
 * the rows are taken FOR UPDATE SKIP LOCKED, so parallel workers never take the same row, and
 * advisory locks on the batch's customers and origins (taken in sorted order: no deadlocks)
 * make the count-then-decide of caps and limits atomic across workers.
 */
export interface ClaimedSend {
  key: string;
  messageId: string;
  customerId: string;
  origin: SendOrigin;
  entryId?: string;
  template: string;
  dueAt: number;
  /** Tries already made (before this one). */
  attempts: number;
  journey?: unknown;
  /** The customer's row (decoded), for rendering. */
  customer: Record<string, unknown>;
}

export interface ClaimOutcome {
  sends: ClaimedSend[];
  suppressed: Array<{ key: string; reason: SuppressionReason }>;
  delayed: Array<{ key: string; until: number; reason: string }>;
  /** Sends that cannot be made at all (their template is not in the manifest). */
  failed: Array<{ key: string; reason: string }>;
  /** Rows taken over from a claim whose worker stopped (lease expired, this worker's own, or a stopped local worker's). */
  recovered: number;
  /** The workers whose claims were taken over, sorted. */
  recoveredFrom: string[];
}

export interface ClaimOptions {
  manifest: Manifest;
  settings: DeliverySettings;
  now: number;
  workerId: string;
  /** Wall-clock milliseconds (leases are real time even under a simulated run clock). */
  wallClock: number;
  limit: number;
  /** Also take this worker's own `sending` rows at once: a restarted worker resumes what it left. */
  recoverOwn: boolean;
  /** Also take these workers' `sending` rows at once: they are known to have stopped (liveness.ts). */
  recoverFrom?: readonly string[];
}

export async function claimBatch(db: Database, o: ClaimOptions): Promise<ClaimOutcome> {
  return writeTransaction(db, async (trx) => {
    const rows = await dueRows(trx, db.dialect, o);
    const resumed = rows.filter((r) => r.status === 'sending');
    const recoveredFrom = [...new Set(resumed.map((r) => String(r.claimed_by)))].sort();
    const outcome: ClaimOutcome = { sends: [], suppressed: [], delayed: [], failed: [], recovered: resumed.length, recoveredFrom };
    if (rows.length === 0) return outcome;
    const batch: BatchRow[] = rows.map((r) => ({
      key: String(r.idempotency_key),
      customerId: String(r.customer_id),
      originKey: originKeyOf(String(r.origin_kind), String(r.origin_name)),
    }));
    if (db.dialect === 'postgres') await lockSubjects(trx, batch);
    const state = await loadBatchState(trx, o.manifest, o.settings, batch, o.now);

    const decisions: Array<{ row: Record<string, unknown>; decision: GateDecision | { action: 'fail'; reason: string } }> = [];
    for (const [i, row] of rows.entries()) {
      const b = batch[i]!;
      const template = o.manifest.definitions[`Template/${String(row.template)}`]?.compiled as CompiledTemplate | undefined;
      if (!template) {
        decisions.push({
          row,
          decision: {
            action: 'fail',
            reason: `template "${String(row.template)}" is not in the manifest (removed or renamed since the send was queued)`,
          },
        });
        continue;
      }
      const customer = state.customers.get(b.customerId);
      const zone = customerZone(customer, o.settings);
      const email = o.settings.emailField ? customer?.[o.settings.emailField] : undefined;
      const decision = decide(
        {
          now: o.now,
          customerId: b.customerId,
          category: template.category,
          ...(customer
            ? {
                customer: {
                  consent: customer[o.settings.consentField] === true,
                  timeZone: zone,
                  ...(typeof email === 'string' && email.trim() !== '' ? { email } : {}),
                },
              }
            : {}),
          suppressions: state.suppressions.get(b.customerId) ?? [],
          ...topicFacts(o.manifest, row, template, state.topicOptOuts.get(b.customerId)),
          sentToday: sendsOnLocalDay(state.customerSends.get(b.customerId), o.now, zone),
          originSendsLastHour: state.originSends.get(b.originKey) ?? [],
          ...(row.per_hour_limit != null ? { perHourLimit: Number(row.per_hour_limit) } : {}),
          ...(row.quiet_hours != null ? { quietHoursAction: row.quiet_hours as 'delay' | 'skip' } : {}),
          ...(row.expires_at != null ? { expiresAt: Number(row.expires_at) } : {}),
        },
        o.settings,
      );
      if (decision.action === 'send') {
        // Later rows of this batch see this send in the customer's day and the origin's hour.
        pushTo(state.customerSends, b.customerId, o.now);
        pushTo(state.originSends, b.originKey, o.now);
      }
      decisions.push({ row, decision });
    }
    await applyDecisions(trx, decisions, o, outcome, state.customers);
    return outcome;
  });
}

/** Stale claims first (already decided once), then queued rows by due time. */
async function dueRows(trx: Executor, dialect: Database['dialect'], o: ClaimOptions): Promise<Array<Record<string, unknown>>> {
  const lock = <Q extends { forUpdate(): Q; skipLocked(): Q }>(q: Q): Q => (dialect === 'postgres' ? q.forUpdate().skipLocked() : q);
  const stale = await lock(
    trx
      .selectFrom(OUTBOX)
      .selectAll()
      .where('status', '=', 'sending')
      .where((eb) => {
        const expired = eb('claimed_at', '<', o.wallClock - o.settings.leaseMs);
        if (!o.recoverOwn) return expired;
        const stopped = o.recoverFrom?.length ? [eb('claimed_by', 'in', [...o.recoverFrom])] : [];
        return eb.or([expired, eb('claimed_by', '=', o.workerId), ...stopped]);
      })
      .orderBy('next_attempt_at')
      .orderBy('idempotency_key')
      .limit(o.limit),
  ).execute();
  if (stale.length >= o.limit) return stale;
  const queued = await lock(
    trx
      .selectFrom(OUTBOX)
      .selectAll()
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', o.now)
      .orderBy('next_attempt_at')
      .orderBy('idempotency_key')
      .limit(o.limit - stale.length),
  ).execute();
  return [...stale, ...queued];
}

/** Transaction-scoped advisory locks on every customer and origin of the batch, in one sorted order. */
async function lockSubjects(trx: Executor, batch: readonly BatchRow[]): Promise<void> {
  const subjects = [...new Set([...batch.map((b) => `customer:${b.customerId}`), ...batch.map((b) => `origin:${b.originKey}`)])].sort();
  // ORDER BY is applied before the volatile lock calls of the select list (PostgreSQL >= 9.6).
  await sql`select pg_advisory_xact_lock(hashtextextended(s, 0)) from unnest(${subjects}::text[]) as s order by s`.execute(trx);
}

async function applyDecisions(
  trx: Executor,
  decisions: Array<{ row: Record<string, unknown>; decision: GateDecision | { action: 'fail'; reason: string } }>,
  o: ClaimOptions,
  outcome: ClaimOutcome,
  customers: Map<string, Record<string, unknown>>,
): Promise<void> {
  const sendKeys: string[] = [];
  // Rows that get the same values share one UPDATE (a batch of suppressions is typically a few reasons).
  const groups = new Map<string, { set: Record<string, unknown>; keys: string[] }>();
  const update = (key: string, set: Record<string, unknown>) => {
    const signature = JSON.stringify(set);
    const group = groups.get(signature);
    if (group) group.keys.push(key);
    else groups.set(signature, { set, keys: [key] });
  };
  for (const { row, decision } of decisions) {
    const key = String(row.idempotency_key);
    switch (decision.action) {
      case 'send':
        sendKeys.push(key);
        outcome.sends.push(claimedSend(row, `${key}@${o.settings.messageDomain}`, customers.get(String(row.customer_id))!));
        break;
      case 'suppress':
        update(key, { ...released, status: 'suppressed', reason: decision.reason, detail: decision.detail ?? null });
        outcome.suppressed.push({ key, reason: decision.reason });
        break;
      case 'delay':
        update(key, {
          ...released,
          status: 'queued',
          next_attempt_at: decision.until,
          detail: `delayed by ${decision.reason === 'quiet_hours' ? 'quiet hours' : 'the rate limit'}`,
        });
        outcome.delayed.push({ key, until: decision.until, reason: decision.reason });
        break;
      case 'fail':
        update(key, { ...released, status: 'failed', reason: decision.reason });
        outcome.failed.push({ key, reason: decision.reason });
        break;
    }
  }
  if (sendKeys.length > 0) {
    await trx
      .updateTable(OUTBOX)
      .set({
        status: 'sending',
        claimed_by: o.workerId,
        claimed_at: o.wallClock,
        sent_at: o.now,
        message_id: sql`idempotency_key || ${`@${o.settings.messageDomain}`}`,
      })
      .where('idempotency_key', 'in', sendKeys)
      .execute();
  }
  for (const { set, keys } of groups.values()) await trx.updateTable(OUTBOX).set(set).where('idempotency_key', 'in', keys).execute();
}

/** The claim columns cleared when a row leaves `sending` without being sent. */
const released = { claimed_by: null, claimed_at: null, sent_at: null };

function claimedSend(row: Record<string, unknown>, messageId: string, customer: Record<string, unknown>): ClaimedSend {
  const origin: SendOrigin = {
    kind: row.origin_kind as SendOrigin['kind'],
    name: String(row.origin_name),
    version: String(row.origin_version),
  };
  if (row.step != null) origin.step = String(row.step);
  if (row.variant != null) origin.variant = String(row.variant);
  if (row.experiment != null) origin.experiment = String(row.experiment);
  const send: ClaimedSend = {
    key: String(row.idempotency_key),
    messageId,
    customerId: String(row.customer_id),
    origin,
    template: String(row.template),
    dueAt: Number(row.due_at),
    attempts: Number(row.attempts),
    customer,
  };
  if (row.entry_id != null) send.entryId = String(row.entry_id);
  if (row.journey_context != null) send.journey = JSON.parse(String(row.journey_context));
  return send;
}

/** The email's subscription topic (a campaign's wins over its template's) and the topics the customer left. */
function topicFacts(
  manifest: Manifest,
  row: Record<string, unknown>,
  template: CompiledTemplate,
  optOuts: Array<{ topic: string; at: number }> | undefined,
): { topic?: string; topicOptOuts?: Array<{ topic: string; at: number }> } {
  const campaign =
    row.origin_kind === 'campaign'
      ? (manifest.definitions[`Campaign/${String(row.origin_name)}`]?.compiled as { topic?: string } | undefined)
      : undefined;
  const topic = campaign?.topic ?? template.topic;
  return topic === undefined ? {} : { topic, ...(optOuts ? { topicOptOuts: optOuts } : {}) };
}

function pushTo(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
