import { randomBytes } from 'node:crypto';
import type { Migration } from './types.ts';

/**
 * A random key per database, for ids Herald derives from customer ids (send idempotency keys,
 * journey entry ids). A bare hash of (journey, customer id, key) links a row back to a customer
 * by hashing guesses, even after `herald forget`; an HMAC under a key only this database holds
 * does not. Created once here, so every run on this database derives the same ids (idempotency
 * holds); it lives in the database, never in herald.yaml or the repository.
 */
export const idKeyTable: Migration = {
  version: 10,
  name: 'id_key',
  async up(trx) {
    await trx.schema
      .createTable('herald_keys')
      .ifNotExists()
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
    await trx
      .insertInto('herald_keys')
      .values({ name: 'ids', value: randomBytes(32).toString('hex') })
      .execute();
  },
};
