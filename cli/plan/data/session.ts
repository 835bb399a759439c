import { sql, type Transaction } from 'kysely';
import type { Database } from '../../../runtime/db/database.ts';

const ROLLBACK = Symbol('plan rollback');

/**
 * Runs `fn` inside one transaction that is always rolled back: whatever the plan computes (trait
 * tables rebuilt as of an instant, scratch tables, a schema brought up to date) leaves the
 * database exactly as it was, and nothing the plan does is visible to other connections.
 *
 * `fn` gets a Database bound to the transaction: code that opens its own transaction on it (schema
 * sync, trait recomputation) gets a savepoint inside this one instead.
 */
export async function withRolledBackSession<T>(db: Database, fn: (session: Database) => Promise<T>): Promise<T> {
  let result: { value: T } | undefined;
  await db
    .transaction(async (trx) => {
      result = { value: await fn(sessionDatabase(db, trx)) };
      throw ROLLBACK;
    })
    .catch((e) => {
      if (e !== ROLLBACK) throw e;
    });
  return result!.value;
}

/**
 * As withRolledBackSession, for work that spans several calls (the main job's steps under
 * `--as-of`): the session stays open until `end()`, which rolls everything back.
 */
export async function openRolledBackSession(db: Database): Promise<{ session: Database; end(): Promise<void> }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let opened!: (session: Database) => void;
  const ready = new Promise<Database>((resolve) => (opened = resolve));
  const finished = db
    .transaction(async (trx) => {
      opened(sessionDatabase(db, trx));
      await released;
      throw ROLLBACK;
    })
    .catch((e) => {
      if (e !== ROLLBACK) throw e;
    });
  // A failure to begin (a lost connection) surfaces here rather than as a session that never opens.
  const session = await Promise.race([ready, finished.then(() => Promise.reject(new Error('the session ended before it opened')))]);
  return {
    session,
    async end() {
      release();
      await finished;
    },
  };
}

function sessionDatabase(db: Database, trx: Transaction<any>): Database {
  const session: Database = {
    dialect: db.dialect,
    kysely: trx,
    description: db.description,
    transaction: (fn) => inSavepoint(trx, () => fn(trx)),
    close: async () => undefined,
  };
  return db.sqlite ? { ...session, sqlite: db.sqlite } : session;
}

let savepoints = 0;

/**
 * Runs `fn` under a savepoint: rolled back to it when `fn` throws (and the error rethrown), so one
 * failed statement (a base query over a column the database lacks) does not abort the session,
 * which PostgreSQL would otherwise do for the rest of the transaction.
 */
export async function inSavepoint<T>(trx: Transaction<any>, fn: () => Promise<T>): Promise<T> {
  const name = sql.id(`herald_plan_sp_${++savepoints}`);
  await sql`savepoint ${name}`.execute(trx);
  try {
    const value = await fn();
    await sql`release savepoint ${name}`.execute(trx);
    return value;
  } catch (e) {
    await sql`rollback to savepoint ${name}`.execute(trx);
    await sql`release savepoint ${name}`.execute(trx);
    throw e;
  }
}
