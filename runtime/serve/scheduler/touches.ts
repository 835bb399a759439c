/**
 * Reacting to what event intake committed (the `serve_touches` rows of migration 006), before the
 * engine runs up to now:
 *
 * - Events timed at or before the run clock (a sender's batch that waited a few seconds, a
 *   client whose clock is behind) would never be seen by the engine, which reads events by time
 *   slice. Those within the late window (`server.late_events`, default 1h) are taken in; older
 *   ones are history (a backfill): stored for segments and rules, but they start no journey. For their types, the journeys they start get their entry cursor moved back to just
 *   before the earliest of them, and the entries waiting for them are woken (the engine's own
 *   wakes.ts over that window). Both are idempotent: entries are keyed by their event, and a woken
 *   entry whose event does not count parks again.
 * - The touched customers are re-evaluated for the segments that start journeys and read those
 *   events (segments-now.ts), so segment-entry journeys start within seconds.
 */
import { sql } from 'kysely';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import type { Database } from '../../db/database.ts';
import { writeTransaction } from '../../delivery/write-transaction.ts';
import { readClock } from '../../journeys/clock.ts';
import { WAKE_LOCK } from '../../journeys/due.ts';
import { journeysOf } from '../../journeys/versions.ts';
import { wakeEntries } from '../../journeys/wakes.ts';
import { reevaluateSegments } from './segments-now.ts';

export interface Touch {
  id: string;
  customerId: string;
  type: string;
  at: number;
  receivedAt: number;
}

/** The type of a touch that says a customer's profile changed (an `identify`); no event type starts with `$`. */
export const PROFILE_TOUCH = '$profile';

/** Touches per pass at most (a backlog is worked through over several passes). */
const TAKE = 5_000;

export async function takeTouches(db: Database): Promise<Touch[]> {
  const rows = await db.kysely.selectFrom('serve_touches').selectAll().orderBy('received_at').limit(TAKE).execute();
  return rows.map((r) => ({
    id: String(r.id),
    customerId: String(r.customer_id),
    type: String(r.type),
    at: Number(r.at),
    receivedAt: Number(r.received_at),
  }));
}

export async function dropTouches(db: Database, touches: readonly Touch[]): Promise<void> {
  for (let i = 0; i < touches.length; i += 500) {
    await db.kysely
      .deleteFrom('serve_touches')
      .where(
        'id',
        'in',
        touches.slice(i, i + 500).map((t) => t.id),
      )
      .execute();
  }
}

/** Makes the engine see late events and fresh segment entries; `asOf` is the instant the coming run goes up to. */
export async function reactToTouches(
  db: Database,
  manifest: Manifest,
  touches: readonly Touch[],
  asOf: number,
  lateWindowMs: number,
): Promise<{ late: number; segmentEntries: number }> {
  if (touches.length === 0) return { late: 0, segmentEntries: 0 };
  const clock = await readClock(db.kysely);
  let late = 0;
  if (clock) {
    const earliest = new Map<string, number>();
    for (const t of touches) {
      if (t.type === PROFILE_TOUCH) continue;
      // Older than the window: history (a backfill), not replayed, as `herald run` does not replay before its start.
      if (t.at > clock.until || t.at < clock.until - lateWindowMs) continue;
      late++;
      earliest.set(t.type, Math.min(earliest.get(t.type) ?? Infinity, t.at));
    }
    if (earliest.size > 0) await reopenLate(db, manifest, earliest, clock.until);
  }
  const segmentEntries = await reevaluateSegments(db, manifest, touches, asOf);
  return { late, segmentEntries };
}

async function reopenLate(db: Database, manifest: Manifest, earliest: Map<string, number>, clockUntil: number): Promise<void> {
  for (const journey of journeysOf(manifest)) {
    const entry = journey.compiled.entry;
    if (entry.kind !== 'event') continue;
    const at = earliest.get(entry.event);
    if (at === undefined) continue;
    await db.kysely
      .updateTable('journey_cursors')
      .set({ entries_until: at - 1 })
      .where('journey', '=', journey.name)
      .where('entries_until', '>=', at)
      .execute();
  }
  const from = Math.min(...earliest.values()) - 1;
  await writeTransaction(db, async (trx) => {
    if (db.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${WAKE_LOCK})`.execute(trx);
    await wakeEntries(trx, [...earliest.keys()].sort(), from, clockUntil);
  });
}
