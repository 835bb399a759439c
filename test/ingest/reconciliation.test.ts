import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestWorkspace } from '../../runtime/ingest/index.ts';
import { compile, prepared, tempDir } from './helpers.ts';
import { factsFromCsv, factsFromDatabase, retailFiles, retailWorkspace } from './online-retail.ts';
import { forEachDialect } from '../support/postgres.ts';

/**
 * Reconciliation on a committed subset of the real data (the full set runs in
 * bench/ingest.bench.ts against the README's facts): the raw files' facts, computed with another
 * CSV parser, are reproduced from what Herald loaded plus what it rejected: nothing lost, nothing
 * counted twice. On both databases.
 */
forEachDialect('Online Retail reconciliation', (ctx) => {
  // PostgreSQL round trips cost more on CI's 2 cores: a smaller slice there, the same checks.
  const count = ctx.dialect === 'sqlite' ? 20 : 6;
  const files = retailFiles().slice(0, count);

  it(`reproduces the raw facts of the first ${count} daily files`, async () => {
    const dir = retailWorkspace(tempDir(), files);
    const manifest = compile(dir);
    const db = await prepared(await ctx.freshUrl(), manifest);
    try {
      const summary = await ingestWorkspace({ db, manifest, root: dir, now: () => 0 });
      const expected = factsFromCsv(files.map((f) => join(dir, 'data', 'online-retail', f)));
      expect(expected.lines).toBeGreaterThan(count * 1000);
      const actual = await factsFromDatabase(db);
      expect(actual).toEqual({ ...expected, loaded: expected.lines - actual.rejected, rejected: actual.rejected });
      // The summary tells the same story as the tables.
      expect(summary.totals.rows).toBe(expected.lines);
      expect(summary.totals.accepted).toBe(actual.loaded);
      expect(summary.totals.rejected).toBe(actual.rejected);
      expect(summary.totals.rejectedByReason).toEqual({ duplicate_event: expected.duplicates, missing_customer: expected.withoutCustomer });
      expect(summary.totals.files.loaded).toBe(count);

      // A second run changes nothing and skips every file.
      const again = await ingestWorkspace({ db, manifest, root: dir, now: () => 1 });
      expect(again.totals.files.skipped).toBe(count);
      expect(await factsFromDatabase(db)).toEqual(actual);
    } finally {
      await db.close();
    }
  });
});

describe('Online Retail mapping', () => {
  it('turns cancellations into refunds and postage into adjustments, with ids and times as stored', async () => {
    const files = retailFiles().slice(0, 1);
    const dir = retailWorkspace(tempDir(), files);
    const manifest = compile(dir);
    const db = await prepared(`sqlite:${join(tempDir(), 'one.db')}`, manifest);
    try {
      await ingestWorkspace({ db, manifest, root: dir, now: () => 0 });
      const k = db.kysely;
      // 536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom
      const first = await k
        .selectFrom('events')
        .selectAll()
        .where('invoice', '=', '536365')
        .where('item_id', '=', '85123A')
        .executeTakeFirstOrThrow();
      expect(first).toMatchObject({ customer_id: '17850', type: 'purchase', at: Date.UTC(2010, 11, 1, 8, 26), quantity: 6, price: 2.55 });
      expect(first.amount).toBeCloseTo(15.3, 9);
      const refund = await k
        .selectFrom('events')
        .selectAll()
        .where('invoice', 'like', 'C%')
        .where('type', '=', 'refund')
        .executeTakeFirstOrThrow();
      expect(refund.quantity as number).toBeLessThan(0);
      const postage = await k.selectFrom('events').select(['type']).where('item_id', '=', 'POST').execute();
      expect(postage.length).toBeGreaterThan(0);
      expect(new Set(postage.map((p) => p.type))).toEqual(new Set(['adjustment']));
      expect(await k.selectFrom('items').selectAll().where('id', '=', 'POST').executeTakeFirst()).toBeUndefined();
      const countries = (await k.selectFrom('customers').select('country').distinct().execute()).map((c) => c.country);
      expect(countries).not.toContain('EIRE');
      // The customer's country is standardized on the way in.
      expect(await k.selectFrom('customers').select('country').where('id', '=', '17850').executeTakeFirstOrThrow()).toEqual({
        country: 'United Kingdom',
      });
    } finally {
      await db.close();
    }
  });
});
