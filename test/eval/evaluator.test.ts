import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRule } from '../../compiler/dsl/parse.ts';
import type { Expr } from '../../compiler/contract/core/ast.ts';
import type { RuleSchema } from '../../compiler/contract/core/rule-paths.ts';
import type { EvalContext, EventRecord } from '../../runtime/eval/context.ts';
import { compileRowMapping, compileRule, evaluate, evaluateValue } from '../../runtime/eval/rule.ts';
import { createSegmentSet } from '../../runtime/eval/segments.ts';
import { explainClause } from '../../runtime/segments/explain.ts';
import { compareStrings } from '../../runtime/eval/values.ts';
import * as b from '../support/ast-builders.ts';

const DAY = 86_400_000;
const AS_OF = Date.UTC(2026, 0, 15, 12);

const schema: RuleSchema = {
  dataModel: {
    customers: {
      fields: {
        country: { type: 'string' },
        consent: { type: 'boolean' },
        signup_at: { type: 'timestamp' },
        ltv: { type: 'number' },
        age: { type: 'integer' },
      },
      mergeByEmail: false,
    },
    events: { purchase: { amount: { type: 'number' }, item: { type: 'string' } } },
    items: { fields: {} },
  },
  traits: { rfm: [{ name: 'monetary', type: 'number' }], stage: [{ name: 'value', type: 'string' }] },
};

function r(text: string): Expr {
  const parsed = parseRule(text);
  if (!parsed.ok) throw new Error(`does not parse: ${text}`);
  return parsed.ast;
}

function ctx(customer: Record<string, unknown>, events: Array<Partial<EventRecord>> = [], extra: Partial<EvalContext> = {}): EvalContext {
  const full = events.map((e, i) => ({ id: `e${i}`, type: 'purchase', at: AS_OF, ...e }) as EventRecord);
  return { asOf: AS_OF, customer: { id: 'c1', ...customer }, events: full, ...extra };
}

const holds = (rule: string, c: EvalContext) => evaluate(r(rule), c, schema);
const value = (rule: string, c: EvalContext) => evaluateValue(r(rule), c, schema);

describe('two-valued logic', () => {
  const missing = ctx({});
  it.each([
    ['country = "UK"', false],
    ['country != "UK"', true],
    ['not (country = "UK")', true],
    ['country < "M"', false],
    ['not (ltv > 1)', true],
    ['country in ["UK", null]', false],
    ['country not in ["UK"]', true],
    ['ltv between 1 and 2', false],
    ['ltv not between 1 and 2', true],
    ['country is null', true],
    ['country starts with ""', false],
    ['consent', false],
    ['not consent', true],
    ['consent = false', false],
  ])('%s is %s for a customer with no values', (rule, expected) => {
    expect(holds(rule, missing)).toBe(expected);
  });

  it('missing propagates through arithmetic and division by zero is missing', () => {
    expect(value('ltv + 1', missing)).toBeNull();
    expect(value('ltv / 0', ctx({ ltv: 5 }))).toBeNull();
    expect(value('ltv / 2', ctx({ ltv: 5 }))).toBe(2.5);
    expect(value('-ltv', ctx({ ltv: 5 }))).toBe(-5);
  });
});

describe('values as the databases store them', () => {
  it('reads SQLite 0/1 booleans and PostgreSQL BIGINT strings', () => {
    expect(holds('consent', ctx({ consent: 1 }))).toBe(true);
    expect(holds('consent = false', ctx({ consent: 0 }))).toBe(true);
    expect(value('signup_at', ctx({ signup_at: String(AS_OF) }))).toBe(AS_OF);
    expect(value('signup_at', ctx({ signup_at: new Date(AS_OF) }))).toBe(AS_OF);
    expect(value('age + 1', ctx({ age: '41' }))).toBe(42);
  });

  it('reads timestamp literals as UTC, with or without an offset', () => {
    expect(value('2026-01-15', ctx({}))).toBe(Date.UTC(2026, 0, 15));
    expect(evaluateValue(b.ts('2026-01-15T12:00'), ctx({}), schema)).toBe(AS_OF);
    expect(value('2026-01-15T13:00+01:00', ctx({}))).toBe(AS_OF);
  });
});

describe('strings', () => {
  it('orders by code point like UTF-8 bytes (SQLite BINARY, PostgreSQL COLLATE "C")', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (x, y) => {
        expect(Math.sign(compareStrings(x, y))).toBe(Math.sign(Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8'))));
      }),
      { numRuns: 1000 },
    );
    // The case plain `<` gets wrong: an astral character sorts after U+FFFD.
    expect(holds('country > "\uFFFD"', ctx({ country: '😀' }))).toBe(true);
  });

  it('matches literally and case-sensitively', () => {
    const c = ctx({ country: 'a_%b' });
    expect(holds('country starts with "a_%"', c)).toBe(true);
    expect(holds('country contains "_%"', c)).toBe(true);
    expect(holds('country contains "A"', c)).toBe(false);
    expect(holds('lower(country) = "straße"', ctx({ country: 'STRAßE' }))).toBe(true);
    expect(value('upper(country)', ctx({ country: 'straße' }))).toBe('STRASSE');
    expect(value('country + "!"', ctx({ country: 'hi' }))).toBe('hi!');
  });
});

