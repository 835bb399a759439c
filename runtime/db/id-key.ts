import type { Kysely } from 'kysely';

/** The database's key for ids derived from customer ids (migration 010), read once per connection. */
const cache = new WeakMap<object, Buffer>();

export class MissingIdKeyError extends Error {}

export async function loadIdKey(db: Kysely<any>): Promise<Buffer> {
  const cached = cache.get(db);
  if (cached) return cached;
  const row = await db.selectFrom('herald_keys').select('value').where('name', '=', 'ids').executeTakeFirst();
  if (!row) throw new MissingIdKeyError('the database has no id key: run `herald migrate` (or any command that migrates) first');
  const key = Buffer.from(String(row.value), 'hex');
  cache.set(db, key);
  return key;
}
