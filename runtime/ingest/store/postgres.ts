import type { Transaction } from 'kysely';
import type { DataModel } from '../../../compiler/contract/data-model.ts';
import type { Database } from '../../db/database.ts';
import { upsertBuilder, insertIgnoredBuilder, BARE_CUSTOMER, REJECT_COLUMNS } from './queries.ts';
import { own } from '../../../compiler/contract/core/own.ts';
import { tableColumns, type FileRecord, type IngestStore, type Row, type StoreTx } from './types.ts';

/** PostgreSQL allows 65,535 bound parameters per statement; stay well below. */
const MAX_PARAMS = 30_000;

/** PostgreSQL: multi-row statements through Kysely, one round trip per slice of a batch. */
export function postgresStore(db: Database, model: DataModel): IngestStore {
  const k = db.kysely;
  const cols = tableColumns(model);
  const pick = (row: Row, columns: readonly string[]) => Object.fromEntries(columns.map((c) => [c, own(row, c) ?? null]));

  const txFor = (trx: Transaction<any>): StoreTx => ({
    async unloadFile(source, path, eventSource) {
      await trx.deleteFrom('events').where('source', '=', eventSource).execute();
      await trx.deleteFrom('ingest_rejects').where('source', '=', source).where('file', '=', path).execute();
    },
    async upsertCustomers(rows) {
      for (const slice of slices(rows, cols.customers.length)) {
        await upsertBuilder(
          trx,
          'customers',
          cols.customers,
          cols.customerFields,
          'updated_at',
          slice.map((r) => pick(r, cols.customers)),
        ).execute();
      }
    },
    async insertMissingCustomers(rows) {
      for (const slice of slices(rows, BARE_CUSTOMER.length)) {
        await insertIgnoredBuilder(
          trx,
          'customers',
          slice.map((r) => pick(r, BARE_CUSTOMER)),
        ).execute();
      }
    },
    async insertEvents(rows) {
      const inserted = new Set<string>();
      for (const slice of slices(rows, cols.events.length)) {
        const result = await trx
          .insertInto('events')
          .values(slice.map((r) => pick(r, cols.events)))
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('id')
          .execute();
        for (const r of result) inserted.add(r.id as string);
      }
      // Within one statement a repeated id is inserted once: the first occurrence is the new one.
      return rows.map((r) => {
        const id = r.id as string;
        if (!inserted.has(id)) return false;
        inserted.delete(id);
        return true;
      });
    },
    async upsertItems(rows) {
      for (const slice of slices(rows, cols.items.length)) {
        await upsertBuilder(
          trx,
          'items',
          cols.items,
          cols.itemFields,
          undefined,
          slice.map((r) => pick(r, cols.items)),
        ).execute();
      }
    },
    async insertRejects(rows) {
      for (const slice of slices(rows, REJECT_COLUMNS.length)) {
        await trx
          .insertInto('ingest_rejects')
          .values(slice.map((r) => pick(r as unknown as Row, REJECT_COLUMNS)))
          .execute();
      }
    },
    async recordFile(rec) {
      await trx
        .insertInto('herald_ingested_files')
        .values({ ...rec })
        .onConflict((oc) => oc.columns(['source', 'path']).doUpdateSet({ ...rec }))
        .execute();
    },
    async customerByEmail(field, email) {
      const row = await trx.selectFrom('customers').select('id').where(field, '=', email).limit(1).executeTakeFirst();
      return row?.id as string | undefined;
    },
    async aliases() {
      const rows = await trx.selectFrom('herald_customer_aliases').selectAll().execute();
      return new Map(rows.map((r) => [r.alias as string, r.customer_id as string]));
    },
    async appendRows(table, columns, rows) {
      for (const slice of slices(rows, columns.length))
        await trx
          .insertInto(table)
          .values(slice.map((r) => pick(r, columns)))
          .execute();
    },
    async addAlias(alias, customerId) {
      await trx
        .insertInto('herald_customer_aliases')
        .values({ alias, customer_id: customerId })
        .onConflict((oc) => oc.column('alias').doUpdateSet({ customer_id: customerId }))
        .execute();
    },
  });

  return {
    async fileRecord(source, path) {
      const row = await k
        .selectFrom('herald_ingested_files')
        .selectAll()
        .where('source', '=', source)
        .where('path', '=', path)
        .executeTakeFirst();
      return row ? normalize(row) : undefined;
    },
    async history(source, limit) {
      const rows = await k
        .selectFrom('herald_ingested_files')
        .selectAll()
        .where('source', '=', source)
        .orderBy('path', 'desc')
        .limit(limit)
        .execute();
      return rows.map(normalize).reverse();
    },
    inTransaction(fn) {
      return db.transaction((trx) => fn(txFor(trx)));
    },
    async finish() {},
  };
}

function* slices<T>(rows: T[], columns: number): Generator<T[]> {
  const size = Math.max(1, Math.floor(MAX_PARAMS / columns));
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

function normalize(row: Record<string, unknown>): FileRecord {
  return {
    source: row.source as string,
    path: row.path as string,
    sha256: row.sha256 as string,
    rows: Number(row.rows),
    loaded: Number(row.loaded),
    rejected: Number(row.rejected),
    stats: row.stats as string,
    loaded_at: Number(row.loaded_at),
  };
}
