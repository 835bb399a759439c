import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './database.ts';
import { DatabaseUrlError, parseDatabaseUrl, redactUrl, type DatabaseLocation } from './url.ts';
import { registerSqliteFunctions } from './sqlite-functions.ts';
import { cachingStatements } from './statement-cache.ts';

export interface OpenOptions {
  /** The directory a relative `sqlite:` path is resolved against (the workspace). */
  baseDir?: string;
  /** Pool size on PostgreSQL (default 4). */
  maxConnections?: number;
}

/** Opens (and on SQLite creates, with its folder) the database a URL names. */
export function openDatabase(url: string, options: OpenOptions = {}): Database {
  const location = parseDatabaseUrl(url, options.baseDir ?? process.cwd());
  return openLocation(location, options, redactUrl(url));
}

export function openLocation(location: DatabaseLocation, options: OpenOptions = {}, description?: string): Database {
  return location.dialect === 'sqlite'
    ? openSqlite(location.path, description ?? `sqlite:${location.path}`)
    : openPostgres(location.url, options, description ?? redactUrl(location.url));
}

function openSqlite(path: string, description: string): Database {
  if (path !== ':memory:') {
    // A SQLite database is a regular file: /dev/null or a folder would fail deep inside SQLite.
    const st = statSync(path, { throwIfNoEntry: false });
    if (st && !st.isFile())
      throw new DatabaseUrlError(
        `${path} is ${st.isDirectory() ? 'a folder' : 'not a regular file (a device, pipe or socket)'}; a SQLite database is a file`,
      );
    mkdirSync(dirname(path), { recursive: true });
  }
  const raw = new BetterSqlite3(path);
  // WAL lets readers (explain, plan) run while segments materialize; NORMAL sync is durable
  // across application crashes in WAL mode and much faster than FULL.
  if (path !== ':memory:') raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('temp_store = MEMORY');
  raw.pragma('cache_size = -65536'); // 64 MiB page cache
  // Space a delete or an update frees is zeroed, not left holding the old row: what `herald
  // forget` erases (and values a reload replaced) does not linger in the database file.
  raw.pragma('secure_delete = ON');
  registerSqliteFunctions(raw);
  const kysely = new Kysely<any>({ dialect: new SqliteDialect({ database: cachingStatements(raw) }) });
  return {
    dialect: 'sqlite',
    kysely,
    sqlite: raw,
    description,
    transaction: (fn) => kysely.transaction().execute(fn),
    close: () => kysely.destroy(),
  };
}

/**
 * pg returns BIGINT and NUMERIC as strings (they may exceed 2^53). Herald's BIGINT columns hold
 * epoch milliseconds and counts, which are exact as JavaScript numbers, and NUMERIC appears only
 * as the result of SUM/AVG over numbers, so both are parsed as numbers for this pool only
 * (never by changing pg's global parsers, which other code in the process may rely on).
 */
const PG_INT8 = 20;
const PG_NUMERIC = 1700;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === PG_INT8 || oid === PG_NUMERIC) return (value: string) => (value === null ? null : Number(value));
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

function openPostgres(url: string, options: OpenOptions, description: string): Database {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 4, types: pgTypes });
  // An idle client's error (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const kysely = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  return {
    dialect: 'postgres',
    kysely,
    description,
    transaction: (fn) => kysely.transaction().execute(fn),
    close: () => kysely.destroy(),
  };
}
