/**
 * fast-check generators for the three-way agreement test: a random data model, customers (missing
 * values, unicode strings, boundary numbers), events (empty histories, events exactly on window
 * edges and after as_of, ties in time) and random well-typed rules over that model.
 *
 * Field names encode their type (n_ number, i_ integer, s_ string, b_ boolean, t_ timestamp) so
 * one database can be re-used across generated models: columns only ever get added.
 */
import fc from 'fast-check';
import type { DataModel, FieldType } from '../../../compiler/contract/data-model.ts';
import type { AggregateFn, DurationUnit, EventWindow, Expr } from '../../../compiler/contract/core/ast.ts';
import type { TraitPlan } from '../../../compiler/contract/compiled-sql.ts';
import type { EventRecord } from '../../../runtime/eval/context.ts';
import * as b from '../../support/ast-builders.ts';

export const AS_OF = Date.UTC(2026, 0, 15, 12, 0, 0);
const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface GenModel {
  dataModel: DataModel;
  customerFields: Array<{ name: string; type: FieldType }>;
  events: Record<string, Array<{ name: string; type: FieldType }>>;
  traits: TraitPlan[];
}

const PREFIX: Record<string, FieldType> = { n: 'number', i: 'integer', s: 'string', b: 'boolean', t: 'timestamp' };

const fieldArb = fc.record({ prefix: fc.constantFrom('n', 'i', 's', 'b', 't'), index: fc.integer({ min: 1, max: 3 }) });

/** Names shared by several event types have one type (as validation enforces): the prefix. */
const eventPropsArb = fc.uniqueArray(fc.record({ prefix: fc.constantFrom('n', 's', 'i'), index: fc.integer({ min: 1, max: 2 }) }), {
  maxLength: 3,
  selector: (f) => `${f.prefix}${f.index}`,
});

export const modelArb: fc.Arbitrary<GenModel> = fc
  .record({
    fields: fc.uniqueArray(fieldArb, { minLength: 1, maxLength: 6, selector: (f) => `${f.prefix}${f.index}` }),
    events: fc.uniqueArray(fc.record({ name: fc.constantFrom('purchase', 'visit', 'cart'), props: eventPropsArb }), {
      minLength: 1,
      maxLength: 3,
      selector: (e) => e.name,
    }),
    // email_unsubscribed (which subscribed() reads) declared with its `topic`, without it, or not at all.
    unsubscribes: fc.constantFrom('with-topic', 'without-topic', 'none'),
  })
  .map(({ fields, events, unsubscribes }) => {
    const customerFields = fields.map((f) => ({ name: `${f.prefix}_${f.index}`, type: PREFIX[f.prefix]! }));
    const eventDefs: GenModel['events'] = {};
    for (const e of events) {
      // Events always carry a number and a string property so aggregates have something to read.
      const props = [{ prefix: 'n', index: 9 }, { prefix: 's', index: 9 }, ...e.props];
      eventDefs[e.name] = props.map((p) => ({ name: `e${p.prefix}_${p.index}`, type: PREFIX[p.prefix]! }));
    }
    const dataModel: DataModel = {
      customers: { fields: Object.fromEntries(customerFields.map((f) => [f.name, { type: f.type }])), mergeByEmail: false },
      events: Object.fromEntries(
        Object.entries(eventDefs).map(([name, props]) => [name, Object.fromEntries(props.map((p) => [p.name, { type: p.type }]))]),
      ),
      items: { fields: {} },
    };
    if (unsubscribes !== 'none') dataModel.events.email_unsubscribed = unsubscribes === 'with-topic' ? { topic: { type: 'string' } } : {};
    return { dataModel, customerFields, events: eventDefs, traits: [] };
  });

// ---- data ----

/** Characters that break naive backends: case folding, astral vs. high BMP order, LIKE wildcards, quotes. */
const CHARS = [
  'a',
  'b',
  'A',
  'B',
  'é',
  'É',
  'ß',
  'ẞ',
  'İ',
  'ı',
  'Σ',
  'σ',
  'ς',
  'ǅ',
  '😀',
  '\uE000',
  '\uFFFD',
  '%',
  '_',
  '\\',
  "'",
  '"',
  ' ',
  'Ω',
  'ﬀ',
];
export const stringArb = fc.array(fc.constantFrom(...CHARS), { maxLength: 4 }).map((cs) => cs.join(''));

