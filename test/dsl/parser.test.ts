import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseRule } from '../../compiler/dsl/parse.ts';
import { printRule } from '../../compiler/dsl/print.ts';
import { stripSpans } from '../../compiler/dsl/strip-spans.ts';
import { tokenize } from '../../compiler/dsl/lexer.ts';
import { MAX_TREE_DEPTH } from '../../compiler/dsl/depth.ts';
import { MAX_NESTING } from '../../compiler/dsl/grammar.ts';
import type { Expr } from '../../compiler/contract/core/ast.ts';
import { arbitraryExpr } from './arbitrary.ts';

function ast(text: string): Expr {
  const r = parseRule(text);
  if (!r.ok) throw new Error(`${text}: ${JSON.stringify(r.errors)}`);
  return r.ast;
}

function errorsOf(text: string) {
  const r = parseRule(text);
  if (r.ok) throw new Error(`${text} parsed`);
  return r.errors;
}

/** Every compound node in parentheses: shows exactly how the parser grouped the rule. */
function grouped(e: Expr): string {
  switch (e.kind) {
    case 'binary':
      return `(${grouped(e.left)} ${e.op} ${grouped(e.right)})`;
    case 'unary':
      return `(${e.op === 'not' ? 'not ' : '-'}${grouped(e.operand)})`;
    case 'in':
      return `(${grouped(e.value)} ${e.negated ? 'not in' : 'in'} ${grouped(e.list)})`;
    case 'between':
      return `(${grouped(e.value)} ${e.negated ? 'not between' : 'between'} ${grouped(e.low)} and ${grouped(e.high)})`;
    case 'is_null':
      return `(${grouped(e.value)} ${e.negated ? 'is not null' : 'is null'})`;
    case 'string_match':
      return `(${grouped(e.value)} ${e.op === 'starts_with' ? 'starts with' : 'contains'} ${grouped(e.pattern)})`;
    case 'list':
      return `[${e.items.map(grouped).join(', ')}]`;
    case 'call':
      return `${e.name}(${e.args.map(grouped).join(', ')})`;
    default:
      return printRule(e);
  }
}

describe('precedence and associativity', () => {
  const cases: Array<[string, string]> = [
    ['a or b and c', '(a or (b and c))'],
    ['a and b or c and d', '((a and b) or (c and d))'],
    ['not a and b', '((not a) and b)'],
    ['not a = 1', '(not (a = 1))'],
    ['not not a', '(not (not a))'],
    ['a = 1 + 2 * 3', '(a = (1 + (2 * 3)))'],
    ['a - b - c', '((a - b) - c)'],
    ['a / b * c', '((a / b) * c)'],
    ['-a * b', '((-a) * b)'],
    ['- -a', '(-(-a))'],
    ['2 - -3', '(2 - (-3))'],
    ['x between 1 and 2 and y', '((x between 1 and 2) and y)'],
    ['x not between a + 1 and b * 2 or z', '((x not between (a + 1) and (b * 2)) or z)'],
    ['x in [1, 2] and y not in ["a"]', '((x in [1, 2]) and (y not in ["a"]))'],
    ['x is null or y is not null', '((x is null) or (y is not null))'],
    ['s starts with "C" and s contains "x"', '((s starts with "C") and (s contains "x"))'],
    ['a + b starts with c', '((a + b) starts with c)'],
    ['if(a, b, c) = lower(d)', '(if(a, b, c) = lower(d))'],
    ['(a or b) and c', '((a or b) and c)'],
  ];
  for (const [input, expected] of cases) it(input, () => expect(grouped(ast(input))).toBe(expected));
});

