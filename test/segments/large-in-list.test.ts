import { beforeEach, expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import { materialize } from '../../runtime/segments/materialize.ts';
import type { Database } from '../../runtime/db/database.ts';
import { buildManifest, schemaFor } from './manifest-builder.ts';
import { DAY, T0, dataModel } from './fixtures.ts';

/**
 * A 40,000-item `in` list (more than SQLite's 32,766 bound variables) is bound as one JSON
 * parameter; it must select exactly what the same rule with only the matching items selects,
 * with the same two-valued meaning (a missing value is never `in`, always `not in`).
 */
const SIZE = 40_000;
const fillers = (f: (i: number) => string) => Array.from({ length: SIZE - 1 }, (_, i) => f(i)).join(', ');
const manifest = buildManifest({
  dataModel,
  traits: [],
  segments: {
    big_uk: `country in ["UK", ${fillers((i) => `"C${i}"`)}]`,
    small_uk: 'country in ["UK"]',
    big_not_uk: `country not in ["UK", ${fillers((i) => `"C${i}"`)}]`,
    small_not_uk: 'country not in ["UK"]',
    big_counts: `count(purchase) in [2, ${fillers((i) => String(1000 + i))}]`,
    small_counts: 'count(purchase) in [2]',
  },
});

forEachDialect('a 40,000-item in list', (ctx) => {
  let db: Database;
  beforeEach(async () => {
    db = await schemaFor(ctx, manifest);
    await db.kysely
      .insertInto('customers')
      .values([
        { id: 'a', country: 'UK' },
        { id: 'b', country: 'FR' },
        { id: 'c', country: 'UK' },
        { id: 'd', country: null },
      ])
      .execute();
    const buy = (id: string, customer: string, day: number) =>
      db.kysely
        .insertInto('events')
        .values({ id, customer_id: customer, type: 'purchase', at: T0 + day * DAY, amount: 1 })
        .execute();
    await buy('p1', 'a', 1);
    await buy('p2', 'a', 2);
    await buy('p3', 'b', 3);
    await buy('p4', 'd', 4);
    await buy('p5', 'd', 5);
  });

  async function members(segment: string): Promise<string[]> {
    const rows = await db.kysely
      .selectFrom('segment_memberships')
      .select('customer_id')
      .where('segment', '=', segment)
      .where('exited_at', 'is', null)
      .orderBy('customer_id')
      .execute();
    return rows.map((r) => String(r.customer_id));
  }

  it('materializes and agrees with the same rule over a short list', async () => {
    await materialize(db, manifest, T0 + 10 * DAY);
    expect(await members('big_uk')).toEqual(['a', 'c']);
    expect(await members('big_uk')).toEqual(await members('small_uk'));
    expect(await members('big_not_uk')).toEqual(await members('small_not_uk'));
    expect(await members('big_not_uk')).toContain('b');
    expect(await members('big_counts')).toEqual(['a', 'd']);
    expect(await members('big_counts')).toEqual(await members('small_counts'));
  }, 60_000);
});
