/**
 * Waking waiting entries: an entry parked in a `wait_for` until its timeout is made due at the
 * first event of a type it waits for that happened in the slice (from, to]. The state machine
 * then decides whether the event counts (its filter, the rule); if not, the entry parks again.
 * `types` are the event types any journey of the run waits for (the events index is by type).
 * Runs in the caller's transaction: the first batch of due steps, which then runs what it woke.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';

export async function wakeEntries(trx: Executor, types: readonly string[], from: number, to: number): Promise<number> {
  if (types.length === 0) return 0;
  const typeList = sql.join(types.map((t) => sql`${t}`));
  // Driven by the slice's events (few), joined to the wake-ups of their customers.
  const result = await sql`
    update journey_entries set due_at = (
      select min(e.at) from journey_wakes w
      join events e on e.customer_id = w.customer_id and e.type = w.event_type
      where w.entry_id = journey_entries.id and e.at > ${from} and e.at <= ${to} and e.at > w.after and e.at < w.until)
    where id in (
      select w.entry_id from events e
      join journey_wakes w on w.customer_id = e.customer_id and w.event_type = e.type
      where e.type in (${typeList}) and e.at > ${from} and e.at <= ${to} and e.at > w.after and e.at < w.until)
      and status = 'active' and phase = 'waiting'`.execute(trx);
  return Number(result.numAffectedRows ?? 0n);
}
