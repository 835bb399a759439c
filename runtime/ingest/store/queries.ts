import type { Kysely } from 'kysely';

/**
 * Statement builders shared by both dialects. Identifiers come only from the data model and are
 * quoted by Kysely; every value is a bound parameter. Built with null placeholders they compile to
 * one `?`/`$n` per column, in column order, which the SQLite store prepares once.
 */
export function upsertQuery(k: Kysely<any>, table: string, columns: string[], mergeable: string[], always?: string) {
  return upsertBuilder(k, table, columns, mergeable, always, [placeholders(columns)]).compile();
}

export function upsertBuilder(
  k: Kysely<any>,
  table: string,
  columns: string[],
  mergeable: string[],
  always: string | undefined,
  rows: Array<Record<string, unknown>>,
) {
  const insert = k.insertInto(table).values(rows);
  if (mergeable.length === 0 && always === undefined) return insert.onConflict((oc) => oc.column('id').doNothing());
  return insert.onConflict((oc) =>
    oc.column('id').doUpdateSet((eb) => {
      // A later row updates the profile, but a missing value never erases a known one.
      const set: Record<string, unknown> = {};
      for (const c of mergeable) set[c] = eb.fn.coalesce(eb.ref(`excluded.${c}`), eb.ref(`${table}.${c}`));
      if (always !== undefined) set[always] = eb.ref(`excluded.${always}`);
      return set as never;
    }),
  );
}

export function insertEventsQuery(k: Kysely<any>, columns: string[], rows: number) {
  return insertIgnoredBuilder(
    k,
    'events',
    Array.from({ length: rows }, () => placeholders(columns)),
  ).compile();
}

/** The columns of a customer known only by id (an event's customer without a profile). */
export const BARE_CUSTOMER = ['id', 'updated_at'];

export function insertIgnoredQuery(k: Kysely<any>, table: string, columns: string[]) {
  return insertIgnoredBuilder(k, table, [placeholders(columns)]).compile();
}

/** Inserts rows whose id is not stored yet; a stored row is left untouched. */
export function insertIgnoredBuilder(k: Kysely<any>, table: string, rows: Array<Record<string, unknown>>) {
  return k
    .insertInto(table)
    .values(rows)
    .onConflict((oc) => oc.column('id').doNothing());
}

export const REJECT_COLUMNS = ['source', 'file', 'line', 'reason', 'detail', 'raw', 'customer_id'] as const;

export function insertRejectsQuery(k: Kysely<any>, rows: number) {
  return k
    .insertInto('ingest_rejects')
    .values(Array.from({ length: rows }, () => placeholders([...REJECT_COLUMNS])))
    .compile();
}

function placeholders(columns: readonly string[]): Record<string, null> {
  return Object.fromEntries(columns.map((c) => [c, null]));
}
