/**
 * Segments on the run's clock. Journeys that start on segment entry, schedules with an audience
 * and campaigns need memberships as of instants inside the run; the run materializes the segments
 * it needs at every refresh tick (and at a campaign's launch), unless the stored memberships are
 * already as recent. Memberships are a timeline, so a later materialization never rewrites an
 * earlier one.
 */
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { segmentsOf, traitsOf } from '../manifest.ts';
import { materialize } from '../segments/materialize.ts';
import type { RunContext } from './context.ts';

/** An arbitrary fixed advisory-lock key shared by every Herald worker ("HSEG"). */
const SEGMENTS_LOCK = 0x48534547;

export class SegmentClock {
  /** Segments whose entries start journeys (refreshed at every tick). */
  readonly entrySegments: string[];
  private readonly lastRun = new Map<string, number>();
  private loaded = false;

  constructor(private readonly ctx: RunContext) {
    this.entrySegments = [
      ...new Set(ctx.journeys.flatMap((j) => (j.compiled.entry.kind === 'segment' ? [j.compiled.entry.segment] : []))),
    ].sort();
  }

  get refreshMs(): number {
    return this.ctx.options.segmentRefreshMs ?? 86_400_000;
  }

  /** Refresh ticks in (from, to]: whole multiples of the refresh interval (midnight UTC, for a day). */
  ticks(from: number, to: number): number[] {
    if (this.entrySegments.length === 0) return [];
    const out: number[] = [];
    for (let t = (Math.floor(from / this.refreshMs) + 1) * this.refreshMs; t <= to; t += this.refreshMs) out.push(t);
    return out;
  }

  nextTick(after: number): number | undefined {
    return this.entrySegments.length === 0 ? undefined : (Math.floor(after / this.refreshMs) + 1) * this.refreshMs;
  }

  /** Memberships of `segments` are as of `at` at least: materialized now if they are older. */
  async ensure(db: Database, segments: readonly string[], at: number): Promise<void> {
    if (this.ctx.options.materializeSegments === false || segments.length === 0) return;
    if (!this.loaded) await this.loadLastRuns(db);
    if (!segments.some((s) => (this.lastRun.get(s) ?? -Infinity) < at)) return;
    if (db.dialect !== 'postgres') return this.materializeStale(db, segments, at);
    // Parallel workers: one materializes, the others wait for it and then find nothing stale.
    await db.transaction(async (trx) => {
      await sql`select pg_advisory_xact_lock(${SEGMENTS_LOCK})`.execute(trx);
      await this.loadLastRuns(db);
      await this.materializeStale(db, segments, at);
    });
  }

  private async materializeStale(db: Database, segments: readonly string[], at: number): Promise<void> {
    const stale = segments.filter((s) => (this.lastRun.get(s) ?? -Infinity) < at);
    if (stale.length === 0) return;
    const all = segmentsOf(this.ctx.manifest);
    // Every trait, not only those the segments read: journey rules and templates read them too.
    await materialize(db, { traits: traitsOf(this.ctx.manifest), segments: all.filter((s) => stale.includes(s.name)) }, at);
    for (const s of stale) this.lastRun.set(s, at);
  }

  private async loadLastRuns(db: Database): Promise<void> {
    const rows = await db.kysely
      .selectFrom('segment_runs')
      .select(['segment', (eb) => eb.fn.max('as_of').as('as_of')])
      .groupBy('segment')
      .execute();
    for (const r of rows) this.lastRun.set(String(r.segment), Number(r.as_of));
    this.loaded = true;
  }
}