describe('literals', () => {
  it('durations keep amount and unit', () => {
    for (const [text, amount, unit] of [
      ['90d', 90, 'd'],
      ['48h', 48, 'h'],
      ['30m', 30, 'm'],
      ['2w', 2, 'w'],
      ['45s', 45, 's'],
    ] as const) {
      expect(stripSpans(ast(text))).toEqual({ kind: 'duration', amount, unit });
    }
  });

  it('dates and timestamps keep their text', () => {
    for (const text of [
      '2011-12-09',
      '2011-12-09T12:00Z',
      '2011-12-09T12:00:30Z',
      '2011-12-09T12:00:30.250+01:00',
      '2024-02-29T00:00-05:30',
    ]) {
      expect(stripSpans(ast(text))).toEqual({ kind: 'timestamp', value: text, dateOnly: !text.includes('T') });
    }
  });

  it('rejects impossible dates and zone-less timestamps', () => {
    expect(errorsOf('2023-02-29')[0]!.message).toBe('invalid day 29 in 2023-02-29: 2023-02 has 28 days');
    expect(errorsOf('2011-13-01')[0]!.message).toBe('invalid month 13 in 2011-13-01');
    expect(errorsOf('2011-12-09T24:00Z')[0]!.message).toBe('invalid hour 24 in 2011-12-09T24:00Z');
    expect(errorsOf('2011-12-09T12:00')[0]).toMatchObject({ code: 'HL132', message: 'timestamp 2011-12-09T12:00 has no time zone' });
  });

  it('decodes string escapes', () => {
    expect(stripSpans(ast('"a\\"b\\\\c\\nd\\te\\u00e9"'))).toEqual({ kind: 'string', value: 'a"b\\c\nd\te\u00e9' });
    expect(errorsOf('"\\x41"')[0]).toMatchObject({ code: 'HL132', span: { start: 1, end: 3 } });
    expect(errorsOf('"\\u12"')[0]).toMatchObject({ code: 'HL132', message: '`\\u` must be followed by four hexadecimal digits' });
  });

  it('keeps SQL fragments and quote characters in strings unchanged', () => {
    for (const value of ["'; DROP TABLE customers; --", 'Robert") OR 1=1 --', "it's", '%_[]', '$1 ? :name', '\\', '`x`', '/* */']) {
      const text = `country = ${printRule({ kind: 'string', value, span: { start: 0, end: 0 } })}`;
      const parsed = ast(text);
      expect(parsed.kind === 'binary' && parsed.right.kind === 'string' && parsed.right.value).toBe(value);
    }
  });

  it('numbers, booleans, null, lists', () => {
    expect(stripSpans(ast('[1.5, 2e3, true, false, null]'))).toEqual({
      kind: 'list',
      items: [
        { kind: 'number', value: 1.5 },
        { kind: 'number', value: 2000 },
        { kind: 'boolean', value: true },
        { kind: 'boolean', value: false },
        { kind: 'null' },
      ],
    });
    expect(stripSpans(ast('[]'))).toEqual({ kind: 'list', items: [] });
    expect(errorsOf('1e999')[0]).toMatchObject({ code: 'HL132', message: 'number 1e999 is too large' });
  });

  it('backtick names hold spaces, reserved words and escapes', () => {
    expect(stripSpans(ast('`Unit Price` * `next`.`a\\`b`'))).toMatchObject({
      kind: 'binary',
      left: { kind: 'path', segments: ['Unit Price'] },
      right: { kind: 'path', segments: ['next', 'a`b'] },
    });
    expect(errorsOf('`Unit Price * 2')[0]).toMatchObject({ code: 'HL131' });
    expect(errorsOf('``')[0]).toMatchObject({ code: 'HL132', message: 'a quoted name cannot be empty' });
  });
});

describe('aggregates', () => {
  it('parses event, property, filter, window and field', () => {
    expect(stripSpans(ast('sum(purchase.amount where quantity > 1 within 365d)'))).toEqual({
      kind: 'aggregate',
      fn: 'sum',
      event: 'purchase',
      property: 'amount',
      where: { kind: 'binary', op: '>', left: { kind: 'path', segments: ['quantity'] }, right: { kind: 'number', value: 1 } },
      window: { kind: 'past', duration: { kind: 'duration', amount: 365, unit: 'd' } },
    });
    expect(stripSpans(ast('last(purchase within since_entry).at'))).toEqual({
      kind: 'aggregate',
      fn: 'last',
      event: 'purchase',
      window: { kind: 'since_entry' },
      field: 'at',
    });
    expect(stripSpans(ast('exists(purchase within next 90d)'))).toMatchObject({
      window: { kind: 'next', duration: { amount: 90, unit: 'd' } },
    });
  });

  it('records exact spans of every part', () => {
    const text = 'last(purchase where amount > 5).at';
    const a = ast(text);
    if (a.kind !== 'aggregate') throw new Error('not an aggregate');
    const slice = (s: { start: number; end: number }) => text.slice(s.start, s.end);
    expect(slice(a.span)).toBe(text);
    expect(slice(a.eventSpan)).toBe('purchase');
    expect(slice(a.fieldSpan!)).toBe('at');
    expect(slice(a.where!.span)).toBe('amount > 5');
  });

  it('a name that is not an aggregate is a call; aggregate names are still usable as fields', () => {
    expect(ast('lower(x)').kind).toBe('call');
    expect(stripSpans(ast('count + 1'))).toMatchObject({ kind: 'binary', left: { kind: 'path', segments: ['count'] } });
  });
});

