/**
 * The next instant after `t` at which anything can happen: an event a journey reads, an entry
 * falling due, a queued message becoming sendable, a campaign launch, a schedule occurrence or a
 * segment refresh. The run jumps from one to the next (never slower than its resolution), so a
 * quiet stretch costs nothing and, with resolution 0, every message goes out at its exact time.
 */
import { OUTBOX } from '../delivery/outbox.ts';
import { launchInstant } from './campaigns.ts';
import type { RunContext } from './context.ts';
import type { SegmentClock } from './segments.ts';
import { occurrencesIn } from './times.ts';

export async function nextInstant(ctx: RunContext, segments: SegmentClock, eventTypes: readonly string[], t: number, until: number): Promise<number | undefined> {
  const k = ctx.db.kysely;
  const candidates: number[] = [];
  const add = (v: unknown) => {
    if (v !== null && v !== undefined && Number.isFinite(Number(v))) candidates.push(Number(v));
  };
  // One indexed lookup per type: the events index is (type, at).
  for (const type of eventTypes) {
    add((await k.selectFrom('events').select((eb) => eb.fn.min('at').as('at')).where('type', '=', type).where('at', '>', t).where('at', '<=', until).executeTakeFirst())?.at);
  }
  add((await k.selectFrom('journey_entries').select((eb) => eb.fn.min('due_at').as('at')).where('status', '=', 'active').where('due_at', '>', t).executeTakeFirst())?.at);
  add((await k.selectFrom(OUTBOX).select((eb) => eb.fn.min('next_attempt_at').as('at')).where('status', '=', 'queued').where('next_attempt_at', '>', t).executeTakeFirst())?.at);
  for (const c of ctx.campaigns) {
    const at = launchInstant(c);
    if (at > t) add(at);
  }
  for (const j of ctx.journeys) {
    const entry = j.compiled.entry;
    if (entry.kind === 'schedule') add(occurrencesIn(entry, j.compiled.timezone, t, until)[0]);
  }
  add(segments.nextTick(t));
  const next = Math.min(...candidates.filter((c) => c > t));
  return Number.isFinite(next) ? next : undefined;
}
