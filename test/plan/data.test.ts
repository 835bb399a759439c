import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { forEachDialect } from '../support/postgres.ts';
import { runCli } from '../pipeline/run-cli.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import type { Database } from '../../runtime/db/database.ts';
import { createRepo, replaceOnce, type TestRepo } from './support/repo.ts';
import { planJson, QUIET_ENV } from './support/plan-run.ts';

const AS_OF_MS = Date.UTC(2026, 2, 1);
const DAY = 86_400_000;

/**
 * The data part on both dialects: a changed trait is recomputed as of the plan's instant into
 * temporary copies (the stored trait table is neither read for the change nor written), and a
 * field the head adds is given a column only inside the plan's rolled-back session.
 */
forEachDialect('plan data on a real database', (ctx) => {
  let repo: TestRepo;
  let url: string;

  beforeAll(async () => {
    repo = createRepo();
    url = await ctx.freshUrl();
    expect((await runCli(['ingest', repo.dir, '--db', url], repo.root, QUIET_ENV)).code).toBe(0);
    // Materialized a week earlier: the stored trait values are stale for the plan's instant.
    expect((await runCli(['segments', repo.dir, '--db', url, '--as-of', '2026-02-22'], repo.root, QUIET_ENV)).code).toBe(0);
  });
  afterAll(() => repo?.remove());

  it('a trait window widened: both sides computed as of the plan, equal to direct SQL, the stored table untouched', async () => {
    const stored = await withDb(url, traitRows);
    repo.edit('segments/markets.yaml', (t) => replaceOnce(t, 'sum(purchase.amount within 30d)', 'sum(purchase.amount within 60d)'));
    const { doc } = await planJson([repo.dir, '--base', 'HEAD', '--db', url, '--as-of', '2026-03-01'], repo.root);
    expect(doc.definitions.map((d) => [d.key, d.change])).toEqual([
      ['Segment/recent_spenders', 'affected'],
      ['Trait/spend_30d', 'changed'],
    ]);
    const s = doc.segments.find((x) => x.name === 'recent_spenders')!;
    const [before, after] = await withDb(url, async (db) => [await spenders(db, 30), await spenders(db, 60)]);
    expect(before.length).toBeLessThan(after.length);
    expect({ before: s.before, after: s.after, entered: s.entered, left: s.left }).toEqual({
      before: before.length,
      after: after.length,
      entered: after.filter((id) => !before.includes(id)).length,
      left: before.filter((id) => !after.includes(id)).length,
    });
    expect(await withDb(url, traitRows)).toEqual(stored);
  });

  it('a field the head adds: counted as empty, with a note, and no column left behind', async () => {
    repo.edit('herald.yaml', (t) => replaceOnce(t, '      timezone: string\n', '      timezone: string\n      vip: boolean\n'));
    repo.write('segments/vip.yaml', 'apiVersion: herald/v1\nkind: Segment\nmetadata: { name: vips }\nspec: { live: true, where: vip }\n');
    const { doc } = await planJson([repo.dir, '--base', 'HEAD', '--db', url, '--as-of', '2026-03-01'], repo.root);
    expect(doc.segments.find((s) => s.name === 'vips')).toMatchObject({ change: 'added', before: null, after: 0, entered: 0 });
    expect(doc.notes.find((n) => n.code === 'HL556')).toMatchObject({
      severity: 'info',
      message: expect.stringContaining('customers.vip'),
    });
    expect(await withDb(url, (db) => columnsOf(db, 'customers'))).not.toContain('vip');
  });
});

async function withDb<T>(url: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = openDatabase(url);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Customers whose purchases in the `days` before the plan's instant sum over 50. */
async function spenders(db: Database, days: number): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('events')
    .select('customer_id')
    .where('type', '=', 'purchase')
    .where('at', '>=', AS_OF_MS - days * DAY)
    .where('at', '<=', AS_OF_MS)
    .groupBy('customer_id')
    .having((eb) => eb.fn.sum('amount'), '>', 50)
    .execute();
  return rows.map((r) => String(r.customer_id)).sort();
}

async function traitRows(db: Database): Promise<Array<{ customer_id: string; value: number | null }>> {
  const rows = await db.kysely.selectFrom('trait_spend_30d').selectAll().orderBy('customer_id').execute();
  return rows.map((r) => ({ customer_id: String(r.customer_id), value: r.value === null ? null : Number(r.value) }));
}

async function columnsOf(db: Database, table: string): Promise<string[]> {
  if (db.dialect === 'sqlite') {
    const { rows } = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db.kysely);
    return rows.map((r) => r.name);
  }
  const { rows } = await sql<{
    column_name: string;
  }>`select column_name from information_schema.columns where table_name = ${table}`.execute(db.kysely);
  return rows.map((r) => r.column_name);
}
