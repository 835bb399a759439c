/**
 * `days_since(t) <op> N` (and `between`) is compiled as a comparison of t with a bound instant (see
 * compiler/sql/days-since-bound.ts). Near the boundary, a millisecond either way decides
 * membership: customers are placed at every millisecond around as_of - N days, for fractional,
 * negative and awkward N, and SQLite, PostgreSQL and the evaluator must agree on each of them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSegmentQuery } from '../../compiler/sql/index.ts';
import { daysSinceBound } from '../../compiler/sql/days-since-bound.ts';
import { rootContext } from '../../compiler/sql/context.ts';
import { DIALECTS } from '../../compiler/sql/dialect.ts';
import type { BinaryExpr } from '../../compiler/contract/core/ast.ts';
import type { DataModel } from '../../compiler/contract/data-model.ts';
import { forEachDialect } from '../support/postgres.ts';
import { AS_OF, type GenData } from './agreement/generators.ts';
import { evaluatorSide, loadDatabase, membersJs, runQuery, schemaOf } from './agreement/harness.ts';
import { rule } from './golden/model.ts';

const DAY = 86_400_000;
const dataModel: DataModel = {
  customers: { fields: { signup_at: { type: 'timestamp' } }, mergeByEmail: false },
  events: {},
  items: { fields: {} },
};
const model = { dataModel, traits: [] };
const schema = schemaOf(model);

const LIMITS = [0, 1, 7, 30, 89.9, 90, 0.1, 1 / 3, 2.5, -1, -0.75, 365.25, 1e-9, 12345.678, 1e5];
const OPS = ['<', '<=', '>', '>='] as const;

/** Customers at every millisecond from 3 before to 3 after as_of - N days, and one with no signup. */
function customersAround(limits: readonly number[]): GenData['customers'] {
  const customers: GenData['customers'] = [{ id: 'none', signup_at: null }];
  for (const [i, n] of limits.entries()) {
    const edge = AS_OF - Math.round(n * DAY);
    for (let d = -3; d <= 3; d++) customers.push({ id: `n${i}_${d + 3}`, signup_at: edge + d });
  }
  return customers;
}

function rulesFor(limits: readonly number[]) {
  const compared = limits.flatMap((n) => OPS.flatMap((op) => [`days_since(signup_at) ${op} ${n}`, `${n} ${op} days_since(signup_at)`]));
  const between = limits.flatMap((n, i) =>
    limits.slice(i).flatMap((m) => [`days_since(signup_at) between ${n} and ${m}`, `days_since(signup_at) not between ${m} and ${n}`]),
  );
  return [...compared, ...between];
}

describe('days_since bound', () => {
  it('is used for the usual limits, and not for limits whose boundary cannot be proven', () => {
    const ctx = rootContext(DIALECTS.sqlite, { schema });
    const bound = (text: string) => daysSinceBound(rule(text) as BinaryExpr, ctx);
    expect(bound('days_since(signup_at) <= 30')).toMatchObject({ op: '>=', boundMs: 30 * DAY });
    expect(bound('days_since(signup_at) > 90')).toMatchObject({ op: '<', boundMs: 90 * DAY });
    expect(bound('days_since(signup_at) < 90')).toMatchObject({ op: '>=', boundMs: 90 * DAY - 1 });
    expect(bound('7 >= days_since(signup_at)')).toMatchObject({ op: '>=', boundMs: 7 * DAY });
    expect(bound('days_since(signup_at) <= 1e300')).toBeUndefined();
    expect(bound('days_since(signup_at) = 3')).toBeUndefined();
    // Only a stored instant (whole milliseconds by construction), not an expression over one.
    expect(bound('days_since(signup_at + 12h) <= 3')).toBeUndefined();
  });
});

forEachDialect('days_since bound on a real database', (ctx) => {
  it('selects the same customers as the evaluator at every millisecond around the boundary', async () => {
    const db = await ctx.fresh();
    let first = true;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.oneof(fc.constantFrom(...LIMITS), fc.double({ min: -400, max: 400, noNaN: true }), fc.integer({ min: -1000, max: 1000 })),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        async (limits) => {
          const data = { customers: customersAround(limits), events: [] };
          await loadDatabase(db, model, data, first);
          first = false;
          const rules = rulesFor(limits).map(rule);
          const js = membersJs(schema, {}, rules, evaluatorSide(model, data).contexts);
          for (const [i, r] of rules.entries()) {
            const rows = await runQuery(db, compileSegmentQuery(r, ctx.dialect, { schema }));
            expect(rows.map((row) => String(row.customer_id)).sort(), rulesFor(limits)[i]).toEqual(js[i]);
          }
        },
      ),
      { numRuns: 25 },
    );
    await db.close();
  });
});
