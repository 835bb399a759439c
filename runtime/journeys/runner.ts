/**
 * `herald run`: advances journeys and campaigns from where the database's run clock stands up to
 * `until`, slice by slice. In each slice (t, s]:
 *
 *   1. segments are refreshed at their ticks, then entries are created in time order (events of
 *      each journey's entry type, new segment memberships, schedule occurrences);
 *   2. campaigns whose launch falls in the slice are launched;
 *   3. entries waiting for an event that happened in the slice are woken;
 *   4. every entry due by s runs its steps (sends go into the outbox in the same transaction);
 *   5. the delivery worker sends what is due by s;
 *   6. the clock moves to s.
 *
 * Every step is idempotent (deterministic entry ids and send keys, cursors, launch records), so a
 * run killed anywhere and started again finishes with exactly the messages an uninterrupted run
 * sends. On PostgreSQL several workers may run at once: entries are claimed FOR UPDATE SKIP LOCKED,
 * entry creation is serialized per journey, and the outbox's own claims keep sends apart.
 */
import type { CompiledJourney } from '../../compiler/types/journey.ts';
import type { Manifest } from '../../compiler/types/manifest.ts';
import type { Database } from '../db/database.ts';
import { deliverDue } from '../delivery/worker.ts';
import { launchCampaigns } from './campaigns.ts';
import { advanceClock, readClock, RunBackInTimeError, startClock } from './clock.ts';
import { RunContext, type RunOptions, type RunSummary } from './context.ts';
import { runDueSteps } from './due.ts';
import { createEntries } from './entries/create.ts';
import { nextInstant } from './next-instant.ts';
import { stopRemovedJourneys } from './removed.ts';
import { SegmentClock } from './segments.ts';
import { registerVersions } from './versions.ts';
import { wakeEntries } from './wakes.ts';

export type { RunOptions, RunSummary } from './context.ts';
export { RunBackInTimeError } from './clock.ts';

export async function runJourneys(db: Database, manifest: Manifest, options: RunOptions): Promise<RunSummary> {
  const ctx = new RunContext(db, manifest, options);
  const existing = await readClock(db.kysely);
  if (existing && options.until < existing.until) throw new RunBackInTimeError(options.until, existing.until);
  const clock = existing ?? (await startClock(db.kysely, Math.min(options.from ?? options.until, options.until)));
  const start = clock.until;
  const segments = new SegmentClock(ctx);
  await registerVersions(db.kysely, ctx.journeys, start);
  const running = await ctx.versions.active(db.kysely);
  const { entryTypes, wakeTypes } = eventTypesOf(ctx.journeys.map((j) => j.compiled), running);
  const resolution = Math.max(0, options.resolutionMs ?? 60_000);
  if (!options.only) await stopRemovedJourneys(ctx, start);

  let t = start;
  while (t < options.until && !options.signal?.aborted) {
    const next = (await nextInstant(ctx, segments, [...new Set([...entryTypes, ...wakeTypes])], t, options.until)) ?? options.until;
    const s = Math.min(options.until, Math.max(t + resolution, next));
    await runSlice(ctx, segments, wakeTypes, t, s);
    await advanceClock(db.kysely, s);
    ctx.tally.slices++;
    t = s;
    options.onSlice?.({ at: s, until: options.until, summary: ctx.tally.summary(start, options.until) });
  }
  // Messages left over at the end (retries, a window already run): the worker sends what is due.
  if (!options.signal?.aborted) await deliver(ctx, options.until);
  return ctx.tally.summary(start, options.until);
}

async function runSlice(ctx: RunContext, segments: SegmentClock, wakeTypes: readonly string[], t: number, s: number): Promise<void> {
  for (const tick of segments.ticks(t, s)) await segments.ensure(ctx.db, segments.entrySegments, tick);
  for (const journey of ctx.journeys) await createEntries(ctx, segments, journey, t, s);
  await launchCampaigns(ctx, segments, t, s);
  await wakeEntries(ctx.db, wakeTypes, t, s);
  await runDueSteps(ctx, s);
  await deliver(ctx, s);
}

async function deliver(ctx: RunContext, now: number): Promise<void> {
  const options: Parameters<typeof deliverDue>[1] = { now, manifest: ctx.manifest, transport: ctx.options.transport, workerId: ctx.workerId };
  if (ctx.options.wallClock) options.wallClock = ctx.options.wallClock;
  if (ctx.options.signal) options.signal = ctx.options.signal;
  const summary = await deliverDue(ctx.db, options);
  const d = ctx.tally.delivery;
  d.sent += summary.sent;
  d.delayed += summary.delayed;
  d.retrying += summary.retrying;
  d.failed += summary.failed;
  for (const [reason, n] of Object.entries(summary.suppressed)) d.suppressed[reason] = (d.suppressed[reason] ?? 0) + (n ?? 0);
  for (const p of summary.problems) ctx.tally.problem({ code: p.code, severity: p.severity, message: p.message });
}

/** Event types that start entries (current journeys), and those waiting entries wake up on (any version in use). */
function eventTypesOf(current: readonly CompiledJourney[], running: readonly CompiledJourney[]): { entryTypes: string[]; wakeTypes: string[] } {
  const entryTypes = new Set<string>();
  const wakeTypes = new Set<string>();
  for (const compiled of current) if (compiled.entry.kind === 'event') entryTypes.add(compiled.entry.event);
  for (const compiled of [...current, ...running]) {
    for (const step of Object.values(compiled.steps)) {
      if (step.kind !== 'wait_for') continue;
      if (step.event !== undefined) wakeTypes.add(step.event);
      for (const type of step.rule?.events ?? []) wakeTypes.add(type);
    }
  }
  return { entryTypes: [...entryTypes].sort(), wakeTypes: [...wakeTypes].sort() };
}
