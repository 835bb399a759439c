import { beforeEach, expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import { migrate } from '../../runtime/db/migrate.ts';
import { syncSchema } from '../../runtime/db/sync.ts';
import { materialize, MaterializeError } from '../../runtime/segments/materialize.ts';
import type { Database } from '../../runtime/db/database.ts';
import { DAY, T0, dataModel, frequentBuyers, purchasesTrait, recentBuyers } from './fixtures.ts';

const uk = recentBuyers('recent_uk', 'UK', 30);
const plan = { traits: [purchasesTrait()], segments: [uk, frequentBuyers('frequent', 2)] };

async function memberships(db: Database, segment: string) {
  const rows = await db.kysely
    .selectFrom('segment_memberships')
    .select(['customer_id', 'entered_at', 'exited_at'])
    .where('segment', '=', segment)
    .orderBy('customer_id')
    .orderBy('entered_at')
    .execute();
  return rows.map((r) => ({ id: r.customer_id, in: Number(r.entered_at), out: r.exited_at === null ? null : Number(r.exited_at) }));
}

async function purchase(db: Database, id: string, customer: string, day: number) {
  await db.kysely
    .insertInto('events')
    .values({ id, customer_id: customer, type: 'purchase', at: T0 + day * DAY, amount: 10 })
    .execute();
}

forEachDialect('segment materialization', (ctx) => {
  let db: Database;
  beforeEach(async () => {
    db = await ctx.fresh();
    await migrate(db);
    await syncSchema(db, dataModel, [{ name: 'purchases', columns: { value: 'number' } }]);
    await db.kysely
      .insertInto('customers')
      .values([
        { id: 'c1', country: 'UK' },
        { id: 'c2', country: 'FR' },
        { id: 'c3', country: 'UK' },
      ])
      .execute();
    await purchase(db, 'e1', 'c1', 10);
    await purchase(db, 'e2', 'c2', 12);
    await purchase(db, 'e3', 'c3', 40);
  });

  it('records entries at the first run and entries and exits at a later one', async () => {
    const first = await materialize(db, plan, T0 + 20 * DAY);
    expect(first.segments.find((s) => s.segment === 'recent_uk')).toEqual({ segment: 'recent_uk', members: 1, entered: 1, exited: 0 });
    expect(await memberships(db, 'recent_uk')).toEqual([{ id: 'c1', in: T0 + 20 * DAY, out: null }]);

    const second = await materialize(db, plan, T0 + 45 * DAY);
    expect(second.segments.find((s) => s.segment === 'recent_uk')).toEqual({
      segment: 'recent_uk',
      members: 1,
      entered: 1,
      exited: 1,
      previousAsOf: T0 + 20 * DAY,
    });
    expect(await memberships(db, 'recent_uk')).toEqual([
      { id: 'c1', in: T0 + 20 * DAY, out: T0 + 45 * DAY },
      { id: 'c3', in: T0 + 45 * DAY, out: null },
    ]);
  });

  it('is idempotent for the same instant', async () => {
    await materialize(db, plan, T0 + 20 * DAY);
    await materialize(db, plan, T0 + 45 * DAY);
    const before = await memberships(db, 'recent_uk');
    const again = await materialize(db, plan, T0 + 45 * DAY);
    expect(again.segments.map((s) => [s.segment, s.members, s.entered, s.exited])).toEqual([
      ['recent_uk', 1, 0, 0],
      ['frequent', 0, 0, 0],
    ]);
    expect(await memberships(db, 'recent_uk')).toEqual(before);
  });

  it('materializes traits before the segments that read them, as of the same instant', async () => {
    await purchase(db, 'e4', 'c1', 15);
    const early = await materialize(db, plan, T0 + 11 * DAY);
    expect(early.traits).toEqual([{ trait: 'purchases', rows: 3 }]);
    expect(early.segments.find((s) => s.segment === 'frequent')!.members).toBe(0);
    const later = await materialize(db, plan, T0 + 16 * DAY);
    expect(later.segments.find((s) => s.segment === 'frequent')).toMatchObject({ members: 1, entered: 1 });
    const trait = await db.kysely.selectFrom('trait_purchases').selectAll().orderBy('customer_id').execute();
    expect(trait.map((r) => [r.customer_id, Number(r.value)])).toEqual([
      ['c1', 2],
      ['c2', 1],
      ['c3', 0],
    ]);
  });

  it('refuses to go back before the last run, changing nothing', async () => {
    await materialize(db, plan, T0 + 45 * DAY);
    const before = await memberships(db, 'recent_uk');
    await expect(materialize(db, plan, T0 + 30 * DAY)).rejects.toThrow(MaterializeError);
    await expect(materialize(db, plan, T0 + 30 * DAY)).rejects.toThrow(/already materialized as of 2026-02-15T00:00:00.000Z/);
    expect(await memberships(db, 'recent_uk')).toEqual(before);
  });

  it('re-running the same instant after the data changed keeps a clean timeline', async () => {
    await materialize(db, plan, T0 + 20 * DAY);
    await materialize(db, plan, T0 + 45 * DAY);
    // c3 entered at 45; its purchase disappears: the zero-length membership is removed, not closed.
    await db.kysely.deleteFrom('events').where('id', '=', 'e3').execute();
    const gone = await materialize(db, plan, T0 + 45 * DAY);
    expect(gone.segments[0]).toMatchObject({ members: 0, entered: 0, exited: 1 });
    expect(await memberships(db, 'recent_uk')).toEqual([{ id: 'c1', in: T0 + 20 * DAY, out: T0 + 45 * DAY }]);
    // c1 exited at 45; a late purchase brings it back at the same instant: the exit is undone.
    await purchase(db, 'e5', 'c1', 44);
    const back = await materialize(db, plan, T0 + 45 * DAY);
    expect(back.segments[0]).toMatchObject({ members: 1, entered: 1, exited: 0 });
    expect(await memberships(db, 'recent_uk')).toEqual([{ id: 'c1', in: T0 + 20 * DAY, out: null }]);
  });

  it('rolls everything back when one query fails', async () => {
    await materialize(db, plan, T0 + 20 * DAY);
    const broken = recentBuyers('broken', 'UK', 30);
    broken.compiled.sql[ctx.dialect] = { sql: 'select nope from nowhere', parameters: [] };
    await expect(materialize(db, { traits: plan.traits, segments: [...plan.segments, broken] }, T0 + 45 * DAY)).rejects.toThrow();
    expect(await memberships(db, 'recent_uk')).toEqual([{ id: 'c1', in: T0 + 20 * DAY, out: null }]);
    const runs = await db.kysely.selectFrom('segment_runs').select('as_of').execute();
    expect(runs.map((r) => Number(r.as_of))).toEqual([T0 + 20 * DAY, T0 + 20 * DAY]);
  });
});