/** Exactly representable numbers (sums in any order are exact) with boundaries. */
export const numberArb = fc.oneof(
  fc.constantFrom(0, 1, -1, 0.5, -0.25, 2, 100, 1e6, -1e6, 2 ** -10),
  fc.integer({ min: -50, max: 50 }).map((n) => n / 4),
);
const integerArb = fc.oneof(fc.constantFrom(0, 1, -1, 1_000_000), fc.integer({ min: -20, max: 20 }));

const WINDOW_EDGES = [1, 2, 7, 14, 30, 365].flatMap((days) => [AS_OF - days * DAY, AS_OF - days * DAY - 1, AS_OF - days * DAY + 1]);
export const instantArb = fc.oneof(
  fc.constantFrom(AS_OF, AS_OF + 1, AS_OF - 1, AS_OF + 90 * DAY, AS_OF + 90 * DAY + 1, ...WINDOW_EDGES),
  fc.integer({ min: -400 * 24, max: 100 * 24 }).map((h) => AS_OF + h * HOUR),
);

function valueArb(type: FieldType): fc.Arbitrary<unknown> {
  switch (type) {
    case 'number':
      return numberArb;
    case 'integer':
      return integerArb;
    case 'boolean':
      return fc.boolean();
    case 'timestamp':
      return instantArb;
    default:
      return stringArb;
  }
}

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });

/** The workspace topics subscribed() names in generated rules and data (`gone` has no rows). */
export const TOPICS = ['news', 'offers', 'gone'];

export interface GenData {
  customers: Array<Record<string, unknown> & { id: string }>;
  events: EventRecord[];
  /** Rows of the suppression list (`unsubscribed` and `lifted`, what subscribed() reads) and topic opt-outs. */
  suppressions?: Array<{ customer_id: string; reason: 'unsubscribed' | 'lifted'; at: number }>;
  optouts?: Array<{ customer_id: string; topic: string; at: number }>;
  /** Rows of model_scores for the model `churn` (score()/tier()); optional in hand-written data. */
  scores?: Array<{ model: string; customer_id: string; score: number | null; tier: string | null }>;
}

export function dataArb(model: GenModel): fc.Arbitrary<GenData> {
  const customer = fc.record(Object.fromEntries(model.customerFields.map((f) => [f.name, maybe(valueArb(f.type))])));
  const eventTypes = Object.keys(model.events);
  const event = fc.constantFrom(...eventTypes).chain((type) =>
    fc.record({
      type: fc.constant(type),
      at: instantArb,
      idTail: stringArb,
      props: fc.record(Object.fromEntries(model.events[type]!.map((p) => [p.name, maybe(valueArb(p.type))]))),
    }),
  );
  return fc
    .array(
      fc.record({
        fields: customer,
        events: fc.array(event, { maxLength: 6 }),
        sameTime: fc.boolean(),
        score: fc.option(fc.record({ score: maybe(numberArb), tier: maybe(fc.constantFrom('high', 'low')) }), { nil: undefined }),
        subscription: subscriptionArb,
      }),
      { minLength: 1, maxLength: 14 },
    )
    .map((rows) => {
      const customers: GenData['customers'] = [];
      const events: EventRecord[] = [];
      const scores: NonNullable<GenData['scores']> = [];
      const suppressions: NonNullable<GenData['suppressions']> = [];
      const optouts: NonNullable<GenData['optouts']> = [];
      const unsubscribes = model.dataModel.events.email_unsubscribed;
      rows.forEach((row, i) => {
        const id = `c${String(i).padStart(2, '0')}`;
        customers.push({ id, ...row.fields });
        if (row.score) scores.push({ model: 'churn', customer_id: id, ...row.score });
        const sub = row.subscription;
        if (sub.unsubscribedAt !== null) suppressions.push({ customer_id: id, reason: 'unsubscribed', at: sub.unsubscribedAt });
        if (sub.liftedAt !== null) suppressions.push({ customer_id: id, reason: 'lifted', at: sub.liftedAt });
        for (const o of sub.left) optouts.push({ customer_id: id, ...o });
        if (unsubscribes) {
          sub.events.forEach((e, j) => {
            const topic = unsubscribes.topic !== undefined && e.topic !== null ? { topic: e.topic } : {};
            events.push({ id: `${id}u#${j}`, customer_id: id, type: 'email_unsubscribed', at: e.at, ...topic });
          });
        }
        row.events.forEach((e, j) => {
          // Some histories put every event at the same instant, so first/last must break ties by id.
          const at = row.sameTime && row.events.length > 1 ? row.events[0]!.at : e.at;
          events.push({ id: `${id}${e.idTail}#${j}`, customer_id: id, type: e.type, at, ...e.props });
        });
      });
      return { customers, events, scores, suppressions, optouts };
    });
}

