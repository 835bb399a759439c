import type { Migration } from './types.ts';
import { columnType } from '../column-types.ts';

/**
 * `herald serve`'s hand-over from event intake to the scheduler: one row per (customer, event type)
 * an intake commit touched, with the earliest event time of that commit. Intake writes it in the
 * same transaction as the events; a scheduler (any replica) reads it to react at once: events timed
 * before the run clock reopen the journeys they start and wake the entries waiting for them, and
 * the touched customers are re-evaluated for the segments that start journeys. Rows are deleted
 * once handled; handling twice is harmless (every step it drives is idempotent).
 */
export const serveTables: Migration = {
  version: 6,
  name: 'serve',
  async up(trx, dialect) {
    const bigint = columnType(dialect, 'bigint');
    await trx.schema
      .createTable('serve_touches')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      // The earliest event time of this type for the customer in the commit (event clock).
      .addColumn('at', bigint, (c) => c.notNull())
      // When the commit happened (wall clock): the start of the event-to-send latency.
      .addColumn('received_at', bigint, (c) => c.notNull())
      .execute();
    await trx.schema.createIndex('serve_touches_received').on('serve_touches').columns(['received_at']).execute();
  },
};