describe('limits', () => {
  it(`accepts ${MAX_NESTING} levels of nesting and refuses one more with HL135`, () => {
    const nested = (n: number) => '('.repeat(n) + 'a' + ')'.repeat(n);
    expect(parseRule(nested(MAX_NESTING)).ok).toBe(true);
    const errors = errorsOf(nested(MAX_NESTING + 1));
    expect(errors).toEqual([
      {
        code: 'HL135',
        message: `the rule nests deeper than ${MAX_NESTING} levels`,
        span: { start: MAX_NESTING, end: MAX_NESTING + 1 },
        help: expect.any(String),
      },
    ]);
  });

  it('refuses absurd nesting without overflowing the stack', () => {
    for (const text of [
      '('.repeat(100_000) + 'a' + ')'.repeat(100_000),
      'not '.repeat(50_000) + 'a',
      '-'.repeat(50_000) + '1',
      '['.repeat(50_000),
      'f('.repeat(50_000),
    ]) {
      expect(errorsOf(text)[0]!.code).toBe('HL135');
    }
  });

  it('parses a 10,000-token rule', () => {
    const terms = Array.from({ length: 1112 }, (_, i) => `count(purchase within ${i + 1}d) >= ${i}`);
    const text = terms.join(' or ');
    expect(tokenize(text).tokens.length).toBeGreaterThanOrEqual(10_000);
    const parsed = ast(text);
    expect(parsed.span).toEqual({ start: 0, end: text.length });
    expect(printRule(parsed)).toBe(text);
    // The balanced `or` chain stays shallow enough for JSON and structured cloning.
    expect(JSON.parse(JSON.stringify(parsed))).toEqual(parsed);
    expect(structuredClone(parsed)).toEqual(parsed);
  });

  it(`refuses an expression tree deeper than ${MAX_TREE_DEPTH} levels (a long arithmetic chain)`, () => {
    const sum = (n: number) => Array.from({ length: n }, (_, i) => `a${i}`).join(' + ');
    const fine = ast(sum(MAX_TREE_DEPTH));
    expect(printRule(fine)).toBe(sum(MAX_TREE_DEPTH));
    expect(JSON.parse(JSON.stringify(stripSpans(fine)))).toEqual(stripSpans(fine));
    const [error] = errorsOf(sum(10_000));
    expect(error).toMatchObject({ code: 'HL135', message: `the rule's expression is more than ${MAX_TREE_DEPTH} levels deep` });
  });
});

