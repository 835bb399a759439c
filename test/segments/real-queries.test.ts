import { beforeEach, expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import { materialize } from '../../runtime/segments/materialize.ts';
import type { Database } from '../../runtime/db/database.ts';
import { buildManifest, schemaFor } from './manifest-builder.ts';
import { DAY, T0, dataModel } from './fixtures.ts';

/** Materialization with queries from the real parser and SQL backend (traits, in_segment, windows). */
const manifest = buildManifest({
  dataModel,
  traits: [
    { name: 'spend', computed: 'sum(purchase.amount within 365d)' },
    { name: 'rfm', rfm: { event: 'purchase', amount: 'amount', windowDays: 365 } },
  ],
  segments: {
    buyers_30d: 'exists(purchase within 30d)',
    big_spenders: 'spend >= 100',
    uk_buyers: 'in_segment(buyers_30d) and country = "UK"',
    consenting_lapsed: 'email_consent and not exists(purchase within 30d) and count(purchase) > 0',
  },
});

forEachDialect('materialization with compiled queries', (ctx) => {
  let db: Database;
  beforeEach(async () => {
    db = await schemaFor(ctx, manifest);
    await db.kysely
      .insertInto('customers')
      .values([
        { id: 'a', country: 'UK', email_consent: ctx.dialect === 'sqlite' ? 1 : true },
        { id: 'b', country: 'FR', email_consent: ctx.dialect === 'sqlite' ? 0 : false },
        { id: 'c', country: 'UK', email_consent: ctx.dialect === 'sqlite' ? 1 : true },
      ])
      .execute();
    const buy = (id: string, customer: string, day: number, amount: number) =>
      db.kysely
        .insertInto('events')
        .values({ id, customer_id: customer, type: 'purchase', at: T0 + day * DAY, amount })
        .execute();
    await buy('p1', 'a', 1, 80);
    await buy('p2', 'a', 25, 40);
    await buy('p3', 'b', 5, 500);
    await buy('p4', 'c', 2, 10);
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

  it('materializes traits and segments (in_segment, windows, two-valued logic) as of two instants', async () => {
    const first = await materialize(db, manifest, T0 + 26 * DAY);
    expect(Object.fromEntries(first.segments.map((s) => [s.segment, s.members]))).toEqual({
      buyers_30d: 3,
      big_spenders: 2,
      uk_buyers: 2,
      consenting_lapsed: 0,
    });
    expect(await members('big_spenders')).toEqual(['a', 'b']);
    const rfm = await db.kysely.selectFrom('trait_rfm').selectAll().orderBy('customer_id').execute();
    expect(rfm.map((r) => r.customer_id)).toEqual(['a', 'b', 'c']);

    const later = await materialize(db, manifest, T0 + 40 * DAY);
    const byName = Object.fromEntries(later.segments.map((s) => [s.segment, s]));
    // Day 40: a's last purchase (day 25) is within 30 days; b's and c's are not.
    expect(await members('buyers_30d')).toEqual(['a']);
    expect(byName.buyers_30d).toMatchObject({ members: 1, entered: 0, exited: 2 });
    expect(await members('uk_buyers')).toEqual(['a']);
    // c consents and has lapsed; b has lapsed but does not consent.
    expect(await members('consenting_lapsed')).toEqual(['c']);
    expect(byName.consenting_lapsed).toMatchObject({ entered: 1, exited: 0 });
  });
});