/**
 * One customer's subscription rows and unsubscribe events, at instants that meet each other often
 * (an unsubscribe at the very instant of a re-subscription, anything at as_of or just after it).
 */
const subscriptionInstant = fc.oneof(fc.constantFrom(AS_OF - DAY, AS_OF - 1, AS_OF, AS_OF + 1), instantArb);
const subscriptionArb = fc.record({
  unsubscribedAt: fc.option(subscriptionInstant, { nil: null, freq: 2 }),
  liftedAt: fc.option(subscriptionInstant, { nil: null, freq: 2 }),
  left: fc.uniqueArray(fc.record({ topic: fc.constantFrom('news', 'offers'), at: subscriptionInstant }), {
    maxLength: 2,
    selector: (o) => o.topic,
  }),
  events: fc.array(fc.record({ at: subscriptionInstant, topic: fc.option(fc.constantFrom('news', 'offers'), { nil: null }) }), {
    maxLength: 2,
  }),
});

// ---- traits ----

export function traitsArb(model: GenModel): fc.Arbitrary<TraitPlan[]> {
  const eventTypes = Object.keys(model.events);
  const cuts = fc.option(
    fc
      .uniqueArray(
        fc.integer({ min: -2, max: 60 }).map((n) => n / 2),
        { minLength: 4, maxLength: 4 },
      )
      .map((xs) => xs.sort((a, b) => a - b)),
    { nil: undefined },
  );
  const rfm = fc
    .record({
      event: fc.constantFrom(...eventTypes),
      window: fc.constantFrom(30, 365, 10_000),
      recency: cuts,
      frequency: cuts,
      monetary: cuts,
    })
    .map(({ event, window, recency, frequency, monetary }): TraitPlan => ({
      kind: 'rfm',
      name: 'rfm',
      event,
      amount: 'en_9',
      windowMs: window * DAY,
      cutPoints: { recency, frequency, monetary },
    }));
  // Expression and lifecycle traits may read the rfm trait (traits reading traits, in order).
  return fc.option(rfm, { nil: undefined }).chain((rfmPlan) => {
    const withRfm: GenModel = { ...model, traits: rfmPlan ? [rfmPlan] : [] };
    const computed = numExpr(withRfm, 1).map((expression): TraitPlan => ({ kind: 'expression', name: 'calc', expression, type: 'number' }));
    const lifecycle = fc
      .record({
        whens: fc.array(boolExpr(withRfm, 1), { minLength: 1, maxLength: 3 }),
        otherwise: fc.option(fc.constantFrom('dormant', 'other'), { nil: null }),
      })
      .map(({ whens, otherwise }): TraitPlan => ({
        kind: 'lifecycle',
        name: 'stage',
        stages: whens.map((when, i) => ({ name: `stage_${i}`, when })),
        else: otherwise,
      }));
    return fc
      .record({ computed: fc.option(computed, { nil: undefined }), lifecycle: fc.option(lifecycle, { nil: undefined }) })
      .map((t) => [rfmPlan, t.computed, t.lifecycle].filter((x): x is TraitPlan => x !== undefined));
  });
}

// ---- rules ----

/** Arbitraries are built once per model, kind, depth and scope (building them eagerly is exponential). */
const built = new WeakMap<GenModel, Map<string, fc.Arbitrary<Expr>>>();
function memo(model: GenModel, kind: string, depth: number, scope: Scope, make: () => fc.Arbitrary<Expr>): fc.Arbitrary<Expr> {
  let byKey = built.get(model);
  if (!byKey) built.set(model, (byKey = new Map()));
  const key = `${kind}:${depth}:${scope.event ?? ''}:${scope.segments.join(',')}`;
  let arb = byKey.get(key);
  if (!arb) byKey.set(key, (arb = make()));
  return arb;
}

