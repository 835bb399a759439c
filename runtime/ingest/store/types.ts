import type { DataModel } from '../../../compiler/contract/data-model.ts';

export type Row = Record<string, unknown>;

export interface RejectRow {
  source: string;
  file: string;
  line: number;
  reason: string;
  detail: string | null;
  raw: string | null;
  customer_id: string | null;
}

export interface FileRecord {
  source: string;
  path: string;
  sha256: string;
  rows: number;
  loaded: number;
  rejected: number;
  /** JSON of FileStats (runtime/ingest/monitor.ts). */
  stats: string;
  loaded_at: number;
}

/**
 * What ingestion needs from the database, per dialect. Rows are already coerced to the data
 * model; the store only converts to the dialect's storage (booleans 0/1 on SQLite).
 */
export interface IngestStore {
  fileRecord(source: string, path: string): Promise<FileRecord | undefined>;
  /** The most recent loads of a source (by path, newest last), for the feed norm. */
  history(source: string, limit: number): Promise<FileRecord[]>;
  /** Runs `fn` in one transaction: a file is loaded entirely or not at all. */
  inTransaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Called once when the run is over (loaded or not): undoes what the store set up for it. */
  finish(): Promise<void>;
}

export interface StoreTx {
  /** Removes what an earlier load of this file wrote (its events and its rejects). */
  unloadFile(source: string, path: string, eventSource: string): Promise<void>;
  /** Inserts or updates customers; a null value never overwrites a stored one. Ids are unique. */
  upsertCustomers(rows: Row[]): Promise<void>;
  /** Inserts customers not stored yet (`id`, `updated_at`); a stored one is left as it is. */
  insertMissingCustomers(rows: Row[]): Promise<void>;
  /** Inserts events; returns, per row, whether it was new (false: its id was already there). */
  insertEvents(rows: Row[]): Promise<boolean[]>;
  upsertItems(rows: Row[]): Promise<void>;
  insertRejects(rows: RejectRow[]): Promise<void>;
  recordFile(record: FileRecord): Promise<void>;
  /** The id of the customer stored with this (normalized) e-mail, if any. */
  customerByEmail(emailField: string, email: string): Promise<string | undefined>;
  /** Every alias → customer id recorded by earlier merges. */
  aliases(): Promise<Map<string, string>>;
  addAlias(alias: string, customerId: string): Promise<void>;
  /** Plain inserts into a bookkeeping table written in the same transaction (`herald serve`'s touches). */
  appendRows(table: string, columns: readonly string[], rows: Row[]): Promise<void>;
}

/** The columns ingestion writes, in a fixed order, all taken from the data model. */
export interface TableColumns {
  customers: string[];
  customerFields: string[];
  events: string[];
  items: string[];
  itemFields: string[];
}

export function tableColumns(model: DataModel): TableColumns {
  const customerFields = Object.keys(model.customers.fields)
    .filter((f) => f !== 'id')
    .sort();
  const props = new Set<string>();
  for (const p of Object.values(model.events)) for (const name of Object.keys(p)) props.add(name);
  const itemFields = Object.keys(model.items.fields)
    .filter((f) => f !== 'id')
    .sort();
  return {
    customers: ['id', ...customerFields, 'updated_at'],
    customerFields,
    events: ['id', 'customer_id', 'type', 'at', 'source', ...[...props].sort()],
    items: ['id', ...itemFields],
    itemFields,
  };
}
