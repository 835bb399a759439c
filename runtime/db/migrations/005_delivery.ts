import type { Migration } from './types.ts';
import { columnType } from '../column-types.ts';

/**
 * The delivery outbox and the suppression list (runtime/delivery/). One outbox row per idempotency
 * key: the primary key is what makes a second insert of the same send a no-op and a re-run of a
 * window harmless. Times are epoch milliseconds on the run's clock, except `claimed_at`, which is
 * wall-clock time (a lease must expire in real time even when the run's clock is simulated).
 */
export const deliveryTables: Migration = {
  version: 5,
  name: 'delivery',
  async up(trx, dialect) {
    const bigint = columnType(dialect, 'bigint');
    await trx.schema
      .createTable('delivery_outbox')
      .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('origin_kind', 'text', (c) => c.notNull())
      .addColumn('origin_name', 'text', (c) => c.notNull())
      .addColumn('origin_version', 'text', (c) => c.notNull())
      .addColumn('step', 'text')
      .addColumn('variant', 'text')
      .addColumn('experiment', 'text')
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('entry_id', 'text')
      .addColumn('template', 'text', (c) => c.notNull())
      .addColumn('due_at', bigint, (c) => c.notNull())
      .addColumn('next_attempt_at', bigint, (c) => c.notNull())
      .addColumn('expires_at', bigint)
      .addColumn('per_hour_limit', 'integer')
      .addColumn('quiet_hours', 'text')
      // The render context's `journey` block, as JSON text (both dialects read it the same way).
      .addColumn('journey_context', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('claimed_by', 'text')
      .addColumn('claimed_at', bigint)
      // For `sending` rows: the instant the send was decided, so frequency caps and rate limits
      // count it before it is recorded as sent.
      .addColumn('sent_at', bigint)
      .addColumn('reason', 'text')
      .addColumn('detail', 'text')
      .execute();
    // The worker's claim query: due rows by status and time.
    await trx.schema.createIndex('delivery_outbox_due').on('delivery_outbox').columns(['status', 'next_attempt_at']).execute();
    // The frequency cap: one customer's sends in a day.
    await trx.schema.createIndex('delivery_outbox_customer').on('delivery_outbox').columns(['customer_id', 'sent_at']).execute();
    // Rate limits and reports: one journey's or campaign's sends in a window.
    await trx.schema
      .createIndex('delivery_outbox_origin')
      .on('delivery_outbox')
      .columns(['origin_kind', 'origin_name', 'sent_at'])
      .execute();
    // Engagement events and unsubscribe links name a message by its Message-ID.
    await trx.schema.createIndex('delivery_outbox_message').unique().on('delivery_outbox').column('message_id').execute();

    // Who may not be emailed, and since when: unsubscribes, hard bounces, complaints, manual additions.
    await trx.schema
      .createTable('delivery_suppressions')
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('at', bigint, (c) => c.notNull())
      .addColumn('source', 'text')
      .addPrimaryKeyConstraint('delivery_suppressions_pk', ['customer_id', 'reason'])
      .execute();
  },
};
