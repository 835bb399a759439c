import { sql } from 'kysely';
import type { Database } from './database.ts';
import { MIGRATIONS, type Migration } from './migrations/index.ts';
import { EXIT_ERRORS, HeraldError } from '../../compiler/contract/errors.ts';

export interface MigrateResult {
  /** Versions applied by this call (empty when the database was up to date). */
  applied: Array<{ version: number; name: string }>;
  /** The schema version after the call. */
  version: number;
}

/** The database was migrated by a newer Herald: running older code against it could corrupt it. */
export class SchemaVersionError extends HeraldError {
  constructor(message: string) {
    super(message, EXIT_ERRORS);
  }
}

/**
 * Brings the fixed schema up to date: applies every migration not yet recorded in
 * `herald_migrations`, all in one transaction (DDL is transactional on both SQLite and
 * PostgreSQL, so a failure leaves the schema as it was). Idempotent; safe to call on every start.
 * On PostgreSQL an advisory lock serializes concurrent runners (several workers starting at once).
 */
export async function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrateResult> {
  return db.transaction(async (trx) => {
    if (db.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
    await trx.schema
      .createTable('herald_migrations')
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('applied_at', db.dialect === 'postgres' ? 'bigint' : 'integer', (c) => c.notNull())
      .execute();
    const rows = await trx.selectFrom('herald_migrations').select(['version']).execute();
    const done = new Set(rows.map((r) => Number(r.version)));
    const newest = Math.max(0, ...migrations.map((m) => m.version));
    const unknown = [...done].filter((v) => v > newest);
    if (unknown.length > 0) {
      throw new SchemaVersionError(
        `the database has schema version ${Math.max(...unknown)}, newer than this Herald knows (${newest}); upgrade Herald`,
      );
    }
    const applied: MigrateResult['applied'] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await m.up(trx, db.dialect);
      // Bookkeeping only: when a migration ran is never used to evaluate a rule.
      await trx.insertInto('herald_migrations').values({ version: m.version, name: m.name, applied_at: Date.now() }).execute();
      applied.push({ version: m.version, name: m.name });
    }
    return { applied, version: Math.max(0, ...done, ...applied.map((a) => a.version)) };
  });
}

/** An arbitrary fixed key for pg_advisory_xact_lock, shared by every Herald process. */
const MIGRATION_LOCK_KEY = 0x4845524c; // "HERL"
