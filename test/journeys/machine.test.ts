import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CompiledJourney } from '../../compiler/contract/journey.ts';
import { advance, STEP_LIMIT } from '../../runtime/journeys/machine.ts';
import { bucketOf } from '../../runtime/journeys/assign.ts';
import { DAY, HOUR, T0, advanceThrough, compileJourneys, customer, newEntry } from './machine-support.ts';
import { cartJourneyYaml } from './cart-journey.ts';

const { journeys, rules } = compileJourneys(`${cartJourneyYaml({ split: [45, 45, 10] })}
---
apiVersion: herald/v1
kind: Journey
metadata: { name: morning }
spec:
  entry: { event: page_view }
  steps:
    later: { wait: { for: 1h, at: "09:00" }, next: hello }
    hello: { send: welcome, next: mark }
    mark: { update: { stage: '"greeted"', signup_at: 'last(purchase).at' }, next: exit }
---
apiVersion: herald/v1
kind: Journey
metadata: { name: big_spender }
spec:
  entry: { event: page_view }
  steps:
    watch:
      wait_for: { event: purchase, where: amount > 50, timeout: 7d }
      on_event: thanks
      on_timeout: exit
    thanks: { send: welcome, next: exit }
---
apiVersion: herald/v1
kind: Journey
metadata: { name: nag }
spec:
  entry: { event: page_view }
  steps:
    check:
      branch:
        - { when: 'stage = "done"', next: exit }
        - { when: 'count(page_view within since_entry) >= 3', next: bye }
      else: nudge
    nudge: { send: offer, next: pause }
    pause:
      wait_for: { event: page_view, timeout: 1d }
      on_event: check
      on_timeout: check
    bye: { send: welcome, next: exit }
`);
const cart = journeys.cart!;