type Scope = { event?: string; segments: string[] };

function fieldsOf(model: GenModel, scope: Scope, types: FieldType[]): string[][] {
  if (scope.event) return model.events[scope.event]!.filter((p) => types.includes(p.type)).map((p) => [p.name]);
  const paths = model.customerFields.filter((f) => types.includes(f.type)).map((f) => [f.name]);
  for (const t of model.traits) {
    if (t.kind === 'rfm' && types.includes('number')) paths.push(['rfm', 'recency'], ['rfm', 'monetary'], ['rfm', 'total']);
    if (t.kind === 'rfm' && types.includes('string')) paths.push(['rfm', 'score']);
    if (t.kind === 'expression' && types.includes('number')) paths.push(['calc']);
    if (t.kind === 'lifecycle' && types.includes('string')) paths.push(['stage']);
  }
  return paths;
}

const pathArb = (paths: string[][]): fc.Arbitrary<Expr>[] => (paths.length ? [fc.constantFrom(...paths).map((p) => b.path(...p))] : []);

const windowArb: fc.Arbitrary<EventWindow | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom<[number, DurationUnit]>([1, 'd'], [7, 'd'], [30, 'd'], [365, 'd'], [2, 'w'], [48, 'h']).map(([n, u]) => b.past(n, u)),
  // `within next` (model labels): same meaning in every backend, so it is generated too.
  fc.constantFrom<[number, DurationUnit]>([1, 'd'], [90, 'd']).map(([n, u]) => b.next(n, u)),
);

function aggregateArb(model: GenModel, scope: Scope, depth: number, fns: AggregateFn[]): fc.Arbitrary<Expr> {
  return fc.constantFrom(...Object.keys(model.events)).chain((event) => {
    const inner: Scope = { event, segments: [] };
    const numberProps = model.events[event]!.filter((p) => p.type === 'number' || p.type === 'integer').map((p) => p.name);
    const stringProps = model.events[event]!.filter((p) => p.type === 'string').map((p) => p.name);
    return fc
      .record({
        fn: fc.constantFrom(...fns),
        where: fc.option(boolExpr(model, Math.min(depth, 1), inner), { nil: undefined, freq: 2 }),
        window: windowArb,
        numberProp: fc.constantFrom(...numberProps),
        anyProp: fc.constantFrom('at', ...numberProps, ...stringProps),
      })
      .map(({ fn, where, window, numberProp, anyProp }) => {
        const property = fn === 'sum' || fn === 'avg' ? numberProp : fn === 'min' || fn === 'max' ? anyProp : undefined;
        const field = fn === 'first' || fn === 'last' ? anyProp : undefined;
        return b.agg(fn, event, { property, field, where, window });
      });
  });
}

export function numExpr(model: GenModel, depth: number, scope: Scope = { segments: [] }): fc.Arbitrary<Expr> {
  return memo(model, 'numExpr', depth, scope, () => numExprUncached(model, depth, scope));
}

function numExprUncached(model: GenModel, depth: number, scope: Scope): fc.Arbitrary<Expr> {
  const leaves = [numberArb.map(b.num), ...pathArb(fieldsOf(model, scope, ['number', 'integer']))];
  if (depth <= 0) return fc.oneof(...leaves);
  const sub = () => numExpr(model, depth - 1, scope);
  const options: fc.Arbitrary<Expr>[] = [
    ...leaves,
    fc.record({ op: fc.constantFrom('+', '-', '*', '/' as const), l: sub(), r: sub() }).map(({ op, l, r }) => b.bin(op, l, r)),
    sub().map(b.neg),
    fc.record({ f: fc.constantFrom('abs', 'round'), x: sub() }).map(({ f, x }) => b.call(f, x)),
    fc.record({ x: sub(), d: fc.integer({ min: 0, max: 2 }) }).map(({ x, d }) => b.call('round', x, b.num(d))),
    fc.tuple(sub(), sub()).map(([x, y]) => b.call('coalesce', x, y)),
    fc.tuple(boolExpr(model, depth - 1, scope), sub(), sub()).map(([c, x, y]) => b.call('if', c, x, y)),
    tsExpr(model, depth - 1, scope).map((t) => b.call('days_since', t)),
  ];
  if (!scope.event) options.push(fc.constant(b.call('score', b.path('churn'))));
  if (!scope.event) {
    options.push(
      aggregateArb(model, scope, depth - 1, ['count', 'sum', 'avg']),
      aggregateArb(model, scope, depth - 1, ['min', 'max', 'first', 'last']).filter((a) => isNumericAggregate(model, a)),
    );
  }
  return fc.oneof({ depthSize: 'small' }, ...options);
}

