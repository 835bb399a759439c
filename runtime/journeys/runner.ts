/**
 * `herald run`: advances journeys and campaigns from where the database's run clock stands up to
 * `until`, slice by slice. In each slice (t, s]:
 *
 *   1. segments are refreshed at their ticks, then entries are created in time order (events of
 *      each journey's entry type, new segment memberships, schedule occurrences);
 *   2. campaigns whose launch falls in the slice are launched;
 *   3. entries waiting for an event that happened in the slice are woken, and every entry due
 *      by s runs its steps (sends go into the outbox in the same transaction);
 *   4. the delivery worker sends what is due by s;
 *   5. the clock moves to s.
 *
 * Every step is idempotent (deterministic entry ids and send keys, cursors, launch records), so a
 * run killed anywhere and started again finishes with exactly the messages an uninterrupted run
 * sends. On PostgreSQL several workers may run at once: entries are claimed FOR UPDATE SKIP LOCKED,
 * entry creation is serialized per journey, and the outbox's own claims keep sends apart.
 */
import type { CompiledJourney } from '../../compiler/contract/journey.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../db/database.ts';
import { deliverDue } from '../delivery/worker.ts';
import { launchCampaigns } from './campaigns.ts';
import { advanceClock, readClock, RunBackInTimeError, startClock } from './clock.ts';
import { RunContext, type RunOptions, type RunSummary } from './context.ts';
import { runDueSteps } from './due.ts';
import { createEntries } from './entries/create.ts';
import { upcoming, type Upcoming } from './next-instant.ts';
import { stopRemovedJourneys } from './removed.ts';
import { SegmentClock } from './segments.ts';
import { registerVersions } from './versions.ts';
import { loadIdKey } from '../db/id-key.ts';

export type { RunOptions, RunSummary } from './context.ts';
export { RunBackInTimeError } from './clock.ts';

export async function runJourneys(db: Database, manifest: Manifest, options: RunOptions): Promise<RunSummary> {
  const restore = options.largerCache === false ? () => undefined : largerCache(db);
  try {
    return await run(db, manifest, options);
  } finally {
    restore();
  }
}

/**
 * A run rewrites entries, history and outbox rows in many small transactions; on SQLite it keeps
 * a larger page cache while it runs (256 MiB instead of the connection's usual 64), so a run over
 * a few hundred thousand customers stays in memory, and checkpoints the write-ahead log less often
 * (every 64 MiB instead of 4), so a page rewritten by many batches is copied to the file once.
 */
function largerCache(db: Database): () => void {
  const raw = db.sqlite;
  if (!raw) return () => undefined;
  const cache = Number(raw.pragma('cache_size', { simple: true }));
  const checkpoint = Number(raw.pragma('wal_autocheckpoint', { simple: true }));
  raw.pragma('cache_size = -262144');
  raw.pragma('wal_autocheckpoint = 16384');
  return () => {
    raw.pragma(`cache_size = ${cache}`);
    raw.pragma(`wal_autocheckpoint = ${checkpoint}`);
  };
}

async function run(db: Database, manifest: Manifest, options: RunOptions): Promise<RunSummary> {
  const ctx = new RunContext(db, manifest, options);
  ctx.idKey = await loadIdKey(db.kysely);
  const existing = await readClock(db.kysely);
  if (existing && options.until < existing.until) throw new RunBackInTimeError(options.until, existing.until);
  const clock = existing ?? (await startClock(db.kysely, Math.min(options.from ?? options.until, options.until)));
  const start = clock.until;
  const segments = new SegmentClock(ctx);
  await registerVersions(db.kysely, ctx.journeys, start);
  const running = await ctx.versions.active(db.kysely);
  const { entryTypes, wakeTypes } = eventTypesOf(
    ctx.journeys.map((j) => j.compiled),
    running,
  );
  const resolution = Math.max(0, options.resolutionMs ?? 60_000);
  if (!options.only) await stopRemovedJourneys(ctx, start);

  const watched = [...new Set([...entryTypes, ...wakeTypes])];
  let t = start;
  let first = true;
  while (t < options.until && !options.signal?.aborted) {
    const ahead = await upcoming(ctx, segments, watched, t, options.until);
    const s = Math.min(options.until, Math.max(t + resolution, ahead.next ?? options.until));
    await runSlice(ctx, segments, { wakeTypes, ahead, first }, t, s);
    first = false;
    ctx.tally.slices++;
    // The clock is where a restarted run resumes: written after every slice, so a run killed in a
    // slice resumes with the same slice, and messages it had claimed go out at their own instant.
    await advanceClock(db.kysely, s);
    t = s;
    options.onSlice?.({ at: s, until: options.until, summary: ctx.tally.summary(start, options.until) });
  }
  // Messages left over at the end (retries, a window already run): the worker sends what is due.
  if (!options.signal?.aborted) await deliver(ctx, options.until);
  return ctx.tally.summary(start, options.until);
}

/**
 * One slice (t, s]. Work with nothing to do in the slice is skipped (what is upcoming says so): a
 * journey whose entry events all come later, wake-ups without events, steps when nothing falls
 * due, delivery when nothing was queued and nothing becomes sendable. The first slice of a run
 * does everything (it may resume what a stopped run left).
 */
async function runSlice(
  ctx: RunContext,
  segments: SegmentClock,
  state: { wakeTypes: readonly string[]; ahead: Upcoming; first: boolean },
  t: number,
  s: number,
): Promise<void> {
  const { ahead, first } = state;
  const inSlice = (at: number | undefined) => at !== undefined && at <= s;
  const ticks = segments.ticks(t, s);
  for (const tick of ticks) await segments.ensure(ctx.db, segments.entrySegments, tick);
  let created = 0;
  for (const journey of ctx.journeys) {
    const entry = journey.compiled.entry;
    const idle = entry.kind === 'event' ? !inSlice(ahead.events.get(entry.event)) : entry.kind === 'segment' ? ticks.length === 0 : false;
    if (first || !idle) created += await createEntries(ctx, segments, journey, t, s);
  }
  await launchCampaigns(ctx, segments, t, s);
  const wake = first || state.wakeTypes.some((type) => inSlice(ahead.events.get(type)));
  const queuedBefore = queuedCount(ctx);
  if (first || created > 0 || wake || inSlice(ahead.due)) await runDueSteps(ctx, s, wake ? { types: state.wakeTypes, from: t } : undefined);
  if (first || queuedCount(ctx) > queuedBefore || inSlice(ahead.outbox)) await deliver(ctx, s);
}

function queuedCount(ctx: RunContext): number {
  let n = 0;
  for (const templates of Object.values(ctx.tally.queued)) for (const c of Object.values(templates)) n += c;
  for (const c of Object.values(ctx.tally.holdouts)) n += c;
  return n;
}

async function deliver(ctx: RunContext, now: number): Promise<void> {
  if (ctx.options.deliver === false) return;
  const options: Parameters<typeof deliverDue>[1] = {
    now,
    manifest: ctx.manifest,
    transport: ctx.options.transport,
    workerId: ctx.workerId,
  };
  if (ctx.options.wallClock) options.wallClock = ctx.options.wallClock;
  if (ctx.options.signal) options.signal = ctx.options.signal;
  if (ctx.options.signer) options.signer = ctx.options.signer;
  if (ctx.options.deliverySettings) options.settings = ctx.options.deliverySettings;
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
function eventTypesOf(
  current: readonly CompiledJourney[],
  running: readonly CompiledJourney[],
): { entryTypes: string[]; wakeTypes: string[] } {
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
