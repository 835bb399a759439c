import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { forEachDialect } from '../support/postgres.ts';
import { migrate, SchemaVersionError } from '../../runtime/db/migrate.ts';
import { MIGRATIONS } from '../../runtime/db/migrations/index.ts';
import type { Database } from '../../runtime/db/database.ts';

async function tableNames(db: Database): Promise<string[]> {
  const tables = await db.kysely.introspection.getTables();
  return tables.map((t) => t.name).sort();
}

forEachDialect('migrations', (ctx) => {
  it('creates the core tables on a fresh database and records every version', async () => {
    const db = await ctx.fresh();
    const result = await migrate(db);
    expect(result.applied.map((a) => a.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await tableNames(db)).toEqual(
      expect.arrayContaining([
        'customers',
        'events',
        'items',
        'segment_memberships',
        'segment_runs',
        'herald_migrations',
        'herald_columns',
      ]),
    );
    const recorded = await db.kysely.selectFrom('herald_migrations').select(['version', 'name']).orderBy('version').execute();
    expect(recorded.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('is idempotent: a second run applies nothing and changes nothing', async () => {
    const db = await ctx.fresh();
    await migrate(db);
    const before = await tableNames(db);
    const again = await migrate(db);
    expect(again.applied).toEqual([]);
    expect(again.version).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    expect(await tableNames(db)).toEqual(before);
  });

  it('creates the indexes the generated queries rely on', async () => {
    const db = await ctx.fresh();
    await migrate(db);
    const indexes =
      db.dialect === 'sqlite'
        ? (await sql<{ name: string }>`select name from sqlite_master where type = 'index'`.execute(db.kysely)).rows.map((r) => r.name)
        : (
            await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema()`.execute(db.kysely)
          ).rows.map((r) => r.name);
    expect(indexes).toEqual(
      expect.arrayContaining(['events_customer_type_at', 'events_type_at', 'events_engagement', 'segment_memberships_open']),
    );
  });

  it('enforces the memberships key (segment, customer_id, entered_at)', async () => {
    const db = await ctx.fresh();
    await migrate(db);
    const row = { segment: 'vip', customer_id: 'c1', entered_at: 1000, exited_at: null };
    await db.kysely.insertInto('segment_memberships').values(row).execute();
    await expect(db.kysely.insertInto('segment_memberships').values(row).execute()).rejects.toThrow();
    // The same customer may enter again later: a new row with a later entered_at.
    await db.kysely
      .insertInto('segment_memberships')
      .values({ ...row, entered_at: 2000 })
      .execute();
  });

  it('rolls back a failing migration entirely', async () => {
    const db = await ctx.fresh();
    await migrate(db);
    const broken = [
      ...MIGRATIONS,
      {
        version: 999,
        name: 'broken',
        async up(trx: Parameters<(typeof MIGRATIONS)[number]['up']>[0]) {
          await trx.schema.createTable('half_done').addColumn('x', 'text').execute();
          throw new Error('boom');
        },
      },
    ];
    await expect(migrate(db, broken)).rejects.toThrow('boom');
    expect(await tableNames(db)).not.toContain('half_done');
    const versions = await db.kysely.selectFrom('herald_migrations').select('version').execute();
    expect(versions.map((v) => Number(v.version))).not.toContain(999);
  });

  it('refuses a database migrated by a newer Herald', async () => {
    const db = await ctx.fresh();
    await migrate(db);
    await db.kysely.insertInto('herald_migrations').values({ version: 9999, name: 'future', applied_at: 0 }).execute();
    await expect(migrate(db)).rejects.toThrow(SchemaVersionError);
    await expect(migrate(db)).rejects.toThrow(/schema version 9999/);
  });
});
