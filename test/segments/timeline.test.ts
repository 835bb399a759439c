import { expect, it } from 'vitest';
import fc from 'fast-check';
import { forEachDialect } from '../support/postgres.ts';
import { materialize } from '../../runtime/segments/materialize.ts';
import { runCompiled } from '../../runtime/db/compiled.ts';
import type { Database } from '../../runtime/db/database.ts';
import { buildManifest, schemaFor } from './manifest-builder.ts';
import { DAY, T0, dataModel } from './fixtures.ts';

/**
 * Property: whatever the sequence of runs (instants moving forward, sometimes repeated) and of data
 * changes between them (purchases added and removed), after every run the open memberships are
 * exactly the segment's query result at that instant, and each customer's memberships form a clean
 * timeline: no overlaps, every closed membership lasted (entered_at < exited_at).
 */
const manifest = buildManifest({
  dataModel,
  segments: { recent: 'exists(purchase within 10d)', regular: 'count(purchase within 30d) >= 2' },
});
const segments = Object.values(manifest.definitions).map((d) => d.name);
const CUSTOMERS = ['a', 'b', 'c', 'd'];

type Step = { kind: 'add'; customer: string; day: number } | { kind: 'remove'; index: number } | { kind: 'run'; advance: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), customer: fc.constantFrom(...CUSTOMERS), day: fc.integer({ min: 0, max: 60 }) }),
  fc.record({ kind: fc.constant('remove' as const), index: fc.nat() }),
  fc.record({ kind: fc.constant('run' as const), advance: fc.constantFrom(0, 0, 1, 3, 7, 15) }),
);

async function check(db: Database, steps: Step[]): Promise<void> {
  await db.kysely.deleteFrom('segment_memberships').execute();
  await db.kysely.deleteFrom('segment_runs').execute();
  await db.kysely.deleteFrom('events').execute();
  let now = T0;
  let next = 0;
  const live: string[] = [];
  for (const s of steps) {
    if (s.kind === 'add') {
      const id = `e${next++}`;
      live.push(id);
      await db.kysely
        .insertInto('events')
        .values({ id, customer_id: s.customer, type: 'purchase', at: T0 + s.day * DAY, amount: 1 })
        .execute();
    } else if (s.kind === 'remove') {
      if (live.length === 0) continue;
      const [id] = live.splice(s.index % live.length, 1);
      await db.kysely.deleteFrom('events').where('id', '=', id!).execute();
    } else {
      now += s.advance * DAY;
      await materialize(db, manifest, now);
      for (const name of segments) {
        const def = manifest.definitions[`Segment/${name}`]!;
        const query = (def.compiled as { sql: Record<string, { sql: string; parameters: [] }> }).sql[db.dialect]!;
        const { rows } = await runCompiled<{ customer_id: string }>(db.kysely, db.dialect, query, { as_of: now });
        const open = await db.kysely
          .selectFrom('segment_memberships')
          .select('customer_id')
          .where('segment', '=', name)
          .where('exited_at', 'is', null)
          .execute();
        expect(open.map((r) => r.customer_id).sort()).toEqual(rows.map((r) => r.customer_id).sort());
      }
    }
  }
  const all = await db.kysely
    .selectFrom('segment_memberships')
    .selectAll()
    .orderBy('segment')
    .orderBy('customer_id')
    .orderBy('entered_at')
    .execute();
  for (let i = 0; i < all.length; i++) {
    const m = all[i]!;
    if (m.exited_at !== null) expect(Number(m.entered_at)).toBeLessThan(Number(m.exited_at));
    const prev = all[i - 1];
    if (prev && prev.segment === m.segment && prev.customer_id === m.customer_id) {
      expect(prev.exited_at).not.toBeNull();
      expect(Number(prev.exited_at)).toBeLessThanOrEqual(Number(m.entered_at));
    }
  }
}

forEachDialect('membership timeline (property)', (ctx) => {
  it('open memberships equal the query result after every run, and timelines never overlap', async () => {
    const db = await schemaFor(ctx, manifest);
    await db.kysely
      .insertInto('customers')
      .values(CUSTOMERS.map((id) => ({ id })))
      .execute();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => check(db, steps)),
      { numRuns: ctx.dialect === 'sqlite' ? 60 : 25 },
    );
  });
});
