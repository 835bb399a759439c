import { randomBytes } from 'node:crypto';
import type { DataModel } from '../../../compiler/contract/data-model.ts';
import type { Database } from '../../db/database.ts';
import { ForgottenCustomers } from '../../ingest/forgotten.ts';
import { Identity } from '../../ingest/identity.ts';
import type { MappedRow } from '../../ingest/map-row.ts';
import { collectCustomer, placeRow } from '../../ingest/place-row.ts';
import { ensureIngestTables, openStore, type IngestStore, type Row, type StoreTx } from '../../ingest/store/index.ts';
import { notifyWake } from '../scheduler/pg-wake.ts';
import { PROFILE_TOUCH } from '../scheduler/touches.ts';

/** What became of one accepted message: stored, already stored (a retry), or dropped (an erased customer). */
export type WriteOutcome = 'stored' | 'duplicate' | 'forgotten';

interface Pending {
  rows: MappedRow[];
  resolve: (outcomes: WriteOutcome[]) => void;
  reject: (error: unknown) => void;
}

const TOUCH_COLUMNS = ['id', 'customer_id', 'type', 'at', 'received_at'] as const;

/** How often the list of erased customers is read again (a `herald forget` while serving). */
const FORGOTTEN_REFRESH_MS = 30_000;

/**
 * Writes accepted messages durably, with group commit: requests that arrive while a transaction is
 * committing wait together for the next one, so a thousand concurrent single calls cost a few
 * commits, not a thousand. A request's promise resolves only after its rows are committed (a 2xx
 * means durable); if the transaction fails, every request in it fails and nothing of them stays.
 * The rows go through ingest's own store, identity rules and erasure check, like a file's rows,
 * and the touched (customer, event type) pairs are written in the same transaction for the
 * scheduler (migration 006).
 */
export class IntakeWriter {
  private readonly store: IngestStore;
  private queue: Pending[] = [];
  private writing: Promise<void> | undefined;
  private forgotten = ForgottenCustomers.none;
  private forgottenAt = -Infinity;
  private readonly emailField: string | undefined;
  /** Touch ids sort by time (new rows go at the end of the key's index, not all over it), then by process. */
  private readonly process = randomBytes(6).toString('base64url');
  private touches = 0;

  private constructor(
    private readonly db: Database,
    model: DataModel,
    private readonly wallClock: () => number,
  ) {
    this.store = openStore(db, model);
    this.emailField = model.customers.mergeByEmail
      ? Object.entries(model.customers.fields).find(([, f]) => f.type === 'email')?.[0]
      : undefined;
  }

  static async open(db: Database, model: DataModel, wallClock: () => number = Date.now): Promise<IntakeWriter> {
    await ensureIngestTables(db);
    return new IntakeWriter(db, model, wallClock);
  }

  /** Stores `rows`; resolves with one outcome per row once they are committed. */
  write(rows: MappedRow[]): Promise<WriteOutcome[]> {
    if (rows.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      // Requests whose bodies are already read join this commit: on SQLite a commit runs
      // synchronously, so without a turn of the event loop first every group would be one request.
      this.writing ??= new Promise<void>((r) => setImmediate(r)).then(() => this.drain()).finally(() => (this.writing = undefined));
    });
  }

  /** Waits for every write in progress (a graceful stop). */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      try {
        const outcomes = await this.commit(group.flatMap((p) => p.rows));
        // Schedulers in other processes (PostgreSQL replicas) hear of the events at once; a lost
        // notification only delays them to their next tick, so its failure fails no request.
        await notifyWake(this.db).catch(() => undefined);
        let i = 0;
        for (const p of group) {
          p.resolve(outcomes.slice(i, i + p.rows.length));
          i += p.rows.length;
        }
      } catch (e) {
        for (const p of group) p.reject(e);
      }
    }
  }

  private async commit(rows: MappedRow[]): Promise<WriteOutcome[]> {
    const now = this.wallClock();
    if (now - this.forgottenAt > FORGOTTEN_REFRESH_MS) {
      this.forgotten = await ForgottenCustomers.load(this.db);
      this.forgottenAt = now;
    }
    return this.store.inTransaction(async (tx) => {
      const identity = await Identity.load(tx, this.emailField);
      const outcomes: WriteOutcome[] = new Array(rows.length).fill('stored');
      const customers = new Map<string, Row>();
      const profiled = new Set<string>();
      const events: Row[] = [];
      const eventIndex: number[] = [];
      for (let i = 0; i < rows.length; i++) {
        const mapped = rows[i]!;
        if (this.forgotten.has(mapped.customer?.id ?? mapped.event?.customer_id)) {
          outcomes[i] = 'forgotten';
          continue;
        }
        const placed = placeRow(tx, identity, mapped, now);
        const id = typeof placed === 'object' ? await placed : placed;
        if (id === undefined) continue;
        if (this.forgotten.has(id)) {
          outcomes[i] = 'forgotten';
          continue;
        }
        collectCustomer(customers, id, mapped.customer, now);
        if (mapped.customer) profiled.add(id);
        if (mapped.event) {
          events.push(mapped.event);
          eventIndex.push(i);
        }
      }
      // A customer known only from events is inserted if new and otherwise left alone: rewriting
      // every event's customer row doubled what a commit of events wrote.
      const profiles: Row[] = [];
      const bare: Row[] = [];
      for (const [id, row] of customers) (profiled.has(id) ? profiles : bare).push(row);
      if (profiles.length > 0) await tx.upsertCustomers(profiles);
      if (bare.length > 0) await tx.insertMissingCustomers(bare);
      // A changed profile is a touch too: the scheduler re-evaluates that customer's segments.
      const touched = new Map<string, Row>();
      for (const id of profiled) touched.set(`${id}\u0000${PROFILE_TOUCH}`, this.touch(id, PROFILE_TOUCH, now, now));
      if (events.length > 0) {
        const inserted = await tx.insertEvents(events);
        for (let k = 0; k < events.length; k++) {
          if (!inserted[k]) {
            outcomes[eventIndex[k]!] = 'duplicate';
            continue;
          }
          const e = events[k]!;
          const key = `${e.customer_id as string}\u0000${e.type as string}`;
          const before = touched.get(key);
          if (!before) touched.set(key, this.touch(e.customer_id as string, e.type as string, e.at as number, now));
          else if ((e.at as number) < (before.at as number)) before.at = e.at;
        }
      }
      if (touched.size > 0) await tx.appendRows('serve_touches', TOUCH_COLUMNS, [...touched.values()]);
      return outcomes;
    });
  }

  private touch(customerId: string, type: string, at: number, now: number): Row {
    const id = `${now.toString(36).padStart(9, '0')}.${(this.touches++ % 1_679_616).toString(36).padStart(4, '0')}.${this.process}`;
    return { id, customer_id: customerId, type, at, received_at: now };
  }
}

export type { StoreTx };
