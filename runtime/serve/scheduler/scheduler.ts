/**
 * The scheduler of `herald serve`: the engine of `herald run` (runtime/journeys runJourneys, with
 * its delivery worker) run again and again up to the real clock's now. One engine, two clocks:
 * `herald run --until T` moves the database's run clock to T in one go; the scheduler moves it to
 * now, every tick and at once when intake commits an event (`wake`). Each pass is an ordinary run
 * from where the clock stands, so entries, versions, the outbox, gates and idempotency keys are
 * exactly those of `herald run`, and replicas on PostgreSQL share the work as parallel `herald
 * run` workers do (FOR UPDATE SKIP LOCKED claims, per-journey cursor locks, advisory locks).
 */
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import type { Database } from '../../db/database.ts';
import type { Transport } from '../../delivery/types.ts';
import { runJourneys, RunBackInTimeError, type RunSummary } from '../../journeys/index.ts';
import type { RunOptions } from '../../journeys/context.ts';
import type { ServeLogger } from '../extension.ts';
import type { Metrics } from '../metrics.ts';
import { dropTouches, reactToTouches, takeTouches } from './touches.ts';
import { SchedulerMetrics } from './scheduler-metrics.ts';

/** The least time between two passes when events keep waking the scheduler. */
const WOKEN_GAP_MS = 20;
/** The most a woken scheduler waits (a slow pass must not delay the next one by as much again). */
const MAX_WOKEN_GAP_MS = 250;
/** Wakes during one pass from which intake counts as busy (one event at a time wakes it once). */
const BUSY_WAKES = 3;

export interface SchedulerOptions {
  db: Database;
  manifest: Manifest;
  transport: Transport;
  workerId: string;
  log: ServeLogger;
  metrics: Metrics;
  tickMs: number;
  segmentRefreshMs: number;
  /** Events timed longer than this before the run clock are history: stored, but they start no journey. */
  lateWindowMs: number;
  /** The real clock (tests may inject another). */
  now?: () => number;
  /** How sent messages' links are signed and where they point (runtime/recipient/). */
  links?: Pick<RunOptions, 'signer' | 'deliverySettings'>;
}

export class Scheduler {
  private manifest: Manifest;
  private woken = false;
  private wakes = 0;
  private wakeUp: (() => void) | undefined;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly stats: SchedulerMetrics;
  private passes = 0;
  private warnedAhead = -Infinity;

  constructor(private readonly options: SchedulerOptions) {
    this.manifest = options.manifest;
    this.stats = new SchedulerMetrics(options.metrics, options.db);
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Look for due work at once (after an event is committed). */
  wake(): void {
    this.woken = true;
    this.wakes++;
    this.wakeUp?.();
  }

  /** A reloaded workspace: the next pass runs its journeys (entries keep their versions). */
  setManifest(manifest: Manifest): void {
    this.manifest = manifest;
    this.wake();
  }

  /** Stops after the batch in hand; the delivery worker hands its unsent claims back. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.wakeUp?.();
    await this.loop;
  }

  /** Completed passes (for tests and readiness). */
  get completedPasses(): number {
    return this.passes;
  }

  private async run(): Promise<void> {
    const now = this.options.now ?? Date.now;
    while (!this.abort.signal.aborted) {
      this.woken = false;
      this.wakes = 0;
      const started = performance.now();
      try {
        await this.pass(now());
      } catch (e) {
        this.options.log.error('scheduler pass failed; retrying on the next tick', { error: e });
      }
      this.passes++;
      if (this.abort.signal.aborted) continue;
      if (this.woken) {
        // Woken during the pass: run again shortly, gathering what arrives meanwhile into one pass
        // (a pass per request would hold the database for intake's commits under load). While
        // intake is busy (several commits during one pass) the gap is twice as long as the pass
        // took, so passes never take more than a third of the database's time from intake; an
        // event that comes alone is taken after the short gap.
        const busy = this.wakes >= BUSY_WAKES;
        const gap = busy ? Math.max(WOKEN_GAP_MS, Math.min(2 * (performance.now() - started), MAX_WOKEN_GAP_MS)) : WOKEN_GAP_MS;
        await new Promise((resolve) => setTimeout(resolve, gap));
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.tickMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          this.wakeUp = undefined;
          // Passes start at least WOKEN_GAP_MS apart: under a stream of single calls each commit
          // would otherwise start a pass of its own, and the passes' fixed cost would take the
          // database's time from intake. An event that comes alone waits at most that long.
          const wait = started + WOKEN_GAP_MS - performance.now();
          if (wait > 0) setTimeout(resolve, wait);
          else resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private async pass(until: number): Promise<void> {
    const { db } = this.options;
    const started = Date.now();
    const touches = await takeTouches(db);
    const reaction = await reactToTouches(db, this.manifest, touches, until, this.options.lateWindowMs);
    let summary: RunSummary;
    try {
      summary = await runJourneys(db, this.manifest, {
        until,
        transport: this.options.transport,
        workerId: this.options.workerId,
        segmentRefreshMs: this.options.segmentRefreshMs,
        signal: this.abort.signal,
        largerCache: false,
        ...this.options.links,
      });
    } catch (e) {
      // Another replica's clock is ahead of ours (its run covered this instant already), or a
      // `herald run --until` went past now: nothing runs until the real clock catches up.
      if (e instanceof RunBackInTimeError) {
        if (e.clock - until > 60_000 && Date.now() - this.warnedAhead > 600_000) {
          this.warnedAhead = Date.now();
          this.options.log.warn('the run clock is ahead of the real clock; journeys wait until it catches up', {
            clock: new Date(e.clock).toISOString(),
          });
        }
        return;
      }
      throw e;
    }
    if (touches.length > 0) await dropTouches(db, touches);
    await this.stats.record(summary, touches, started, reaction.late);
    const entered = Object.values(summary.entered).reduce((a, b) => a + b, 0);
    // Only passes that did something are logged (late events alone are counted at /metrics: a
    // sender that batches makes every pass see some).
    if (entered > 0 || summary.delivery.sent > 0 || summary.problems.length > 0) {
      this.options.log.info('scheduler pass', {
        until: new Date(until).toISOString(),
        events: touches.length,
        late: reaction.late,
        segment_entries: reaction.segmentEntries,
        entered: summary.entered,
        sent: summary.delivery.sent,
        suppressed: summary.delivery.suppressed,
        problems: summary.problems.map((p) => `${p.code}: ${p.message}`),
        ms: Date.now() - started,
      });
    }
  }
}
