import type { Database } from '../db/database.ts';
import { loadIdKey } from '../db/id-key.ts';
import { forgetHash } from './forgotten.ts';
import { ensureIngestTables } from './store/tables.ts';

export interface ForgetResult {
  /** The ids erased: the customer and every id merged into it. */
  ids: number;
  /** Rows deleted per table. */
  deleted: Record<string, number>;
  /** The audit row's keyed hash of the customer id (forgotten.ts). */
  customerHash: string;
  /** Every id erased (the customer and the ids merged into it), for erasing files named by them. */
  customerIds: string[];
  /** The idempotency keys of their sends, read before the outbox rows went: dry-run files are named by them. */
  sendKeys: string[];
}

/**
 * Erases a customer everywhere, in one transaction: every row of every table with a `customer_id`
 * column (events, memberships, traits, scores, journey state, rejects, whatever later features add)
 * for the customer and the ids merged into it, the profile, and the aliases. Writes one audit row
 * (an HMAC of the id under the database's key, time, counts per table) and nothing of the data itself. Later loads reject the
 * customer's rows as `forgotten_customer`, so a reloaded file does not bring them back.
 * Returns undefined when no such customer (nor any row of theirs) exists.
 */
export async function forgetCustomer(db: Database, customerId: string, now: () => number = Date.now): Promise<ForgetResult | undefined> {
  await ensureIngestTables(db);
  const idKey = await loadIdKey(db.kysely);
  const tables = await db.kysely.introspection.getTables();
  const withCustomer = tables
    .filter((t) => !t.isView && t.columns.some((c) => c.name === 'customer_id') && t.name !== 'herald_customer_aliases')
    .map((t) => t.name)
    .sort();
  const result = await db.transaction(async (trx) => {
    const aliasRows = await trx.selectFrom('herald_customer_aliases').select('alias').where('customer_id', '=', customerId).execute();
    const ids = [customerId, ...aliasRows.map((r) => r.alias as string)];
    const deleted: Record<string, number> = {};
    const sendKeys = withCustomer.includes('delivery_outbox')
      ? (await trx.selectFrom('delivery_outbox').select('idempotency_key').where('customer_id', 'in', ids).execute()).map((r) =>
          String(r.idempotency_key),
        )
      : [];
    for (const table of withCustomer) {
      const r = await trx.deleteFrom(table).where('customer_id', 'in', ids).executeTakeFirst();
      const n = Number(r.numDeletedRows);
      if (n > 0) deleted[table] = n;
    }
    const customers = Number((await trx.deleteFrom('customers').where('id', 'in', ids).executeTakeFirst()).numDeletedRows);
    if (customers > 0) deleted.customers = customers;
    const aliases = Number(
      (
        await trx
          .deleteFrom('herald_customer_aliases')
          .where((eb) => eb.or([eb('customer_id', '=', customerId), eb('alias', 'in', ids)]))
          .executeTakeFirst()
      ).numDeletedRows,
    );
    if (aliases > 0) deleted.herald_customer_aliases = aliases;
    if (Object.keys(deleted).length === 0) return undefined;
    const hashes = ids.map((id) => forgetHash(id, idKey));
    for (const hash of hashes) {
      await trx
        .insertInto('herald_forget_log')
        .values({ customer_hash: hash, forgotten_at: now(), counts: JSON.stringify(deleted) })
        .execute();
    }
    return { ids: ids.length, deleted, customerHash: hashes[0]!, customerIds: ids, sendKeys };
  });
  // SQLite zeroes what a delete frees (secure_delete, runtime/db/open.ts), but the WAL still holds
  // the pages as they were: emptied now, so only the zeroed pages remain.
  if (result && db.sqlite) db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  return result;
}
