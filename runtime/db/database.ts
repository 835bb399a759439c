import type { Kysely, Transaction } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';

export type Dialect = 'sqlite' | 'postgres';

/**
 * An open Herald database. Tables are dynamic (their columns come from the workspace's data model),
 * so the Kysely instance is untyped; identifiers still only ever come from the manifest.
 */
export interface Database {
  readonly dialect: Dialect;
  readonly kysely: Kysely<any>;
  /** The raw better-sqlite3 handle on SQLite (bulk loads use prepared statements directly). */
  readonly sqlite?: BetterSqlite3.Database;
  /** A printable description of where the data lives (password redacted). */
  readonly description: string;
  /** Runs `fn` in one transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(fn: (trx: Transaction<any>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Kysely or a transaction of it: everything that runs queries. */
export type Executor = Kysely<any> | Transaction<any>;
