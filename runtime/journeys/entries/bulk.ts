/**
 * Many rows into one table, the fastest way each dialect offers: on SQLite one prepared statement
 * run per row on the open connection (inside the caller's transaction: SQLite has a single
 * connection), elsewhere multi-row inserts through Kysely. Journeys write history, positions and
 * wake-ups for every entry they advance; this is their hot path.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Executor } from '../../db/database.ts';

export interface BulkTable {
  table: string;
  columns: readonly string[];
  /** The conflict target, and the columns to overwrite on conflict (none: keep the existing row). */
  key: readonly string[];
  update?: readonly string[];
}

const statements = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();
const CHUNK = 300;

export async function bulkWrite(
  db: Executor,
  sqlite: BetterSqlite3.Database | undefined,
  spec: BulkTable,
  rows: ReadonlyArray<Record<string, unknown>>,
): Promise<void> {
  if (rows.length === 0) return;
  if (sqlite) {
    const stmt = statementFor(sqlite, spec);
    for (const row of rows) stmt.run(spec.columns.map((c) => sqliteValue(row[c])));
    return;
  }
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db
      .insertInto(spec.table)
      .values(rows.slice(i, i + CHUNK).map((r) => Object.fromEntries(spec.columns.map((c) => [c, r[c] ?? null]))))
      .onConflict((oc) => {
        const target = oc.columns([...spec.key]);
        return spec.update?.length
          ? target.doUpdateSet((eb) => Object.fromEntries(spec.update!.map((c) => [c, eb.ref(`excluded.${c}`)])))
          : target.doNothing();
      })
      .execute();
  }
}

function statementFor(sqlite: BetterSqlite3.Database, spec: BulkTable): BetterSqlite3.Statement {
  let byTable = statements.get(sqlite);
  if (!byTable) statements.set(sqlite, (byTable = new Map()));
  const key = `${spec.table}|${spec.columns.join(',')}|${spec.key.join(',')}|${(spec.update ?? []).join(',')}`;
  let stmt = byTable.get(key);
  if (!stmt) {
    // Identifiers come from this module's callers (fixed table and column names), never from data.
    const conflict = spec.update?.length ? `do update set ${spec.update.map((c) => `"${c}" = excluded."${c}"`).join(', ')}` : 'do nothing';
    stmt = sqlite.prepare(
      `insert into "${spec.table}" (${spec.columns.map((c) => `"${c}"`).join(', ')}) values (${spec.columns.map(() => '?').join(', ')}) on conflict (${spec.key.map((c) => `"${c}"`).join(', ')}) ${conflict}`,
    );
    byTable.set(key, stmt);
  }
  return stmt;
}

/** better-sqlite3 binds numbers, strings, bigints, buffers and null; booleans are stored as 0/1. */
function sqliteValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}