describe('event aggregates', () => {
  const events = [
    { at: AS_OF - 30 * DAY, amount: 10 },
    { at: AS_OF - 30 * DAY - 1, amount: 100 },
    { at: AS_OF, amount: 1 },
    { at: AS_OF + 1, amount: 1000 },
    { at: AS_OF - DAY, amount: null },
  ];
  const c = ctx({}, events);

  it('windows include both edges and nothing after as_of exists', () => {
    expect(value('count(purchase within 30d)', c)).toBe(3);
    expect(value('sum(purchase.amount within 30d)', c)).toBe(11);
    expect(value('count(purchase)', c)).toBe(4);
    expect(value('max(purchase.amount)', c)).toBe(100);
  });

  it('`within next` starts after as_of', () => {
    expect(value('count(purchase within next 1d)', c)).toBe(1);
  });

  it('count of none is 0, sum 0, avg/min/max missing, exists false', () => {
    const none = ctx({});
    expect(value('count(purchase)', none)).toBe(0);
    expect(value('sum(purchase.amount)', none)).toBe(0);
    expect(value('avg(purchase.amount)', none)).toBeNull();
    expect(value('min(purchase.amount)', none)).toBeNull();
    expect(holds('exists(purchase)', none)).toBe(false);
    expect(value('last(purchase).at', none)).toBeNull();
  });

  it('avg skips missing values; where filters on event properties', () => {
    expect(value('avg(purchase.amount within 30d)', c)).toBe(5.5);
    expect(value('count(purchase where amount > 5)', c)).toBe(2);
  });

  it('first/last break ties in time by event id', () => {
    const tied = ctx({}, [
      { id: 'b', at: AS_OF - DAY, item: 'B' },
      { id: 'a', at: AS_OF - DAY, item: 'A' },
      { id: 'c', at: AS_OF - 2 * DAY, item: 'C' },
    ]);
    expect(value('last(purchase).item', tied)).toBe('B');
    expect(value('first(purchase).item', tied)).toBe('C');
    expect(value('days_since(last(purchase).at)', tied)).toBe(1);
  });

  it('`within since_entry` counts from the journey entry', () => {
    const e = b.agg('count', 'purchase', { window: b.sinceEntry() });
    expect(evaluateValue(e, { ...ctx({}, events), entryAt: AS_OF - DAY }, schema)).toBe(2);
    expect(evaluateValue(e, { ...ctx({}, events), entryAt: AS_OF }, schema)).toBe(1);
  });
});

describe('functions, traits and segments', () => {
  it('round halves away from zero, like the SQL', () => {
    expect(value('round(2.5)', ctx({}))).toBe(3);
    expect(value('round(-2.5)', ctx({}))).toBe(-3);
    expect(value('round(1.25, 1)', ctx({}))).toBe(1.3);
    expect(value('abs(-3)', ctx({}))).toBe(3);
    expect(value('coalesce(ltv, 7)', ctx({}))).toBe(7);
    expect(value('if(consent, "yes", "no")', ctx({}))).toBe('no');
  });

  it('reads traits, scores and tiers', () => {
    const c = ctx({}, [], {
      traits: { rfm: { monetary: 4 }, stage: { value: 'lapsed' } },
      scores: { churn: 0.8 },
      tiers: { churn: 'high' },
    });
    expect(holds('rfm.monetary >= 4 and stage = "lapsed"', c)).toBe(true);
    expect(holds('score(churn) > 0.5 and tier(churn) = "high"', c)).toBe(true);
    expect(value('score(other)', c)).toBeNull();
  });

  it('in_segment evaluates the other segment on the same customer, and reports cycles', () => {
    const set = createSegmentSet({ uk: r('country = "UK"'), uk_consent: r('in_segment(uk) and consent') }, schema);
    expect(set.memberships(ctx({ country: 'UK', consent: true }))).toEqual(['uk', 'uk_consent']);
    expect(set.memberships(ctx({ country: 'UK', consent: false }))).toEqual(['uk']);
    const loop = createSegmentSet({ a: r('in_segment(b)'), b: r('in_segment(a)') }, schema);
    expect(() => loop.isMember('a', ctx({}))).toThrow(/cycle/);
  });

  it('compiles once and evaluates many customers', () => {
    const rule = compileRule(r('country = "UK" and ltv > 10'), schema);
    const customers = [ctx({ country: 'UK', ltv: 20 }), ctx({ country: 'UK', ltv: 5 }), ctx({ country: 'FR', ltv: 20 })];
    expect(customers.map((c) => rule.test(c))).toEqual([true, false, false]);
  });
});

describe('row mode (source mappings)', () => {
  it('reads raw columns, treats empty cells as missing and text as numbers where needed', () => {
    const row = { InvoiceNo: 'C536379', Quantity: '-1', UnitPrice: '2.5', CustomerID: '' };
    expect(compileRowMapping(r('Quantity * UnitPrice'))(row)).toBe(-2.5);
    expect(compileRowMapping(r('if(InvoiceNo starts with "C", "refund", "purchase")'))(row)).toBe('refund');
    expect(compileRowMapping(r('CustomerID is null'))(row)).toBe(true);
    expect(compileRowMapping(r('Quantity + 1'))(row)).toBe(0);
    expect(compileRowMapping(r('Quantity < 0'))(row)).toBe(true);
  });
});

describe('explain', () => {
  it('splits a rule into clauses with the values they compared', () => {
    const c = ctx({ country: 'UK', ltv: 5 }, [{ at: AS_OF - DAY, amount: 3 }]);
    const explained = explainClause(r('country = "UK" and ltv > 10 and count(purchase within 7d) >= 1'), c, schema, {
      pii: new Set(),
      showPii: false,
    });
    expect(explained.holds).toBe(false);
    expect(explained.connective).toBe('and');
    expect(explained.children!.map((ch) => ch.holds)).toEqual([true, false, true]);
    expect(explained.children!.map((ch) => ch.operands!.map((o) => (o.shown.masked ? 'MASKED' : o.shown.value)))).toEqual([
      ['UK'],
      [5],
      [1],
    ]);
  });
});
