/**
 * What is next on the clock after `t`: the first event of each type a journey reads, the first
 * entry falling due, the first queued message becoming sendable, campaign launches, schedule
 * occurrences and segment refreshes. The run jumps from one instant to the next (never slower than
 * its resolution), so a quiet stretch costs nothing and, with resolution 0, every message goes out
 * at its exact time; and a slice skips the work that has nothing to do in it.
 */
import { OUTBOX } from '../delivery/outbox.ts';
import { launchInstant } from './campaigns.ts';
import type { RunContext } from './context.ts';
import type { SegmentClock } from './segments.ts';
import { occurrencesIn } from './times.ts';

export interface Upcoming {
  /** Event type → its first event after t (absent: none up to until). */
  events: Map<string, number>;
  /** The earliest due time of an active entry (at or before t: overdue, e.g. left by a stopped worker). */
  due?: number;
  /** The earliest queued (or claimed, unsent) message's next attempt, overdue ones included. */
  outbox?: number;
  /** The earliest of everything. */
  next?: number;
}

export async function upcoming(
  ctx: RunContext,
  segments: SegmentClock,
  eventTypes: readonly string[],
  t: number,
  until: number,
): Promise<Upcoming> {
  const k = ctx.db.kysely;
  const num = (v: unknown) => (v !== null && v !== undefined && Number.isFinite(Number(v)) ? Number(v) : undefined);
  const result: Upcoming = { events: new Map() };
  const candidates: number[] = [];
  // One indexed lookup per type: the events index is (type, at).
  for (const type of eventTypes) {
    const row = await k
      .selectFrom('events')
      .select((eb) => eb.fn.min('at').as('at'))
      .where('type', '=', type)
      .where('at', '>', t)
      .where('at', '<=', until)
      .executeTakeFirst();
    const at = num(row?.at);
    if (at !== undefined) {
      result.events.set(type, at);
      candidates.push(at);
    }
  }
  const due = num(
    (
      await k
        .selectFrom('journey_entries')
        .select((eb) => eb.fn.min('due_at').as('at'))
        .where('status', '=', 'active')
        .executeTakeFirst()
    )?.at,
  );
  if (due !== undefined) result.due = due;
  // The next one after t, as a slice boundary (an overdue one is run in the coming slice anyway).
  const dueNext =
    due !== undefined && due > t
      ? due
      : num(
          (
            await k
              .selectFrom('journey_entries')
              .select((eb) => eb.fn.min('due_at').as('at'))
              .where('status', '=', 'active')
              .where('due_at', '>', t)
              .executeTakeFirst()
          )?.at,
        );
  if (dueNext !== undefined) candidates.push(dueNext);
  // `sending` too: a worker killed while sending left its claims, due at their own time.
  const sendable = (after?: number) => {
    let q = k
      .selectFrom(OUTBOX)
      .select((eb) => eb.fn.min('next_attempt_at').as('at'))
      .where('status', 'in', ['queued', 'sending']);
    if (after !== undefined) q = q.where('next_attempt_at', '>', after);
    return q.executeTakeFirst().then((r) => num(r?.at));
  };
  const outbox = await sendable();
  if (outbox !== undefined) result.outbox = outbox;
  const outboxNext = outbox !== undefined && outbox > t ? outbox : await sendable(t);
  if (outboxNext !== undefined) candidates.push(outboxNext);
  for (const c of ctx.campaigns) {
    const at = launchInstant(c);
    if (at > t) candidates.push(at);
  }
  for (const j of ctx.journeys) {
    const entry = j.compiled.entry;
    const first = entry.kind === 'schedule' ? occurrencesIn(entry, j.compiled.timezone, t, until)[0] : undefined;
    if (first !== undefined) candidates.push(first);
  }
  const tick = segments.nextTick(t);
  if (tick !== undefined) candidates.push(tick);
  const next = Math.min(...candidates);
  if (Number.isFinite(next)) result.next = next;
  return result;
}
