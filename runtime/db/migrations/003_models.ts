import type { Migration } from './types.ts';
import { columnType } from '../column-types.ts';

/**
 * The model store (runtime/models/store/db-store.ts): every trained version with its metrics and
 * weights, the active version per model, and the latest scores and recommendations per customer.
 * JSON documents (metrics, weights) are stored as text so both dialects read them the same way.
 * Every statement is `if not exists`, so a database whose tables were made before this migration
 * was registered migrates without error.
 */
export const modelTables: Migration = {
  version: 3,
  name: 'models',
  async up(trx, dialect) {
    const bigint = columnType(dialect, 'bigint');
    const double = columnType(dialect, 'double');
    const boolean = columnType(dialect, 'boolean');
    await trx.schema
      .createTable('model_versions')
      .ifNotExists()
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', bigint, (c) => c.notNull())
      .addColumn('spec_hash', 'text', (c) => c.notNull())
      .addColumn('data_fingerprint', 'text', (c) => c.notNull())
      .addColumn('cutoff', bigint, (c) => c.notNull())
      .addColumn('as_of', bigint, (c) => c.notNull())
      .addColumn('passed', boolean, (c) => c.notNull())
      .addColumn('metrics', 'text', (c) => c.notNull())
      .addColumn('baseline', 'text', (c) => c.notNull())
      .addColumn('reasons', 'text', (c) => c.notNull())
      .addColumn('reports', 'text', (c) => c.notNull())
      .addColumn('artifact', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('model_versions_pk', ['model', 'version'])
      .execute();
    await trx.schema
      .createTable('model_active')
      .ifNotExists()
      .addColumn('model', 'text', (c) => c.primaryKey())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await trx.schema
      .createTable('model_scores')
      .ifNotExists()
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('score', double)
      .addColumn('tier', 'text')
      .addColumn('cluster', 'integer')
      .addColumn('version', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('model_scores_pk', ['model', 'customer_id'])
      .execute();
    // score(m) / tier(m) in rules read one customer's row: keyed by customer first as well.
    await trx.schema.createIndex('model_scores_customer').ifNotExists().on('model_scores').columns(['customer_id']).execute();
    await trx.schema
      .createTable('model_recommendations')
      .ifNotExists()
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('rank', 'integer', (c) => c.notNull())
      .addColumn('item_id', 'text', (c) => c.notNull())
      .addColumn('score', double, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('model_recommendations_pk', ['model', 'customer_id', 'rank'])
      .execute();
  },
};
