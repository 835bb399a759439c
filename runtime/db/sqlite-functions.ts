import type BetterSqlite3 from 'better-sqlite3';

/**
 * Functions registered on every SQLite connection so SQL and the JavaScript evaluator agree.
 * SQLite's built-in lower()/upper() only fold ASCII; JavaScript's toLowerCase()/toUpperCase() fold
 * all of Unicode, as PostgreSQL does in a UTF-8 database. So `lower` and `upper` are replaced by
 * the JavaScript versions (SQLite lets an application function override a built-in one), and the
 * same functions are available under `herald_lower`/`herald_upper` for SQL that wants to say so.
 * All are deterministic, so SQLite may use them in indexes and constant folding.
 */
export const SQLITE_FUNCTIONS: ReadonlyArray<{ name: string; fn: (value: unknown) => unknown }> = [
  { name: 'lower', fn: (v) => (typeof v === 'string' ? v.toLowerCase() : v) },
  { name: 'upper', fn: (v) => (typeof v === 'string' ? v.toUpperCase() : v) },
  { name: 'herald_lower', fn: (v) => (typeof v === 'string' ? v.toLowerCase() : v) },
  { name: 'herald_upper', fn: (v) => (typeof v === 'string' ? v.toUpperCase() : v) },
];

export function registerSqliteFunctions(db: BetterSqlite3.Database): void {
  for (const { name, fn } of SQLITE_FUNCTIONS) {
    db.function(name, { deterministic: true, varargs: false }, fn as (...args: unknown[]) => unknown);
  }
}
