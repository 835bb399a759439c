import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { EXIT_USAGE, HeraldError } from '../../compiler/contract/errors.ts';

/**
 * Two ingests of the same files at once must not interleave: each decides "not loaded yet" for a
 * file before the other commits it, and the second load then finds every event already there
 * (bogus duplicate_event rejects) and records the file as loaded with 0 rows. So an ingest holds a
 * database-level lock while it decides and loads:
 *
 * - SQLite has one writer: the whole run holds an exclusive lock on a small lock file beside the
 *   database (`<db>.ingest-lock`, a SQLite file locked with BEGIN EXCLUSIVE). A second ingest
 *   fails at once with IngestBusyError. The operating system drops the lock when the process
 *   dies, so a killed ingest never leaves the database locked.
 * - PostgreSQL takes a session advisory lock per Source while it loads that Source's files: a
 *   second ingest of the same Source waits for the first, then finds its files loaded and skips
 *   them; ingests of different Sources run side by side. A dead session's locks are released by
 *   the server.
 */
export interface IngestLock {
  /** Runs `fn` (which reads the Source's loaded-file records and loads its files) under the Source's lock. */
  forSource<T>(source: string, fn: () => Promise<T>): Promise<T>;
  release(): Promise<void>;
}

/**
 * Another ingest holds the lock (SQLite): nothing was read or written. Exit 2: the database is in
 * use, like an unreachable one a matter of the environment, not the definitions.
 */
export class IngestBusyError extends HeraldError {
  constructor(readonly database: string) {
    super(`another ingest is running on ${database}; wait for it to finish and run again (nothing was loaded)`, EXIT_USAGE);
  }
}

/** The advisory lock class of ingest on PostgreSQL ("HING"); the object is the hash of the Source name. */
const INGEST_LOCK_CLASS = 0x48494e47;

export async function acquireIngestLock(db: Database, onWait?: (source: string) => void): Promise<IngestLock> {
  if (db.dialect === 'sqlite') return sqliteLock(db);
  return postgresLock(db, onWait);
}

function sqliteLock(db: Database): IngestLock {
  const path = db.sqlite?.name;
  // An in-memory database belongs to this process alone.
  if (!path || path === ':memory:' || db.sqlite?.memory) return { forSource: (_s, fn) => fn(), release: async () => undefined };
  const lockDb = new BetterSqlite3(`${path}.ingest-lock`);
  try {
    lockDb.pragma('busy_timeout = 0');
    lockDb.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    lockDb.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') throw new IngestBusyError(db.description);
    throw e;
  }
  return {
    forSource: (_source, fn) => fn(),
    async release() {
      if (!lockDb.open) return;
      if (lockDb.inTransaction) lockDb.exec('ROLLBACK');
      lockDb.close();
    },
  };
}

function postgresLock(db: Database, onWait?: (source: string) => void): IngestLock {
  return {
    forSource(source, fn) {
      // One pooled connection holds the session lock while the file transactions use others.
      return db.kysely.connection().execute(async (conn) => {
        const tried = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${INGEST_LOCK_CLASS}, hashtext(${source})) as ok`.execute(
          conn,
        );
        if (!tried.rows[0]?.ok) {
          onWait?.(source);
          await sql`select pg_advisory_lock(${INGEST_LOCK_CLASS}, hashtext(${source}))`.execute(conn);
        }
        try {
          return await fn();
        } finally {
          await sql`select pg_advisory_unlock(${INGEST_LOCK_CLASS}, hashtext(${source}))`.execute(conn);
        }
      });
    },
    release: async () => undefined,
  };
}
