import type { Migration } from './types.ts';
import { columnType } from '../column-types.ts';

/**
 * The recipient's side (runtime/recipient/): which subscription topics a customer left on the
 * preferences page. A row means "left this topic from `at` on"; re-joining deletes it (the
 * `email_unsubscribed` / `email_resubscribed` events keep the history). Delivery's gates read it
 * when a send goes out, so leaving a topic stops sends already queued.
 */
export const recipientTables: Migration = {
  version: 7,
  name: 'recipient',
  async up(trx, dialect) {
    const bigint = columnType(dialect, 'bigint');
    await trx.schema
      .createTable('recipient_topic_optouts')
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('topic', 'text', (c) => c.notNull())
      .addColumn('at', bigint, (c) => c.notNull())
      .addColumn('source', 'text')
      .addPrimaryKeyConstraint('recipient_topic_optouts_pk', ['customer_id', 'topic'])
      .execute();
  },
};
