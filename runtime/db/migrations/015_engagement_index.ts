import { sql } from 'kysely';
import type { Migration } from './types.ts';
import { columnType, storageOfField } from '../column-types.ts';

/**
 * An index for what `herald report` and the dashboard read most: each message's first delivery,
 * open, click and unsubscribe (`min(at)` grouped by event type and message). Covering the machine
 * flag as well, the database answers that from the index alone; without it a report on a million
 * engagement events looked every row up and sorted them for the grouping, most of the report's time.
 *
 * `message_id` and `machine` are properties of the engagement events every workspace's data model
 * holds (compiler/contract/email-events.ts), so the columns are created here, typed and recorded
 * in `herald_columns` as the data-model sync would, when the sync has not created them yet.
 */
const ENGAGEMENT_COLUMNS: ReadonlyArray<[column: string, fieldType: string]> = [
  ['message_id', 'string'],
  ['machine', 'boolean'],
];

export const engagementIndex: Migration = {
  version: 15,
  name: 'engagement_index',
  async up(trx, dialect) {
    const recorded = await trx.selectFrom('herald_columns').select('column_name').where('table_name', '=', 'events').execute();
    const present = new Set(recorded.map((r) => String(r.column_name)));
    for (const [column, fieldType] of ENGAGEMENT_COLUMNS) {
      if (present.has(column)) continue;
      const storage = storageOfField(fieldType);
      await trx.schema.alterTable('events').addColumn(column, columnType(dialect, storage)).execute();
      await trx
        .insertInto('herald_columns')
        .values({ table_name: 'events', column_name: column, field_type: fieldType, storage })
        .execute();
    }
    // Partial: purchases, page views and other events without a message cost it nothing on ingest.
    await trx.schema
      .createIndex('events_engagement')
      .ifNotExists()
      .on('events')
      .columns(['type', 'message_id', 'at', 'machine'])
      .where(sql.ref('message_id'), 'is not', null)
      .execute();
  },
};
