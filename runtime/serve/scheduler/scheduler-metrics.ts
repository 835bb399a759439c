import type { Database } from '../../db/database.ts';
import { OUTBOX } from '../../delivery/outbox.ts';
import type { RunSummary } from '../../journeys/index.ts';
import type { Metrics } from '../metrics.ts';
import type { Touch } from './touches.ts';

/** Seconds buckets of the event-to-send latency. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 300];

/** How often the outbox is counted by status: a count reads the whole table, too much for every pass. */
const OUTBOX_COUNT_MS = 5_000;

/**
 * What the scheduler reports at /metrics after each pass: entries, sends and suppressions by
 * reason, the outbox by status, passes, and the event-to-send latency: for each customer whose
 * event was handled in the pass and who was sent a message in it, from the commit of the event to
 * the end of the pass.
 */
export class SchedulerMetrics {
  private readonly entered;
  private readonly sends;
  private readonly suppressed;
  private readonly outbox;
  private readonly latency;
  private readonly passes;
  private readonly passSeconds;
  private readonly claims;
  private readonly late;
  private outboxCountedAt = -Infinity;

  constructor(
    metrics: Metrics,
    private readonly db: Database,
  ) {
    this.entered = metrics.counter('herald_journey_entries_total', 'Journey entries created, by journey.', ['journey']);
    this.sends = metrics.counter('herald_sends_total', 'Messages handed to the transport.');
    this.suppressed = metrics.counter('herald_suppressions_total', 'Sends suppressed by a gate, by reason.', ['reason']);
    this.outbox = metrics.gauge('herald_outbox_messages', 'Outbox rows by status.', ['status']);
    this.latency = metrics.histogram(
      'herald_event_to_send_seconds',
      'From an event committed by intake to a message sent because of it.',
      LATENCY_BUCKETS,
    );
    this.passes = metrics.counter('herald_scheduler_passes_total', 'Scheduler passes (engine runs up to now).');
    this.passSeconds = metrics.histogram(
      'herald_scheduler_pass_seconds',
      'Time of one scheduler pass.',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    );
    this.claims = metrics.counter('herald_worker_claims_total', 'Outbox rows claimed by this worker, by outcome.', ['outcome']);
    this.late = metrics.counter(
      'herald_late_events_total',
      'Events timed before the run clock but within late_events, taken in by the scheduler.',
    );
  }

  async record(summary: RunSummary, touches: readonly Touch[], started: number, late = 0): Promise<void> {
    const ended = Date.now();
    this.passes.inc();
    this.passSeconds.observe((ended - started) / 1000);
    for (const [journey, n] of Object.entries(summary.entered)) if (n > 0) this.entered.inc({ journey }, n);
    const d = summary.delivery;
    if (d.sent > 0) {
      this.sends.inc(undefined, d.sent);
      this.claims.inc({ outcome: 'sent' }, d.sent);
    }
    for (const [reason, n] of Object.entries(d.suppressed)) {
      if (!n) continue;
      this.suppressed.inc({ reason }, n);
      this.claims.inc({ outcome: 'suppressed' }, n);
    }
    if (d.delayed > 0) this.claims.inc({ outcome: 'delayed' }, d.delayed);
    if (d.retrying > 0) this.claims.inc({ outcome: 'retrying' }, d.retrying);
    if (d.failed > 0) this.claims.inc({ outcome: 'failed' }, d.failed);
    if (late > 0) this.late.inc(undefined, late);
    if (d.sent > 0 && touches.length > 0) await this.observeLatency(touches, started, ended);
    const moved =
      d.sent +
      d.delayed +
      d.retrying +
      d.failed +
      Object.values(d.suppressed).reduce((a, n) => a + (n ?? 0), 0) +
      Object.values(summary.entered).reduce((a, n) => a + n, 0);
    if (moved === 0 && ended - this.outboxCountedAt < OUTBOX_COUNT_MS) return;
    this.outboxCountedAt = ended;
    const rows = await this.db.kysely
      .selectFrom(OUTBOX)
      .select(['status', (eb) => eb.fn.countAll().as('n')])
      .groupBy('status')
      .execute();
    for (const status of ['queued', 'sending', 'sent', 'suppressed', 'failed']) this.outbox.set(0, { status });
    for (const r of rows) this.outbox.set(Number(r.n), { status: String(r.status) });
  }

  private async observeLatency(touches: readonly Touch[], started: number, ended: number): Promise<void> {
    const firstTouch = new Map<string, number>();
    for (const t of touches) firstTouch.set(t.customerId, Math.min(firstTouch.get(t.customerId) ?? Infinity, t.receivedAt));
    const ids = [...firstTouch.keys()];
    for (let i = 0; i < ids.length; i += 500) {
      // Sent in this pass (`sent_at` is on the run clock, which this pass moved from about `started` to now).
      const rows = await this.db.kysely
        .selectFrom(OUTBOX)
        .select('customer_id')
        .distinct()
        .where('status', '=', 'sent')
        .where('customer_id', 'in', ids.slice(i, i + 500))
        .where('sent_at', '>=', started - 60_000)
        .execute();
      for (const r of rows) this.latency.observe(Math.max(0, ended - firstTouch.get(String(r.customer_id))!) / 1000);
    }
  }
}