describe('syntax errors', () => {
  const cases: Array<[string, string, [number, number], string?]> = [
    ['a and and b', 'expected an expression after `and`, found `and`', [6, 9]],
    ['a and', 'expected an expression after `and`', [5, 5]],
    ['', 'the rule is empty', [0, 0]],
    ['(a = 1', 'expected `)` after `1`, found the end of the rule', [6, 6]],
    ['a = 1)', 'unexpected `)`: there is no `(` to close', [5, 6]],
    ['a b', 'unexpected `b`: expected an operator or the end of the rule', [2, 3]],
    ['a == 1', 'unknown operator `==`', [2, 4]],
    ['a <> 1', 'unknown operator `<>`', [2, 4]],
    ['!a', 'unknown operator `!`', [0, 1]],
    ['a || b', 'unknown operator `||`', [2, 4]],
    ['x = "abc', 'unterminated string: the closing `"` is missing', [4, 8]],
    ['x = "abc\\"', 'unterminated string: the closing `"` is missing', [4, 10]],
    ['a # b', 'unexpected character `#`', [2, 3]],
    ['x not 5', 'expected `in` or `between` after `not`, found `5`', [6, 7]],
    ['x between 1', 'expected `and` after `1`, found the end of the rule', [11, 11]],
    ['a.', 'expected a name after `.`, found the end of the rule', [2, 2]],
    ['count(purchase within)', 'expected a duration, `next` or `since_entry` after `within`, found `)`', [21, 22]],
    ['f(a,)', 'expected an expression after `,`, found `)`', [4, 5]],
    ['[1, 2', 'expected `]` after `2`, found the end of the rule', [5, 5]],
    ['a < b < c', 'unexpected `<`: comparisons do not chain', [6, 7]],
    ['and', 'expected an expression at the start of the rule, found `and`', [0, 3]],
    ['count()', '`count` takes an event type, e.g. count(purchase within 30d)', [0, 7]],
    ['x > sum(1 + 2)', '`sum` takes an event type, e.g. sum(purchase.amount within 30d)', [4, 14]],
    ['last(2)', '`last` takes an event type, e.g. last(purchase).at', [0, 7]],
    ['count(', 'expected an argument or `)` after `(`, found the end of the rule', [6, 6]],
    ['count(5', 'expected `)` after `5`, found the end of the rule', [7, 7]],
    ['count(.', 'expected an argument or `)` after `(`, found `.`', [6, 7]],
    ['x is 5', 'expected `null` or `not null` after `is`, found `5`', [5, 6]],
  ];
  for (const [text, message, [start, end]] of cases) {
    it(JSON.stringify(text), () => {
      const [first] = errorsOf(text);
      expect(first!.message).toBe(message);
      expect(first!.span).toEqual({ start, end });
    });
  }

  it('never throws, and every error span lies inside the rule', () => {
    const pieces = fc.constantFrom(
      'a',
      '1',
      '"s"',
      '(',
      ')',
      '[',
      ']',
      ',',
      '.',
      'and',
      'or',
      'not',
      '=',
      '<',
      '+',
      '-',
      '*',
      'in',
      'between',
      'is',
      'null',
      'count(',
      'within',
      '30d',
      'where',
      '`q`',
      '"',
      '@',
      '==',
      ' ',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(pieces, { maxLength: 30 }).map((p) => p.join(' ')),
          fc.string({ maxLength: 40 }),
        ),
        (text) => {
          const result = parseRule(text);
          if (!result.ok) {
            expect(result.errors.length).toBeGreaterThan(0);
            for (const e of result.errors) {
              expect(e.span.start).toBeGreaterThanOrEqual(0);
              expect(e.span.end).toBeLessThanOrEqual(text.length);
              expect(e.span.start).toBeLessThanOrEqual(e.span.end);
              expect(e.message).not.toMatch(/undefined|NaN|\[object/);
            }
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('spans', () => {
  it('every node of a parsed rule spans exactly the text that parses back to it', () => {
    fc.assert(
      fc.property(arbitraryExpr, (generated) => {
        const text = printRule(generated);
        const parsed = ast(text);
        visit(parsed, (node) => {
          const slice = text.slice(node.span.start, node.span.end);
          expect(stripSpans(ast(slice))).toEqual(stripSpans(node));
        });
      }),
      { numRuns: 500 },
    );
  });
});

function visit(e: Expr, f: (e: Expr) => void): void {
  f(e);
  switch (e.kind) {
    case 'binary':
      visit(e.left, f);
      visit(e.right, f);
      break;
    case 'unary':
      visit(e.operand, f);
      break;
    case 'in':
      visit(e.value, f);
      visit(e.list, f);
      break;
    case 'between':
      [e.value, e.low, e.high].forEach((x) => visit(x, f));
      break;
    case 'is_null':
      visit(e.value, f);
      break;
    case 'string_match':
      visit(e.value, f);
      visit(e.pattern, f);
      break;
    case 'list':
      e.items.forEach((x) => visit(x, f));
      break;
    case 'call':
      e.args.forEach((x) => visit(x, f));
      break;
    case 'aggregate':
      if (e.where) visit(e.where, f);
      break;
  }
}