describe('the journey state machine', () => {
  it('waits, sends at the step instant, and parks until the horizon allows more', () => {
    const entry = newEntry(cart, 'c1', T0);
    const data = customer('c1', { email_consent: true });
    const first = advance(entry, cart, rules, data, T0 + 30 * 60_000);
    expect(first.sends).toEqual([]);
    expect(entry).toMatchObject({ step: 'wait_1h', phase: 'waiting', stepAt: T0, dueAt: T0 + HOUR });
    const second = advance(entry, cart, rules, data, T0 + 2 * HOUR);
    expect(second.sends).toEqual([{ at: T0 + HOUR, step: 'remind', visitKey: 'remind', template: 'cart_reminder' }]);
    expect(second.wakes).toEqual(['purchase']);
    expect(entry).toMatchObject({ step: 'watch', phase: 'waiting', stepAt: T0 + HOUR, dueAt: T0 + 49 * HOUR });
  });

  it("leaves a wait_for at the event's own time, however late it is looked at", () => {
    const entry = newEntry(cart, 'c1', T0);
    const data = customer('c1', {}, [{ type: 'purchase', at: T0 + 5 * HOUR, item_id: 'x', amount: 3 }]);
    const fx = advance(entry, cart, rules, data, T0 + 30 * DAY);
    expect(fx.sends.map((s) => s.template)).toEqual(['cart_reminder']);
    expect(entry).toMatchObject({ status: 'done', exitedAt: T0 + 5 * HOUR, exitReason: 'completed' });
  });

  it('checks exit_when before every step', () => {
    const entry = newEntry(cart, 'c1', T0);
    const data = customer('c1', {}, [{ type: 'purchase', at: T0 + 10 * 60_000, item_id: 'x', amount: 3 }]);
    const fx = advance(entry, cart, rules, data, T0 + DAY);
    expect(fx.sends).toEqual([]);
    expect(entry).toMatchObject({ status: 'done', exitReason: 'exit_when', exitedAt: T0 + HOUR });
  });

  it('assigns split variants by a hash of the customer, and records the holdout instead of sending', () => {
    const ids = Array.from({ length: 400 }, (_, i) => `c${i}`);
    const outcomes = ids.map((id) => {
      const entry = newEntry(cart, id, T0);
      const fx = advance(entry, cart, rules, customer(id, {}), T0 + 10 * DAY);
      return { id, entry, fx };
    });
    for (const { id, entry, fx } of outcomes) {
      const b = bucketOf('offer_test', id);
      const expected = b < 45 ? 'a' : b < 90 ? 'b' : 'holdout';
      expect(entry.data.variants.offer_test).toBe(expected);
      if (expected === 'holdout') {
        expect(fx.holdouts).toEqual([
          { at: T0 + 49 * HOUR, step: 'offer', visitKey: 'offer', experiment: 'offer_test', template: 'offer' },
        ]);
        expect(fx.sends.map((s) => s.template)).toEqual(['cart_reminder']);
        expect(entry.exitReason).toBe('holdout');
      } else {
        expect(fx.sends.map((s) => s.template)).toEqual(['cart_reminder', expected === 'a' ? 'offer' : 'welcome']);
      }
    }
    const held = outcomes.filter((o) => o.entry.exitReason === 'holdout').length;
    // 10% of 400, give or take the noise of a hash.
    expect(held).toBeGreaterThan(20);
    expect(held).toBeLessThan(65);
  });

  it("waits until a time of day in the customer's own zone, across a change of clocks", () => {
    const morning = journeys.morning!;
    // 2026-03-08 is when New York moves to daylight saving time: 09:00 there is 13:00 UTC, not 14:00.
    const at = Date.UTC(2026, 2, 7, 20, 0);
    const entry = newEntry(morning, 'ny', at);
    const fx = advance(entry, morning, rules, customer('ny', { timezone: 'America/New_York' }), at + 3 * DAY);
    expect(fx.sends).toEqual([{ at: Date.UTC(2026, 2, 8, 13, 0), step: 'hello', visitKey: 'hello', template: 'welcome' }]);
    const london = newEntry(morning, 'ldn', at);
    const fx2 = advance(london, morning, rules, customer('ldn', { timezone: 'Not/AZone' }), at + 3 * DAY);
    // An unknown zone falls back to the workspace's (Europe/London, still on GMT in early March).
    expect(fx2.sends[0]!.at).toBe(Date.UTC(2026, 2, 8, 9, 0));
  });

  it('updates customer fields, and reports a value it cannot store (HL514) without changing the field', () => {
    const morning = journeys.morning!;
    const data = customer('c1', { stage: 'new' });
    const fx = advance(newEntry(morning, 'c1', T0), morning, rules, data, T0 + 3 * DAY);
    expect(fx.updates.map((u) => [u.field, u.value])).toEqual([['stage', 'greeted']]);
    expect(data.fields.stage).toBe('greeted');
    expect(fx.problems).toEqual([
      {
        code: 'HL514',
        severity: 'error',
        journey: 'morning',
        message: 'journey morning, step mark: the new value of signup_at is missing; the field was left unchanged',
      },
    ]);
  });

  it('counts only events that pass a wait_for filter', () => {
    const j = journeys.big_spender!;
    const data = customer('c1', {}, [
      { type: 'purchase', at: T0 + HOUR, item_id: 'a', amount: 20 },
      { type: 'purchase', at: T0 + 2 * DAY, item_id: 'b', amount: 80 },
    ]);
    const fx = advance(newEntry(j, 'c1', T0), j, rules, data, T0 + 30 * DAY);
    expect(fx.sends).toEqual([{ at: T0 + 2 * DAY, step: 'thanks', visitKey: 'thanks', template: 'welcome' }]);
  });

  it('gives each visit of a step in a loop its own send key', () => {
    const j = journeys.nag!;
    const views = [1, 2].map((h) => ({ type: 'page_view', at: T0 + h * HOUR, item_id: 'x' }));
    const fx = advance(
      newEntry(j, 'c1', T0),
      j,
      rules,
      customer('c1', {}, [{ type: 'page_view', at: T0, item_id: 'x' }, ...views]),
      T0 + 10 * DAY,
    );
    expect(fx.sends.map((s) => s.visitKey)).toEqual(['nudge', 'nudge#2', 'bye']);
    expect(fx.sends.map((s) => s.at)).toEqual([T0, T0 + HOUR, T0 + 2 * HOUR]);
  });

  it('stops a loop in which no time passes (HL510), and a step its version lacks (HL511)', () => {
    // The compiler refuses such loops (HL363); a damaged or hand-made version must still not spin.
    const spin: CompiledJourney = {
      ...cart,
      name: 'spin',
      start: 'a',
      exitWhen: undefined,
      steps: { a: { kind: 'send', template: 'offer', next: 'b' }, b: { kind: 'wait', next: 'a' } },
    } as CompiledJourney;
    const entry = newEntry(spin, 'c1', T0);
    const fx = advance(entry, spin, rules, customer('c1', {}), T0);
    expect(entry.exitReason).toBe('step_limit');
    expect(fx.sends.length).toBe(STEP_LIMIT / 2);
    expect(fx.problems.map((p) => p.code)).toEqual(['HL510']);
    expect(fx.problems[0]!.message).toBe(
      `journey spin: a customer went through ${STEP_LIMIT} steps at 2026-01-05T10:00:00.000Z without time passing (at step a); they were taken out of the journey`,
    );

    const broken = newEntry(cart, 'c1', T0);
    broken.step = 'gone';
    const fx2 = advance(broken, cart, rules, customer('c1', {}), T0);
    expect(fx2.problems).toEqual([
      { code: 'HL511', severity: 'error', journey: 'cart', message: 'journey cart version v1 has no step "gone"' },
    ]);
    expect(broken.exitReason).toBe('error');
  });

  it('decides the same, however the run slices the clock (property)', () => {
    const event = fc.record({
      type: fc.constantFrom('purchase', 'page_view'),
      at: fc.integer({ min: 0, max: 12 * DAY }).map((d) => T0 + d),
      amount: fc.integer({ min: 1, max: 100 }),
    });
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: 14 * DAY }), { maxLength: 12 }),
        fc.constantFrom('cart', 'big_spender', 'nag'),
        (events, cuts, name) => {
          const j = journeys[name]!;
          const data = () =>
            customer(
              'c7',
              { stage: 'x' },
              events.map((e) => ({ ...e, item_id: 'i' })),
            );
          const end = T0 + 15 * DAY;
          const once = advanceThrough(newEntry(j, 'c7', T0), j, rules, data(), [end]);
          const sliced = advanceThrough(newEntry(j, 'c7', T0), j, rules, data(), [...cuts.map((c) => T0 + c).sort((a, b) => a - b), end]);
          expect(sliced.sends).toEqual(once.sends);
          expect(sliced.holdouts).toEqual(once.holdouts);
          expect(sliced.history).toEqual(once.history);
        },
      ),
      { numRuns: 150 },
    );
  });
});
