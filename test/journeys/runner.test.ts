import { expect, it } from 'vitest';
import { forEachDialect } from '../support/postgres.ts';
import { RunBackInTimeError } from '../../runtime/journeys/index.ts';
import { compileOrThrow, fixtureWorkspace } from './support.ts';
import { at, outbox, prepare, run } from './run-support.ts';
import { cartJourneyYaml } from './cart-journey.ts';

const CART = cartJourneyYaml({ oncePer: '7d', split: [50, 40, 10] });

const customers = Array.from({ length: 30 }, (_, i) => ({
  id: `c${i}`,
  email: `c${i}@example.test`,
  email_consent: i % 7 !== 3,
  timezone: 'Europe/London',
}));
const events = customers.flatMap((c, i) => {
  const t = at('2026-01-05T08:00Z') + i * 3_600_000 * 5;
  const out = [{ customer: c.id, type: 'added_to_cart', at: t, properties: { item_id: 'A1', price: 2 } }];
  if (i % 3 === 0)
    out.push({
      customer: c.id,
      type: 'purchase',
      at: t + (i % 2 ? 30 * 60_000 : 20 * 3_600_000),
      properties: { item_id: 'A1', amount: 2 } as never,
    });
  return out;
});
const manifest = compileOrThrow(fixtureWorkspace({ 'journeys.yaml': CART }));
const FROM = at('2026-01-05T00:00Z');
const UNTIL = at('2026-01-20T00:00Z');

forEachDialect('journey runner', (ctx) => {
  it('re-running a window, or running it in two parts, sends nothing twice and misses nothing', async () => {
    const whole = await ctx.fresh();
    await prepare(whole, manifest, { customers, events });
    const first = await run(whole, manifest, { from: FROM, until: UNTIL });
    const expected = await outbox(whole);
    expect(first.transport.messages.size).toBe(expected.filter((r) => r.status === 'sent').length);
    expect(expected.filter((r) => r.status === 'suppressed' && r.reason === 'no_consent').length).toBeGreaterThan(0);
    // The same window again: nothing new is decided or sent.
    const again = await run(whole, manifest, { from: FROM, until: UNTIL });
    expect(again.transport.messages.size).toBe(0);
    expect(await outbox(whole)).toEqual(expected);

    const parts = await ctx.fresh();
    await prepare(parts, manifest, { customers, events });
    await run(parts, manifest, { from: FROM, until: at('2026-01-09T13:17Z') });
    await run(parts, manifest, { until: UNTIL });
    expect(await outbox(parts)).toEqual(expected);
  });

  it('decides the same sends at every resolution of the clock', async () => {
    const results = [];
    for (const resolutionMs of [0, 3_600_000, 7 * 86_400_000]) {
      const db = await ctx.fresh();
      await prepare(db, manifest, { customers, events });
      await run(db, manifest, { from: FROM, until: UNTIL, resolutionMs });
      results.push((await outbox(db)).map(({ status, ...r }) => ({ ...r, decided: status !== 'queued' })));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('refuses to go back before the run clock (HL512)', async () => {
    const db = await ctx.fresh();
    await prepare(db, manifest, { customers, events });
    await run(db, manifest, { from: FROM, until: UNTIL });
    const back = run(db, manifest, { until: at('2026-01-10T00:00Z') });
    await expect(back).rejects.toBeInstanceOf(RunBackInTimeError);
    await expect(back).rejects.toThrow(
      'journeys in this database have already run up to 2026-01-20T00:00:00.000Z, after --until 2026-01-10T00:00:00.000Z; run with a later --until (or a fresh database)',
    );
  });

  it('keeps customers on the version they entered with when the journey changes', async () => {
    const db = await ctx.fresh();
    const early = customers.slice(0, 2).map((c) => ({ ...c, email_consent: true }));
    const late = [{ id: 'n1', email: 'n1@example.test', email_consent: true, timezone: 'Europe/London' }];
    await prepare(db, manifest, {
      customers: [...early, ...late],
      events: [
        ...early.map((c) => ({
          customer: c.id,
          type: 'added_to_cart',
          at: at('2026-01-05T10:00Z'),
          properties: { item_id: 'A1', price: 2 },
        })),
        { customer: 'n1', type: 'added_to_cart', at: at('2026-01-06T10:00Z'), properties: { item_id: 'A1', price: 2 } },
      ],
    });
    await run(db, manifest, { from: FROM, until: at('2026-01-05T10:30Z') });
    // v2: a longer first wait and another reminder template.
    const v2 = compileOrThrow(
      fixtureWorkspace({ 'journeys.yaml': CART.replace('wait: 1h', 'wait: 5h').replace('send: cart_reminder', 'send: welcome') }),
    );
    await run(db, v2, { until: UNTIL });
    const rows = await outbox(db);
    const reminders = rows
      .filter((r) => r.key && ['c0', 'c1', 'n1'].includes(r.customer))
      .filter((r) => r.template === 'cart_reminder' || r.template === 'welcome');
    const firstOf = (id: string) => reminders.filter((r) => r.customer === id).sort((a, b) => a.dueAt - b.dueAt)[0]!;
    expect(firstOf('c0')).toMatchObject({ template: 'cart_reminder', dueAt: at('2026-01-05T11:00Z') });
    expect(firstOf('c1')).toMatchObject({ template: 'cart_reminder', dueAt: at('2026-01-05T11:00Z') });
    expect(firstOf('n1')).toMatchObject({ template: 'welcome', dueAt: at('2026-01-06T15:00Z') });
    expect(firstOf('c0').version).not.toBe(firstOf('n1').version);
    const versions = await db.kysely.selectFrom('journey_versions').select(['journey', 'version']).orderBy('registered_at').execute();
    expect(versions.map((v) => v.version)).toEqual([firstOf('c0').version, firstOf('n1').version]);
  });

  it('ends the entries of a journey removed from the workspace (HL513)', async () => {
    const db = await ctx.fresh();
    await prepare(db, manifest, { customers, events });
    await run(db, manifest, { from: FROM, until: at('2026-01-06T00:00Z') });
    const active = await db.kysely.selectFrom('journey_entries').select('id').where('status', '=', 'active').execute();
    expect(active.length).toBeGreaterThan(0);
    const without = compileOrThrow(fixtureWorkspace({}));
    const { summary } = await run(db, without, { until: UNTIL });
    expect(summary.exited.cart?.journey_removed).toBe(active.length);
    expect(summary.problems).toEqual([
      {
        code: 'HL513',
        severity: 'warning',
        journey: 'cart',
        message: `journey cart is no longer in the workspace: ${active.length} customers inside it left (exit reason journey_removed)`,
      },
    ]);
    expect(await db.kysely.selectFrom('journey_entries').select('id').where('status', '=', 'active').execute()).toEqual([]);
  });
});
