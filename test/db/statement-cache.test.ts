import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { cachingStatements } from '../../runtime/db/statement-cache.ts';

/** Kysely over a better-sqlite3 handle whose prepare() calls are counted. */
function counted(): { kysely: Kysely<any>; prepared: string[] } {
  const raw = new BetterSqlite3(':memory:');
  const prepared: string[] = [];
  const prepare = raw.prepare.bind(raw);
  raw.prepare = ((text: string) => {
    prepared.push(text);
    return prepare(text);
  }) as typeof raw.prepare;
  return { kysely: new Kysely<any>({ dialect: new SqliteDialect({ database: cachingStatements(raw) }) }), prepared };
}

describe('SQLite statements kept prepared', () => {
  it('prepares a query once however often it runs, with its own parameters each time, and sees schema changes', async () => {
    const { kysely, prepared } = counted();
    await sql`create table t (id integer primary key, name text)`.execute(kysely);
    for (let i = 0; i < 50; i++)
      await kysely
        .insertInto('t')
        .values({ id: i, name: `n${i}` })
        .execute();
    const byId = (id: number) => kysely.selectFrom('t').selectAll().where('id', '=', id).executeTakeFirst();
    for (let i = 0; i < 50; i += 7) expect(await byId(i)).toEqual({ id: i, name: `n${i}` });
    expect(prepared.filter((q) => q.startsWith('insert'))).toHaveLength(1);
    expect(prepared.filter((q) => q.startsWith('select'))).toHaveLength(1);
    // A column added later is in the rows the kept statement returns.
    await sql`alter table t add column extra text`.execute(kysely);
    expect(await byId(7)).toEqual({ id: 7, name: 'n7', extra: null });
    await kysely.destroy();
  });

  it('keeps at most 500 statements: the least recently used is prepared again', async () => {
    const { kysely, prepared } = counted();
    const distinct = (n: number) => sql`select ${sql.raw(String(n))} as v`.execute(kysely);
    for (let n = 0; n < 501; n++) await distinct(n);
    const before = prepared.length;
    await distinct(500); // kept
    expect(prepared.length).toBe(before);
    await distinct(0); // the oldest, dropped when the 501st came
    expect(prepared.length).toBe(before + 1);
    await kysely.destroy();
  });
});
