import type { Migration } from './types.ts';
import { columnType } from '../column-types.ts';

/**
 * The journey runtime's durable state (runtime/journeys/). Times are epoch milliseconds on the
 * run's clock (real or simulated).
 *
 * - journey_versions: every compiled journey version ever run, so a customer keeps going on the
 *   version they entered with after the definition changes (JSON text, read the same on both dialects).
 * - journey_entries: one row per customer entry: where they are (`step`, `phase`), since when
 *   (`step_at`) and when they are next due (`due_at`), or how they left.
 * - journey_wakes: what a waiting entry wakes up on (an event type of its customer).
 * - journey_history: every transition, in order, per entry.
 * - journey_cursors: per journey, the instant up to which entries have been created (each event,
 *   segment entry or schedule occurrence is considered once, by one worker).
 * - journey_run_clock: the instant everything has been run up to; a run never goes back before it.
 * - campaign_launches and journey_schedule_runs: what has been launched, so nothing launches twice.
 */
export const journeyTables: Migration = {
  version: 4,
  name: 'journeys',
  async up(trx, dialect) {
    const bigint = columnType(dialect, 'bigint');
    await trx.schema
      .createTable('journey_versions')
      .addColumn('journey', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('compiled', 'text', (c) => c.notNull())
      .addColumn('registered_at', bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('journey_versions_pk', ['journey', 'version'])
      .execute();

    await trx.schema
      .createTable('journey_entries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('journey', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('entry_key', 'text', (c) => c.notNull())
      .addColumn('entered_at', bigint, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('step', 'text')
      .addColumn('phase', 'text')
      .addColumn('step_at', bigint)
      .addColumn('due_at', bigint)
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('exited_at', bigint)
      .addColumn('exit_reason', 'text')
      .execute();
    // The scheduler's claim: active entries by due time.
    await trx.schema.createIndex('journey_entries_due').on('journey_entries').columns(['status', 'due_at']).execute();
    // Re-entry rules: one customer's entries of one journey.
    await trx.schema
      .createIndex('journey_entries_customer')
      .on('journey_entries')
      .columns(['journey', 'customer_id', 'entered_at'])
      .execute();

    await trx.schema
      .createTable('journey_wakes')
      .addColumn('entry_id', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('after', bigint, (c) => c.notNull())
      .addColumn('until', bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('journey_wakes_pk', ['entry_id', 'event_type'])
      .execute();
    // Events of a slice find the entries waiting for them by customer and type.
    await trx.schema.createIndex('journey_wakes_customer').on('journey_wakes').columns(['customer_id', 'event_type']).execute();

    await trx.schema
      .createTable('journey_history')
      .addColumn('entry_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('at', bigint, (c) => c.notNull())
      .addColumn('step', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('detail', 'text')
      .addPrimaryKeyConstraint('journey_history_pk', ['entry_id', 'seq'])
      .execute();

    await trx.schema
      .createTable('journey_cursors')
      .addColumn('journey', 'text', (c) => c.primaryKey())
      .addColumn('entries_until', bigint, (c) => c.notNull())
      .execute();

    await trx.schema
      .createTable('journey_run_clock')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('started_at', bigint, (c) => c.notNull())
      .addColumn('until', bigint, (c) => c.notNull())
      .execute();

    await trx.schema
      .createTable('campaign_launches')
      .addColumn('campaign', 'text', (c) => c.primaryKey())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('launched_at', bigint, (c) => c.notNull())
      .addColumn('recipients', bigint, (c) => c.notNull())
      .execute();

    await trx.schema
      .createTable('journey_schedule_runs')
      .addColumn('journey', 'text', (c) => c.notNull())
      .addColumn('occurrence', bigint, (c) => c.notNull())
      .addColumn('entered', bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('journey_schedule_runs_pk', ['journey', 'occurrence'])
      .execute();
  },
};