function isNumericAggregate(model: GenModel, a: Expr): boolean {
  if (a.kind !== 'aggregate') return false;
  const name = a.property ?? a.field;
  const prop = model.events[a.event]!.find((p) => p.name === name);
  return prop !== undefined && (prop.type === 'number' || prop.type === 'integer');
}

export function strExpr(model: GenModel, depth: number, scope: Scope = { segments: [] }): fc.Arbitrary<Expr> {
  return memo(model, 'strExpr', depth, scope, () => strExprUncached(model, depth, scope));
}

function strExprUncached(model: GenModel, depth: number, scope: Scope): fc.Arbitrary<Expr> {
  const leaves = [stringArb.map(b.str), ...pathArb(fieldsOf(model, scope, ['string']))];
  if (depth <= 0) return fc.oneof(...leaves);
  const sub = () => strExpr(model, depth - 1, scope);
  const options: fc.Arbitrary<Expr>[] = [
    ...leaves,
    fc.record({ f: fc.constantFrom('lower', 'upper'), x: sub() }).map(({ f, x }) => b.call(f, x)),
    fc.tuple(sub(), sub()).map(([x, y]) => b.bin('+', x, y)),
    fc.tuple(sub(), sub()).map(([x, y]) => b.call('coalesce', x, y)),
    fc.tuple(boolExpr(model, depth - 1, scope), sub(), sub()).map(([c, x, y]) => b.call('if', c, x, y)),
  ];
  if (!scope.event) {
    options.push(
      fc
        .record({
          event: fc.constantFrom(...Object.keys(model.events)),
          fn: fc.constantFrom<AggregateFn>('first', 'last', 'min', 'max'),
          window: windowArb,
        })
        .map(({ event, fn, window }) =>
          b.agg(fn, event, fn === 'first' || fn === 'last' ? { field: 'es_9', window } : { property: 'es_9', window }),
        ),
    );
  }
  return fc.oneof({ depthSize: 'small' }, ...options);
}

export function tsExpr(model: GenModel, depth: number, scope: Scope = { segments: [] }): fc.Arbitrary<Expr> {
  return memo(model, 'tsExpr', depth, scope, () => tsExprUncached(model, depth, scope));
}

function tsExprUncached(model: GenModel, depth: number, scope: Scope): fc.Arbitrary<Expr> {
  const literal = instantArb.map((ms) => b.ts(new Date(ms).toISOString()));
  const leaves = [literal, ...pathArb(fieldsOf(model, scope, ['timestamp']))];
  if (scope.event) leaves.push(fc.constant(b.path('at')));
  if (depth <= 0 || scope.event) return fc.oneof(...leaves);
  return fc.oneof(
    ...leaves,
    aggregateArb(model, scope, depth - 1, ['first', 'last', 'min', 'max']).map(
      (a) =>
        ({
          ...(a as Extract<Expr, { kind: 'aggregate' }>),
          property: a.kind === 'aggregate' && (a.fn === 'min' || a.fn === 'max') ? 'at' : undefined,
          field: a.kind === 'aggregate' && (a.fn === 'first' || a.fn === 'last') ? 'at' : undefined,
        }) as Expr,
    ),
    fc
      .record({
        t: tsExpr(model, depth - 1, scope),
        op: fc.constantFrom('+', '-' as const),
        n: fc.integer({ min: 1, max: 60 }),
        u: fc.constantFrom<DurationUnit>('d', 'h', 'w'),
      })
      .map(({ t, op, n, u }) => b.bin(op, t, b.dur(n, u))),
  );
}

const COMPARE = fc.constantFrom('=', '!=', '<', '<=', '>', '>=' as const);

