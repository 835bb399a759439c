import fc from 'fast-check';
import type { AggregateExpr, BinaryOp, DurationLiteral, EventWindow, Expr } from '../../compiler/contract/core/ast.ts';

/** Random well-formed ASTs (spans zeroed), for the printer/parser round-trip properties. */
const span = { start: 0, end: 0 };

const plainName = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
/** Names that need backticks: spaces, reserved words, odd characters, backticks and backslashes. */
const oddName = fc.oneof(
  fc.constantFrom('Unit Price', 'next', 'and', 'in', 'first name', 'a`b', 'c\\d', '2nd', 'é', 'with'),
  fc.string({ minLength: 1, maxLength: 6 }),
);
const name = fc.oneof({ weight: 4, arbitrary: plainName }, { weight: 1, arbitrary: oddName });

const functionNames = fc.constantFrom(
  'if',
  'days_since',
  'lower',
  'upper',
  'coalesce',
  'abs',
  'round',
  'score',
  'tier',
  'in_segment',
  'subscribed',
);

const duration: fc.Arbitrary<DurationLiteral> = fc.record({
  kind: fc.constant('duration' as const),
  amount: fc.integer({ min: 0, max: 100_000 }),
  unit: fc.constantFrom('s' as const, 'm' as const, 'h' as const, 'd' as const, 'w' as const),
  span: fc.constant(span),
});

const timestampText = fc.oneof(
  fc.constantFrom('2011-12-09', '2024-02-29', '1999-01-01'),
  fc.constantFrom('2011-12-09T12:00Z', '2011-12-09T12:00:30Z', '2011-12-09T23:59:59.123+01:00', '2026-01-01T00:00-05:30'),
);

const leaf: fc.Arbitrary<Expr> = fc.oneof(
  fc.record({
    kind: fc.constant('number' as const),
    value: fc.oneof(
      fc.nat(),
      fc.double({ min: 0, max: 1e30, noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    ),
    span: fc.constant(span),
  }),
  fc.record({
    kind: fc.constant('string' as const),
    value: fc.oneof(fc.string(), fc.constantFrom("'; DROP TABLE customers; --", 'say "hi"', 'a\\b', '\n\t\r', '\u0000\u001f\u2028')),
    span: fc.constant(span),
  }),
  fc.record({ kind: fc.constant('boolean' as const), value: fc.boolean(), span: fc.constant(span) }),
  fc.constant<Expr>({ kind: 'null', span }),
  duration,
  timestampText.map((value): Expr => ({ kind: 'timestamp', value, dateOnly: !value.includes('T'), span })),
  fc.array(name, { minLength: 1, maxLength: 3 }).map((segments): Expr => ({ kind: 'path', segments, span })),
);

const window: fc.Arbitrary<EventWindow> = fc.oneof(
  duration.map((d): EventWindow => ({ kind: 'past', duration: d, span })),
  duration.map((d): EventWindow => ({ kind: 'next', duration: d, span })),
  fc.constant<EventWindow>({ kind: 'since_entry', span }),
);

const binaryOps: BinaryOp[] = ['=', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', 'and', 'or'];

export const arbitraryExpr: fc.Arbitrary<Expr> = fc.letrec<{ expr: Expr }>((tie) => {
  const sub = tie('expr');
  return {
    expr: fc.oneof(
      { maxDepth: 5, depthIdentifier: 'expr' },
      { weight: 3, arbitrary: leaf },
      fc.record({
        kind: fc.constant('binary' as const),
        op: fc.constantFrom(...binaryOps),
        left: sub,
        right: sub,
        span: fc.constant(span),
      }),
      fc.record({
        kind: fc.constant('unary' as const),
        op: fc.constantFrom('not' as const, '-' as const),
        operand: sub,
        span: fc.constant(span),
      }),
      fc.record({ kind: fc.constant('list' as const), items: fc.array(sub, { maxLength: 3 }), span: fc.constant(span) }),
      fc.record({ kind: fc.constant('in' as const), negated: fc.boolean(), value: sub, list: sub, span: fc.constant(span) }),
      fc.record({ kind: fc.constant('between' as const), negated: fc.boolean(), value: sub, low: sub, high: sub, span: fc.constant(span) }),
      fc.record({ kind: fc.constant('is_null' as const), negated: fc.boolean(), value: sub, span: fc.constant(span) }),
      fc.record({
        kind: fc.constant('string_match' as const),
        op: fc.constantFrom('starts_with' as const, 'contains' as const),
        value: sub,
        pattern: sub,
        span: fc.constant(span),
      }),
      fc.record({
        kind: fc.constant('call' as const),
        name: functionNames,
        nameSpan: fc.constant(span),
        args: fc.array(sub, { maxLength: 3 }),
        span: fc.constant(span),
      }),
      fc
        .record({
          fn: fc.constantFrom('count', 'exists', 'sum', 'avg', 'min', 'max', 'first', 'last') as fc.Arbitrary<AggregateExpr['fn']>,
          event: name,
          property: fc.option(name, { nil: undefined }),
          where: fc.option(sub, { nil: undefined }),
          window: fc.option(window, { nil: undefined }),
          field: fc.option(name, { nil: undefined }),
        })
        .map(({ fn, event, property, where, window, field }): Expr => {
          const node: AggregateExpr = { kind: 'aggregate', fn, event, eventSpan: span, span };
          if (property !== undefined) Object.assign(node, { property, propertySpan: span });
          if (where !== undefined) node.where = where;
          if (window !== undefined) node.window = window;
          if (field !== undefined) Object.assign(node, { field, fieldSpan: span });
          return node;
        }),
    ),
  };
}).expr;
