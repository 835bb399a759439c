/**
 * Running the due steps: batch by batch, the entries due by the horizon are claimed, advanced by
 * the state machine, and everything that decided (positions, history, wake-ups, sends, holdouts,
 * field updates) is written in the claim's transaction. A crash loses the whole batch's decisions
 * or keeps them all; a re-run redoes them identically (keys are deterministic).
 */
import { sql } from 'kysely';
import type { CompiledJourney } from '../../compiler/contract/journey.ts';
import { fieldValueType } from '../../compiler/contract/core/rule-paths.ts';
import type { Executor } from '../db/database.ts';
import { enqueue, recordSuppressed } from '../delivery/outbox.ts';
import { writeTransaction } from '../delivery/write-transaction.ts';
import type { SendRequest } from '../delivery/types.ts';
import type { RunContext } from './context.ts';
import { loadCustomers, NO_NEEDS, type CustomerData, type DataNeeds } from './customers.ts';
import { claimDue, insertHistory, replaceWakes, saveEntries } from './entries/store.ts';
import { advance, emptyEffects } from './machine.ts';
import { earliestRead, journeyNeeds, mergeNeeds } from './needs.ts';
import { holdoutRequestOf, sendRequestOf } from './send-requests.ts';
import { wakeEntries } from './wakes.ts';
import { own } from '../../compiler/contract/core/own.ts';
import type { Effects, Entry } from './types.ts';
import { journeyRunMessages } from '../../compiler/contract/messages/journeys-run.ts';

/** An arbitrary fixed advisory-lock key shared by every Herald worker ("HWAK"). */
export const WAKE_LOCK = 0x4857414b;

/**
 * Runs every entry due by `horizon`; returns how many were advanced. With `wake`, the entries
 * waiting for the slice's events are woken first (wakes.ts): on SQLite in the first batch's own
 * transaction (one commit fewer per slice), on PostgreSQL in a transaction of its own that
 * parallel workers take in turn (their wake-ups touch the same rows).
 */
export async function runDueSteps(ctx: RunContext, horizon: number, wake?: { types: readonly string[]; from: number }): Promise<number> {
  let total = 0;
  let pending = wake;
  if (pending && ctx.db.dialect === 'postgres') {
    const { types, from } = pending;
    await writeTransaction(ctx.db, async (trx) => {
      await sql`select pg_advisory_xact_lock(${WAKE_LOCK})`.execute(trx);
      await wakeEntries(trx, types, from, horizon);
    });
    pending = undefined;
  }
  for (;;) {
    if (ctx.options.signal?.aborted) break;
    const n = await writeTransaction(ctx.db, async (trx) => {
      if (pending) await wakeEntries(trx, pending.types, pending.from, horizon);
      pending = undefined;
      return runBatch(ctx, trx, horizon);
    });
    total += n;
    // A short batch took everything due (parallel workers' skipped rows are theirs to run).
    if (n < ctx.batchSize) break;
  }
  return total;
}

async function runBatch(ctx: RunContext, trx: Executor, horizon: number): Promise<number> {
  const entries = await claimDue(trx, ctx.db.dialect, horizon, ctx.batchSize);
  if (entries.length === 0) return 0;
  const compiled = new Map<Entry, CompiledJourney | undefined>();
  let needs: DataNeeds = NO_NEEDS;
  let since = Infinity;
  for (const e of entries) {
    const c = await ctx.versions.get(trx, e.journey, e.version);
    compiled.set(e, c);
    if (!c) continue;
    const own = journeyNeeds(c);
    needs = mergeNeeds(needs, own);
    since = Math.min(since, earliestRead(own, Math.min(e.stepAt, e.dueAt ?? e.stepAt), e.enteredAt));
  }
  const customers = await loadCustomers(
    trx,
    ctx.manifest,
    entries.map((e) => e.customerId),
    needs,
    horizon,
    since,
  );
  const requests: SendRequest[] = [];
  const holdouts: SendRequest[] = [];
  const updates: Array<{ customerId: string; field: string; value: unknown }> = [];
  const history: Effects['history'] = [];
  const wakes: Array<{ entry: Entry; wakes?: readonly string[] }> = [];
  for (const entry of entries) {
    const journey = compiled.get(entry);
    const fx = journey
      ? advance(entry, journey, ctx.rules, customerOf(customers, entry.customerId), horizon)
      : missingVersion(entry, horizon);
    history.push(...fx.history);
    wakes.push(fx.wakes ? { entry, wakes: fx.wakes } : { entry });
    for (const s of fx.sends) {
      requests.push(sendRequestOf(entry, journey!, s, ctx.idKey));
      ctx.tally.queue(`journey:${entry.journey}`, s.template);
    }
    for (const h of fx.holdouts) {
      holdouts.push(holdoutRequestOf(entry, h, ctx.idKey));
      ctx.tally.holdout(`journey:${entry.journey}`);
    }
    for (const u of fx.updates) updates.push({ customerId: entry.customerId, field: u.field, value: u.value });
    for (const p of fx.problems) ctx.tally.problem(p);
    if (entry.status === 'done') ctx.tally.exit(entry.journey, entry.exitReason ?? 'completed');
  }
  const sqlite = ctx.db.sqlite;
  await saveEntries(trx, entries, sqlite);
  await insertHistory(trx, history, sqlite);
  await replaceWakes(trx, wakes, sqlite);
  if (requests.length > 0) await enqueue(trx, requests);
  for (const h of holdouts) await recordSuppressed(trx, h, 'holdout');
  await applyUpdates(ctx, trx, updates);
  return entries.length;
}

/** A customer the database does not hold (events without a profile): rules see only the id. */
function customerOf(customers: Map<string, CustomerData>, id: string): CustomerData {
  return customers.get(id) ?? { id, fields: { id }, events: [], byType: new Map(), traits: {}, scores: {}, tiers: {} };
}

/** An entry whose version is not stored (a damaged database): it leaves, with the reason recorded. */
function missingVersion(entry: Entry, at: number): Effects {
  const fx = emptyEffects();
  fx.problems.push({
    code: 'HL511',
    severity: 'error',
    journey: entry.journey,
    message: journeyRunMessages.HL511({ journey: entry.journey, version: entry.version, unstored: true }),
  });
  entry.status = 'done';
  entry.dueAt = null;
  entry.exitedAt = at;
  entry.exitReason = 'error';
  fx.history.push({ entryId: entry.id, seq: entry.seq++, at, step: entry.step, action: 'exit', detail: 'version missing' });
  return fx;
}

async function applyUpdates(
  ctx: RunContext,
  trx: Executor,
  updates: ReadonlyArray<{ customerId: string; field: string; value: unknown }>,
): Promise<void> {
  const fields = ctx.manifest.dataModel.customers.fields;
  for (const u of updates) {
    const def = own(fields, u.field);
    const type = def ? fieldValueType(def.type) : 'string';
    const stored = type === 'boolean' && ctx.db.dialect === 'sqlite' ? (u.value ? 1 : 0) : u.value;
    await trx
      .updateTable('customers')
      .set({ [u.field]: stored })
      .where('id', '=', u.customerId)
      .execute();
  }
}
