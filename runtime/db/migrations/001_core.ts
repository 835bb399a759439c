import type { Migration } from './types.ts';
import { columnType } from '../column-types.ts';

/**
 * The fixed core tables. Data-model columns (one per customer field, event property and item
 * field) are added later by the sync step, which records them in `herald_columns`.
 */
export const coreTables: Migration = {
  version: 1,
  name: 'core',
  async up(trx, dialect) {
    const bigint = columnType(dialect, 'bigint');
    await trx.schema
      .createTable('customers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('updated_at', bigint)
      .execute();

    await trx.schema
      .createTable('events')
      // The id is a deterministic de-duplication key computed by ingest.
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('at', bigint, (c) => c.notNull())
      .addColumn('source', 'text')
      .execute();
    // Every aggregate is "this customer's events of this type in this window": the first index
    // serves correlated subqueries keyed by customer, the second grouped scans over one type.
    await trx.schema.createIndex('events_customer_type_at').on('events').columns(['customer_id', 'type', 'at']).execute();
    await trx.schema.createIndex('events_type_at').on('events').columns(['type', 'at']).execute();

    await trx.schema
      .createTable('items')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .execute();

    await trx.schema
      .createTable('segment_memberships')
      .addColumn('segment', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('entered_at', bigint, (c) => c.notNull())
      .addColumn('exited_at', bigint)
      .addPrimaryKeyConstraint('segment_memberships_pk', ['segment', 'customer_id', 'entered_at'])
      .execute();
    await trx.schema.createIndex('segment_memberships_open').on('segment_memberships').columns(['segment', 'exited_at']).execute();
    await trx.schema.createIndex('segment_memberships_customer').on('segment_memberships').columns(['customer_id']).execute();

    // One row per materialization run and segment: the counts `herald segments` prints, and the
    // latest as-of instant (memberships are a timeline, so a run may not go back before it).
    await trx.schema
      .createTable('segment_runs')
      .addColumn('segment', 'text', (c) => c.notNull())
      .addColumn('as_of', bigint, (c) => c.notNull())
      .addColumn('members', bigint, (c) => c.notNull())
      .addColumn('entered', bigint, (c) => c.notNull())
      .addColumn('exited', bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('segment_runs_pk', ['segment', 'as_of'])
      .execute();

    // The data-model columns the sync step created, with the field type they were created for.
    await trx.schema
      .createTable('herald_columns')
      .addColumn('table_name', 'text', (c) => c.notNull())
      .addColumn('column_name', 'text', (c) => c.notNull())
      .addColumn('field_type', 'text', (c) => c.notNull())
      .addColumn('storage', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('herald_columns_pk', ['table_name', 'column_name'])
      .execute();
  },
};
