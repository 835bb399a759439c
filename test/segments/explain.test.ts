import { beforeEach, expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import { materialize } from '../../runtime/segments/materialize.ts';
import { explainCustomer, type ExplainedClause } from '../../runtime/segments/explain.ts';
import { UnknownCustomerError } from '../../runtime/segments/customer-context.ts';
import type { Database } from '../../runtime/db/database.ts';
import { printRule } from '../../compiler/dsl/print.ts';
import { buildManifest, schemaFor } from './manifest-builder.ts';
import { DAY, T0, dataModel } from './fixtures.ts';

const manifest = buildManifest({
  dataModel,
  traits: [
    { name: 'spend', computed: 'sum(purchase.amount within 365d)' },
    { name: 'greeting', computed: 'lower(first_name)' },
    { name: 'loud_greeting', computed: 'upper(greeting)' },
  ],
  segments: {
    greeted: 'loud_greeting = "ADA" and spend > 0',
    recent: 'exists(purchase within 30d)',
    example_mail: 'email contains "@example.test" and email_consent',
    vip: 'spend >= 100 and (country = "UK" or country = "FR") and not in_segment(recent)',
  },
});

/** Every leaf clause as `text -> holds`, with the operand values as shown. */
function leaves(c: ExplainedClause): Array<{ text: string; holds: boolean; values: unknown[] }> {
  if (c.children) return c.children.flatMap(leaves);
  return [{ text: printRule(c.expr), holds: c.holds, values: (c.operands ?? []).map((o) => (o.shown.masked ? 'MASKED' : o.shown.value)) }];
}

forEachDialect('explain', (ctx) => {
  let db: Database;
  beforeEach(async () => {
    db = await schemaFor(ctx, manifest);
    await db.kysely
      .insertInto('customers')
      .values({
        id: 'c1',
        email: 'ada@example.test',
        first_name: 'Ada',
        country: 'UK',
        email_consent: ctx.dialect === 'sqlite' ? 1 : true,
      })
      .execute();
    await db.kysely
      .insertInto('events')
      .values([
        { id: 'p1', customer_id: 'c1', type: 'purchase', at: T0 + 1 * DAY, amount: 70 },
        { id: 'p2', customer_id: 'c1', type: 'purchase', at: T0 + 50 * DAY, amount: 60 },
      ])
      .execute();
    await materialize(db, manifest, T0 + 60 * DAY);
  });

  it('explains every segment clause by clause with the values, beside the stored membership', async () => {
    const e = await explainCustomer(db, manifest, 'c1', { asOf: T0 + 60 * DAY });
    const vip = e.segments.find((s) => s.segment === 'vip')!;
    expect(vip.member).toBe(false);
    expect(vip.stored).toBeUndefined();
    expect(vip.rule.connective).toBe('and');
    expect(leaves(vip.rule)).toEqual([
      { text: 'spend >= 100', holds: true, values: [130] },
      { text: 'country = "UK"', holds: true, values: ['UK'] },
      { text: 'country = "FR"', holds: false, values: ['UK'] },
      { text: 'in_segment(recent)', holds: true, values: [] },
    ]);
    const recent = e.segments.find((s) => s.segment === 'recent')!;
    expect(recent).toMatchObject({ member: true, stored: { enteredAt: T0 + 60 * DAY } });
  });

  it('masks personal data unless asked', async () => {
    const masked = await explainCustomer(db, manifest, 'c1', { asOf: T0 + 60 * DAY });
    const mail = masked.segments.find((s) => s.segment === 'example_mail')!;
    expect(mail.member).toBe(true);
    expect(leaves(mail.rule)).toEqual([
      { text: 'email contains "@example.test"', holds: true, values: ['MASKED'] },
      { text: 'email_consent', holds: true, values: [true] },
    ]);
    expect(JSON.stringify(masked)).not.toContain('ada@');
    // Traits computed from personal data are personal data too, however many steps away.
    const greeted = masked.segments.find((s) => s.segment === 'greeted')!;
    expect(greeted.member).toBe(true);
    expect(leaves(greeted.rule)).toEqual([
      { text: 'loud_greeting = "ADA"', holds: true, values: ['MASKED'] },
      { text: 'spend > 0', holds: true, values: [130] },
    ]);
    const shownValues = JSON.stringify(masked.segments.map((s) => leaves(s.rule).map((l) => l.values)));
    expect(shownValues).not.toMatch(/ada/i);
    const shown = await explainCustomer(db, manifest, 'c1', { asOf: T0 + 60 * DAY, showPii: true });
    expect(leaves(shown.segments.find((s) => s.segment === 'example_mail')!.rule)[0]!.values).toEqual(['ada@example.test']);
  });

  it('evaluates traits as of another instant without touching the stored trait tables', async () => {
    const early = await explainCustomer(db, manifest, 'c1', { asOf: T0 + 10 * DAY, segments: ['vip'] });
    expect(leaves(early.segments[0]!.rule)[0]).toEqual({ text: 'spend >= 100', holds: false, values: [70] });
    const stored = await db.kysely.selectFrom('trait_spend').selectAll().execute();
    expect(stored.map((r) => Number(r.value))).toEqual([130]);
  });

  it('names an unknown customer', async () => {
    await expect(explainCustomer(db, manifest, 'nobody', { asOf: T0 })).rejects.toThrow(UnknownCustomerError);
    await expect(explainCustomer(db, manifest, 'nobody', { asOf: T0 })).rejects.toThrow('no customer "nobody" in the database');
  });
});
