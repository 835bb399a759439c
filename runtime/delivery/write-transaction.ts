import { sql } from 'kysely';
import type { Database, Executor } from '../db/database.ts';

/**
 * A transaction that is going to write. On SQLite it starts with BEGIN IMMEDIATE, taking the
 * write lock before the first read: two processes claiming from the same file then queue on
 * the lock (busy_timeout) instead of both reading the same due rows and one failing with
 * SQLITE_BUSY when it tries to write. PostgreSQL runs an ordinary transaction; its claims are
 * kept apart by row locks (FOR UPDATE SKIP LOCKED) and advisory locks. A database already bound
 * to a transaction (a session that is rolled back, as `herald plan` simulates in) holds its
 * connection alone: its own nested transaction is used.
 */
export async function writeTransaction<T>(db: Database, fn: (trx: Executor) => Promise<T>): Promise<T> {
  if (db.dialect !== 'sqlite' || db.kysely.isTransaction) return db.transaction(fn);
  return db.kysely.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (e) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw e;
    }
  });
}
