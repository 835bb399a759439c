import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Distinct statements kept prepared (queries with IN lists of many lengths make more; the oldest go). */
const MAX_STATEMENTS = 500;

/**
 * The database Kysely's SQLite driver talks to, with its prepared statements kept: the driver
 * prepares every query it runs, and preparing costs as much as running a small query, so the
 * scheduler of `herald serve` (the same few dozen queries, many passes a second) spent a third of
 * its database time compiling SQL. A statement is reused only through Kysely, which runs one query
 * at a time on the connection and never iterates a statement while running another.
 */
export function cachingStatements(raw: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      statements.clear();
      raw.close();
    },
    prepare(sql: string) {
      let stmt = statements.get(sql);
      if (stmt) {
        // Most recently used last: the first key is the one to drop when full.
        statements.delete(sql);
      } else {
        stmt = raw.prepare(sql);
        if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, stmt);
      return stmt as unknown as ReturnType<SqliteDatabase['prepare']>;
    },
  };
}
