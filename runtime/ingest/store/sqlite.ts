import type BetterSqlite3 from 'better-sqlite3';
import type { CompiledQuery, Kysely } from 'kysely';
import type { DataModel } from '../../../compiler/contract/data-model.ts';
import type { Database } from '../../db/database.ts';
import { upsertQuery, insertEventsQuery, insertRejectsQuery, insertIgnoredQuery, BARE_CUSTOMER } from './queries.ts';
import { own } from '../../../compiler/contract/core/own.ts';
import { tableColumns, type FileRecord, type IngestStore, type RejectRow, type Row, type StoreTx } from './types.ts';

/**
 * SQLite: statements are built once by Kysely (identifiers from the data model, quoted by Kysely),
 * then run as better-sqlite3 prepared statements row by row, the fastest way into SQLite.
 */
export function sqliteStore(db: Database, model: DataModel): IngestStore {
  const raw = db.sqlite;
  if (!raw) throw new Error('internal: a SQLite database without its raw handle');
  const k = db.kysely;
  const cols = tableColumns(model);
  const prepared = (q: { sql: string }) => raw.prepare(q.sql);
  const stmts = {
    customer: prepared(upsertQuery(k, 'customers', cols.customers, cols.customerFields, 'updated_at')),
    missingCustomer: prepared(insertIgnoredQuery(k, 'customers', BARE_CUSTOMER)),
    event: prepared(insertEventsQuery(k, cols.events, 1)),
    item: prepared(upsertQuery(k, 'items', cols.items, cols.itemFields)),
    reject: prepared(insertRejectsQuery(k, 1)),
  };
  // One parameter array per table, refilled for every row: no garbage per statement.
  const buffers = new Map<string[], unknown[]>();
  const order = (row: Row, columns: string[]) => {
    let params = buffers.get(columns);
    if (!params) buffers.set(columns, (params = new Array(columns.length)));
    // Own values only: a column named `constructor` the row lacks is empty, not Object.
    for (let i = 0; i < columns.length; i++) params[i] = toSqlite(own(row, columns[i]!));
    return params;
  };
  const run = (q: CompiledQuery) => raw.prepare(q.sql).run(...(q.parameters as unknown[]));
  const appendStatements = new Map<string, BetterSqlite3.Statement>();

  const tx: StoreTx = {
    async unloadFile(source, path, eventSource) {
      run(k.deleteFrom('events').where('source', '=', eventSource).compile());
      run(k.deleteFrom('ingest_rejects').where('source', '=', source).where('file', '=', path).compile());
    },
    async upsertCustomers(rows) {
      for (const r of rows) {
        stmts.customer.run(order(r, cols.customers));
      }
    },
    async insertMissingCustomers(rows) {
      for (const r of rows) stmts.missingCustomer.run(order(r, BARE_CUSTOMER));
    },
    async insertEvents(rows) {
      const out: boolean[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        out[i] = stmts.event.run(order(r, cols.events)).changes > 0;
      }
      return out;
    },
    async upsertItems(rows) {
      for (const r of rows) stmts.item.run(order(r, cols.items));
    },
    async insertRejects(rows) {
      for (const r of rows) stmts.reject.run([r.source, r.file, r.line, r.reason, r.detail, r.raw, r.customer_id]);
    },
    async recordFile(rec) {
      const q = k
        .insertInto('herald_ingested_files')
        .values(rec)
        .onConflict((oc) => oc.columns(['source', 'path']).doUpdateSet(rec))
        .compile();
      run(q);
    },
    async customerByEmail(field, email) {
      const q = k.selectFrom('customers').select('id').where(field, '=', email).limit(1).compile();
      const row = raw.prepare(q.sql).get(...(q.parameters as unknown[])) as { id: string } | undefined;
      return row?.id;
    },
    async aliases() {
      const rows = raw.prepare(k.selectFrom('herald_customer_aliases').selectAll().compile().sql).all() as Array<{
        alias: string;
        customer_id: string;
      }>;
      return new Map(rows.map((r) => [r.alias, r.customer_id]));
    },
    async appendRows(table, columns, rows) {
      const key = `${table}\u0000${columns.join('\u0000')}`;
      let stmt = appendStatements.get(key);
      if (!stmt)
        appendStatements.set(
          key,
          (stmt = prepared(
            k
              .insertInto(table)
              .values(Object.fromEntries(columns.map((c) => [c, null])))
              .compile(),
          )),
        );
      for (const r of rows) stmt.run(order(r, columns as string[]));
    },
    async addAlias(alias, customerId) {
      const q = k
        .insertInto('herald_customer_aliases')
        .values({ alias, customer_id: customerId })
        .onConflict((oc) => oc.column('alias').doUpdateSet({ customer_id: customerId }))
        .compile();
      run(q);
    },
  };

  // A run commits once per file. SQLite copies the write-ahead log into the database every 1,000
  // pages by default, with two fsyncs each time: for a few hundred daily files that is most of
  // the time spent committing. During the run it does so every LOAD_CHECKPOINT_PAGES instead
  // (each commit stays as durable as before: a file committed before a power loss is either
  // there afterwards or reloaded whole by the next run), and once more at the end.
  const checkpointPages = Number(raw.pragma('wal_autocheckpoint', { simple: true }));
  const wal = String(raw.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal';
  if (wal) raw.pragma(`wal_autocheckpoint = ${Math.max(checkpointPages, LOAD_CHECKPOINT_PAGES)}`);

  return {
    async finish() {
      if (!wal) return;
      raw.pragma(`wal_autocheckpoint = ${checkpointPages}`);
      raw.pragma('wal_checkpoint(PASSIVE)');
    },
    async fileRecord(source, path) {
      const q = k.selectFrom('herald_ingested_files').selectAll().where('source', '=', source).where('path', '=', path).compile();
      return raw.prepare(q.sql).get(...(q.parameters as unknown[])) as FileRecord | undefined;
    },
    async history(source, limit) {
      return historyQuery(raw, k, source, limit);
    },
    inTransaction(fn) {
      // better-sqlite3 is synchronous; the file is read asynchronously between statements, so the
      // transaction is opened and closed by hand rather than with db.transaction(). It holds
      // Kysely's connection meanwhile: another part of the process (the scheduler of `herald
      // serve`) waits for it instead of running its statements inside this transaction.
      return k.connection().execute(async () => {
        raw.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(tx);
          raw.exec('COMMIT');
          return result;
        } catch (e) {
          if (raw.inTransaction) raw.exec('ROLLBACK');
          throw e;
        }
      });
    },
  };
}

/** Pages of write-ahead log between checkpoints while loading (16,384 pages of 4 KB: 64 MB). */
const LOAD_CHECKPOINT_PAGES = 16_384;

function historyQuery(raw: BetterSqlite3.Database, k: Kysely<any>, source: string, limit: number): FileRecord[] {
  const q = k.selectFrom('herald_ingested_files').selectAll().where('source', '=', source).orderBy('path', 'desc').limit(limit).compile();
  return (raw.prepare(q.sql).all(...(q.parameters as unknown[])) as FileRecord[]).reverse();
}

function toSqlite(value: unknown): unknown {
  if (value === true) return 1;
  if (value === false) return 0;
  return value === undefined ? null : value;
}

export type { RejectRow };