export function boolExpr(model: GenModel, depth: number, scope: Scope = { segments: [] }): fc.Arbitrary<Expr> {
  return memo(model, 'boolExpr', depth, scope, () => boolExprUncached(model, depth, scope));
}

function boolExprUncached(model: GenModel, depth: number, scope: Scope): fc.Arbitrary<Expr> {
  const d = Math.max(depth - 1, 0);
  const num = () => numExpr(model, d, scope);
  const str = () => strExpr(model, d, scope);
  const options: fc.Arbitrary<Expr>[] = [
    fc.record({ op: COMPARE, l: num(), r: num() }).map(({ op, l, r }) => b.bin(op, l, r)),
    fc.record({ op: COMPARE, l: str(), r: str() }).map(({ op, l, r }) => b.bin(op, l, r)),
    fc.record({ op: COMPARE, l: tsExpr(model, d, scope), r: tsExpr(model, d, scope) }).map(({ op, l, r }) => b.bin(op, l, r)),
    fc
      .record({
        op: COMPARE,
        l: tsExpr(model, d, scope),
        r: tsExpr(model, d, scope),
        n: fc.integer({ min: 0, max: 40 }),
        k: fc.constantFrom(1, 2, 0.5),
      })
      .map(({ op, l, r, n, k }) => b.bin(op, b.bin('-', l, r), b.bin('*', b.dur(n, 'd'), b.num(k)))),
    fc
      .record({ v: str(), items: fc.array(fc.oneof(stringArb.map(b.str), fc.constant(b.nul())), { maxLength: 3 }), neg: fc.boolean() })
      .map(({ v, items, neg }) => b.isIn(v, items, neg)),
    fc
      .record({ v: num(), items: fc.array(numberArb.map(b.num), { maxLength: 3 }), neg: fc.boolean() })
      .map(({ v, items, neg }) => b.isIn(v, items, neg)),
    fc.record({ v: num(), lo: num(), hi: num(), neg: fc.boolean() }).map(({ v, lo, hi, neg }) => b.between(v, lo, hi, neg)),
    fc
      .record({ v: fc.oneof(num(), str(), tsExpr(model, d, scope), ...pathArb(fieldsOf(model, scope, ['boolean']))), neg: fc.boolean() })
      .map(({ v, neg }) => b.isNull(v, neg)),
    fc.record({ v: str(), p: str(), op: fc.boolean() }).map(({ v, p, op }) => (op ? b.startsWith(v, p) : b.contains(v, p))),
    ...pathArb(fieldsOf(model, scope, ['boolean'])),
  ];
  if (!scope.event) options.push(aggregateArb(model, scope, d, ['exists']));
  if (!scope.event && scope.segments.length) options.push(fc.constantFrom(...scope.segments).map((s) => b.call('in_segment', b.path(s))));
  if (!scope.event)
    options.push(
      fc
        .record({ topic: fc.constantFrom(...TOPICS), bare: fc.boolean() })
        .map(({ topic, bare }) => b.call('subscribed', bare ? b.path(topic) : b.str(topic))),
    );
  if (depth > 0) {
    const sub = () => boolExpr(model, depth - 1, scope);
    options.push(
      sub().map(b.not),
      fc.tuple(sub(), sub()).map(([l, r]) => b.and(l, r)),
      fc.tuple(sub(), sub()).map(([l, r]) => b.or(l, r)),
      fc.record({ op: fc.constantFrom('=', '!=' as const), l: sub(), r: sub() }).map(({ op, l, r }) => b.bin(op, l, r)),
      fc.tuple(sub(), sub(), sub()).map(([c, x, y]) => b.call('if', c, x, y)),
    );
  }
  return fc.oneof({ depthSize: 'small' }, ...options);
}

/** A typical segment rule: 1..3 clauses joined by `and`/`or`. */
export function ruleArb(model: GenModel, segments: string[]): fc.Arbitrary<Expr> {
  return fc
    .record({
      first: boolExpr(model, 2, { segments }),
      rest: fc.array(fc.tuple(fc.boolean(), boolExpr(model, 2, { segments })), { maxLength: 2 }),
    })
    .map(({ first, rest }) => rest.reduce((acc, [useAnd, clause]) => (useAnd ? b.and(acc, clause) : b.or(acc, clause)), first));
}
