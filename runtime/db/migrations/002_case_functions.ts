import { sql, type Transaction } from 'kysely';
import type { Migration } from './types.ts';

/**
 * `herald_lower(text)` / `herald_upper(text)` on PostgreSQL: full Unicode case mapping, as
 * JavaScript's toLowerCase()/toUpperCase() do (`ß` → `SS`, final sigma, `İ` → `i̇`), whatever the
 * database's own locale is, so the SQL backend and the JavaScript evaluator agree. PostgreSQL 18's
 * built-in `pg_unicode_fast` collation does exactly that; older servers fall back to ICU's root
 * collation (also full mapping), and without ICU to the server's default (documented limitation).
 * On SQLite the same names are JavaScript functions registered on every connection
 * (runtime/db/sqlite-functions.ts), so this migration does nothing there.
 */
export const caseFunctions: Migration = {
  version: 2,
  name: 'case_functions',
  async up(trx, dialect) {
    if (dialect !== 'postgres') return;
    const collation = await pickCollation(trx);
    const collate = collation ? ` collate ${collation}` : '';
    for (const fn of ['lower', 'upper'] as const) {
      // Fixed text: the function and collation names come from this file, never from input.
      await sql
        .raw(
          `create or replace function herald_${fn}(value text) returns text ` +
            `language sql immutable strict parallel safe ` +
            `as $$ select ${fn}(value${collate}) $$`,
        )
        .execute(trx);
    }
  },
};

async function pickCollation(trx: Transaction<any>): Promise<string | undefined> {
  const { rows } = await sql<{ collname: string }>`
    select collname from pg_collation where collname in ('pg_unicode_fast', 'und-x-icu')`.execute(trx);
  const names = new Set(rows.map((r) => r.collname));
  if (names.has('pg_unicode_fast')) return 'pg_unicode_fast';
  if (names.has('und-x-icu')) return '"und-x-icu"';
  return undefined;
}
