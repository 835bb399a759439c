import type { Database } from '../../db/database.ts';
import type { Migration } from '../../db/migrations/types.ts';
import { columnType } from '../../db/column-types.ts';

/**
 * The tables ingestion keeps beside the core ones:
 * - `herald_ingested_files`: one row per loaded file (content hash, counts, feed statistics);
 *   the basis of incremental loads and of feed monitoring.
 * - `ingest_rejects`: every row that was not loaded, with where and why (never silently dropped);
 *   `customer_id` when the row named one, so `forget` can erase it.
 * - `herald_customer_aliases`: ids merged into another customer by e-mail.
 * - `herald_forget_log`: an audit row per erased customer (a hash of the id, when, counts),
 *   never the data itself.
 * Every statement is idempotent (IF NOT EXISTS), so it is safe as a migration and on every start.
 */
export const ingestTables: Migration = {
  version: 2,
  name: 'ingest',
  async up(trx, dialect) {
    const bigint = columnType(dialect, 'bigint');
    await trx.schema
      .createTable('herald_ingested_files')
      .ifNotExists()
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('rows', bigint, (c) => c.notNull())
      .addColumn('loaded', bigint, (c) => c.notNull())
      .addColumn('rejected', bigint, (c) => c.notNull())
      .addColumn('stats', 'text', (c) => c.notNull())
      .addColumn('loaded_at', bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('herald_ingested_files_pk', ['source', 'path'])
      .execute();
    await trx.schema
      .createTable('ingest_rejects')
      .ifNotExists()
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('file', 'text', (c) => c.notNull())
      .addColumn('line', bigint, (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('detail', 'text')
      .addColumn('raw', 'text')
      .addColumn('customer_id', 'text')
      .execute();
    await trx.schema.createIndex('ingest_rejects_file').ifNotExists().on('ingest_rejects').columns(['source', 'file']).execute();
    await trx.schema.createIndex('ingest_rejects_customer').ifNotExists().on('ingest_rejects').columns(['customer_id']).execute();
    await trx.schema.createIndex('events_source').ifNotExists().on('events').columns(['source']).execute();
    await trx.schema
      .createTable('herald_customer_aliases')
      .ifNotExists()
      .addColumn('alias', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .execute();
    await trx.schema
      .createTable('herald_forget_log')
      .ifNotExists()
      .addColumn('customer_hash', 'text', (c) => c.notNull())
      .addColumn('forgotten_at', bigint, (c) => c.notNull())
      .addColumn('counts', 'text', (c) => c.notNull())
      .execute();
  },
};

/** Creates the ingestion tables when the database does not have them yet (idempotent). */
export async function ensureIngestTables(db: Database): Promise<void> {
  await db.transaction((trx) => ingestTables.up(trx, db.dialect));
}
