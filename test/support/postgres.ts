import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, inject } from 'vitest';
import { openDatabase } from '../../runtime/db/open.ts';
import type { Database, Dialect } from '../../runtime/db/database.ts';

/**
 * The shared PostgreSQL harness for tests. One server per test run (started by
 * test/support/global-setup.ts), and a fresh database per request (CREATE DATABASE with a unique
 * name), dropped when the test file ends.
 */

/** The run's PostgreSQL server URL; throws (failing the test) with the reason it could not start. */
export function postgresServerUrl(): string {
  let provided: ReturnType<typeof inject<'heraldPostgres'>> | undefined;
  try {
    provided = inject('heraldPostgres');
  } catch {
    provided = undefined;
  }
  if (!provided) {
    throw new Error('PostgreSQL tests need the global setup: add test/support/global-setup.ts to globalSetup in vitest.config.ts');
  }
  if ('error' in provided) throw new Error(provided.error);
  return provided.url;
}

/** Creates an empty database on the shared server and returns its URL. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = postgresServerUrl();
  const name = `herald_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(serverUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await withAdmin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** What a suite body gets from `forEachDialect`: fresh databases of one dialect. */
export interface DialectContext {
  readonly dialect: Dialect;
  /** A new, empty database (not migrated), opened; closed and removed when the file ends. */
  fresh(): Promise<Database>;
  /** The URL of a new, empty database (for CLI tests that open it themselves); removed when the file ends. */
  freshUrl(): Promise<string>;
}

export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

/**
 * Runs one suite body on SQLite and on PostgreSQL: `describe("<name> [sqlite]")` and
 * `describe("<name> [postgres]")`. On PostgreSQL every test fails with the server's start-up
 * error if it could not start.
 */
export function forEachDialect(name: string, body: (ctx: DialectContext) => void): void {
  for (const dialect of DIALECTS) {
    describe(`${name} [${dialect}]`, () => {
      const ctx = dialectContext(dialect);
      body(ctx);
    });
  }
}

/** Fresh databases of one dialect, cleaned up in afterAll of the calling describe block. */
export function dialectContext(dialect: Dialect): DialectContext {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });
  const freshUrl = async (): Promise<string> => {
    if (dialect === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'herald-sqlite-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      return `sqlite:${join(dir, 'test.db')}`;
    }
    const created = await createPostgresDatabase();
    cleanups.push(() => created.drop());
    return created.url;
  };
  return {
    dialect,
    freshUrl,
    async fresh() {
      const url = await freshUrl();
      const db = openDatabase(url);
      // Closed before the database is dropped (cleanups run in reverse order).
      cleanups.push(() => db.close());
      return db;
    },
  };
}
