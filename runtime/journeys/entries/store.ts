/**
 * Journey entries in the database: claiming the due ones, saving positions, history and wake-ups.
 * Every write is keyed (entry id, history sequence), so re-applying the same decision after a
 * crash and a re-run lands on the same rows.
 */
import { createHmac } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { Dialect, Executor } from '../../db/database.ts';
import type { Entry, EntryData, HistoryRow } from '../types.ts';
import { bulkWrite, type BulkTable } from './bulk.ts';

/** The raw SQLite handle for fast bulk writes (on the transaction's own connection), when there is one. */
export type SqliteHandle = BetterSqlite3.Database | undefined;

const ENTRY_COLUMNS = [
  'id',
  'journey',
  'version',
  'customer_id',
  'entry_key',
  'entered_at',
  'status',
  'step',
  'phase',
  'step_at',
  'due_at',
  'state',
  'seq',
  'exited_at',
  'exit_reason',
] as const;
const ENTRIES: BulkTable = {
  table: 'journey_entries',
  columns: ENTRY_COLUMNS,
  key: ['id'],
  update: ['status', 'step', 'phase', 'step_at', 'due_at', 'state', 'seq', 'exited_at', 'exit_reason'],
};
const HISTORY: BulkTable = {
  table: 'journey_history',
  columns: ['entry_id', 'seq', 'at', 'step', 'action', 'detail'],
  key: ['entry_id', 'seq'],
};
const WAKES: BulkTable = {
  table: 'journey_wakes',
  columns: ['entry_id', 'customer_id', 'event_type', 'after', 'until'],
  key: ['entry_id', 'event_type'],
  update: ['after', 'until'],
};

const CHUNK = 300;

/**
 * The deterministic id of an entry: the same journey, customer and entry key is the same entry.
 * It starts with the entry instant (fixed-width base 36, so ids sort by time): entries made and
 * advanced together sit together in the id indexes of entries and history, and a run writes a
 * few index pages per batch instead of one per row.
 */
export function entryId(journey: string, customerId: string, key: string, enteredAt: number, idKey: Uint8Array): string {
  const time = Math.max(0, Math.floor(enteredAt)).toString(36).padStart(9, '0');
  // Keyed (the database's id key): history rows carry this id, and must not link back to the customer once forgotten.
  return `${time}${createHmac('sha256', idKey).update(`herald-entry-v1\u0000${journey}\u0000${customerId}\u0000${key}`).digest('hex').slice(0, 15)}`;
}

/**
 * Takes up to `limit` active entries due by `horizon`, earliest first. On PostgreSQL the rows are
 * locked FOR UPDATE SKIP LOCKED until the caller's transaction ends: parallel workers never take
 * the same entry (a worker skips what another holds and takes the next ones).
 */
export async function claimDue(db: Executor, dialect: Dialect, horizon: number, limit: number): Promise<Entry[]> {
  let q = db
    .selectFrom('journey_entries')
    .selectAll()
    .where('status', '=', 'active')
    .where('due_at', '<=', horizon)
    .orderBy('due_at')
    .orderBy('id')
    .limit(limit);
  if (dialect === 'postgres') q = q.forUpdate().skipLocked();
  return (await q.execute()).map(entryOf);
}

/** Inserts new entries; an entry that already exists (same id) is left as it is. Returns the ids inserted. */
export async function insertEntries(db: Executor, entries: readonly Entry[], sqlite?: SqliteHandle): Promise<Set<string>> {
  const inserted = new Set<string>();
  if (sqlite) {
    const stmt = sqlite.prepare(
      `insert into journey_entries (${ENTRY_COLUMNS.join(', ')}) values (${ENTRY_COLUMNS.map(() => '?').join(', ')}) on conflict (id) do nothing`,
    );
    for (const e of entries) {
      const row = rowOf(e);
      if (stmt.run(ENTRY_COLUMNS.map((c) => row[c] ?? null)).changes === 1) inserted.add(e.id);
    }
    return inserted;
  }
  for (let i = 0; i < entries.length; i += CHUNK) {
    const part = entries.slice(i, i + CHUNK);
    const rows = await db
      .insertInto('journey_entries')
      .values(part.map(rowOf))
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    for (const r of rows) inserted.add(String(r.id));
  }
  return inserted;
}

/** Saves entries' new positions (they exist). */
export async function saveEntries(db: Executor, entries: readonly Entry[], sqlite?: SqliteHandle): Promise<void> {
  await bulkWrite(db, sqlite, ENTRIES, entries.map(rowOf));
}

export async function insertHistory(db: Executor, rows: readonly HistoryRow[], sqlite?: SqliteHandle): Promise<void> {
  await bulkWrite(
    db,
    sqlite,
    HISTORY,
    rows.map((h) => ({ entry_id: h.entryId, seq: h.seq, at: h.at, step: h.step, action: h.action, detail: h.detail ?? null })),
  );
}

/** Replaces the wake-ups of these entries: `wakes` holds the event types of those parked in a `wait_for`. */
export async function replaceWakes(
  db: Executor,
  entries: ReadonlyArray<{ entry: Entry; wakes?: readonly string[] }>,
  sqlite?: SqliteHandle,
): Promise<void> {
  const ids = entries.map((e) => e.entry.id);
  for (let i = 0; i < ids.length; i += CHUNK * 2)
    await db
      .deleteFrom('journey_wakes')
      .where('entry_id', 'in', ids.slice(i, i + CHUNK * 2))
      .execute();
  const rows = entries.flatMap(({ entry, wakes }) =>
    entry.status === 'active' && entry.phase === 'waiting' && entry.dueAt !== null
      ? (wakes ?? []).map((type) => ({
          entry_id: entry.id,
          customer_id: entry.customerId,
          event_type: type,
          after: entry.stepAt,
          until: entry.dueAt,
        }))
      : [],
  );
  await bulkWrite(db, sqlite, WAKES, rows);
}

function rowOf(e: Entry): Record<string, unknown> {
  return {
    id: e.id,
    journey: e.journey,
    version: e.version,
    customer_id: e.customerId,
    entry_key: e.entryKey,
    entered_at: e.enteredAt,
    status: e.status,
    step: e.step,
    phase: e.phase,
    step_at: e.stepAt,
    due_at: e.dueAt,
    state: JSON.stringify(e.data),
    seq: e.seq,
    exited_at: e.exitedAt ?? null,
    exit_reason: e.exitReason ?? null,
  };
}

export function entryOf(row: Record<string, unknown>): Entry {
  const e: Entry = {
    id: String(row.id),
    journey: String(row.journey),
    version: String(row.version),
    customerId: String(row.customer_id),
    entryKey: String(row.entry_key),
    enteredAt: Number(row.entered_at),
    status: row.status as Entry['status'],
    step: String(row.step),
    phase: row.phase as Entry['phase'],
    stepAt: Number(row.step_at),
    dueAt: row.due_at === null || row.due_at === undefined ? null : Number(row.due_at),
    data: JSON.parse(String(row.state)) as EntryData,
    seq: Number(row.seq),
  };
  if (row.exited_at !== null && row.exited_at !== undefined) e.exitedAt = Number(row.exited_at);
  if (row.exit_reason !== null && row.exit_reason !== undefined) e.exitReason = row.exit_reason as Entry['exitReason'];
  return e;
}
