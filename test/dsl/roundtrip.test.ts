import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseRule } from '../../compiler/dsl/parse.ts';
import { printRule } from '../../compiler/dsl/print.ts';
import { stripSpans } from '../../compiler/dsl/strip-spans.ts';
import { arbitraryExpr } from './arbitrary.ts';
import { canonical } from './canonical.ts';
import { LEFT_NESTED_CHAIN } from '../../compiler/dsl/parser-helpers.ts';

function parseOk(text: string) {
  const result = parseRule(text);
  if (!result.ok) throw new Error(`${text}\n${JSON.stringify(result.errors)}`);
  return result.ast;
}

describe('print/parse round trip', () => {
  it("parse(print(ast)) equals ast, spans aside (and/or chains regrouped the parser's way)", () => {
    fc.assert(
      fc.property(arbitraryExpr, (ast) => {
        expect(stripSpans(parseOk(printRule(ast)))).toEqual(stripSpans(canonical(ast)));
      }),
      { numRuns: 3000 },
    );
  });

  it('parse(print(ast)) equals ast exactly for every AST the parser produces', () => {
    fc.assert(
      fc.property(arbitraryExpr, (generated) => {
        const parsed = parseOk(printRule(generated));
        expect(stripSpans(parseOk(printRule(parsed)))).toEqual(stripSpans(parsed));
      }),
      { numRuns: 2000 },
    );
  });

  it('prints and/or chains flat and regroups long ones into a shallow tree', () => {
    const operands = Array.from({ length: 5000 }, (_, i) => `x${i} = ${i}`);
    const text = operands.join(' or ');
    const parsed = parseOk(text);
    expect(printRule(parsed)).toBe(text);
    let depth = 0;
    for (let e = parsed; e.kind === 'binary' && e.op === 'or'; e = e.left) depth++;
    expect(depth).toBeLessThanOrEqual(LEFT_NESTED_CHAIN + Math.ceil(Math.log2(5000)));
    // Short chains keep the natural left nesting: (a and b) and c.
    expect(stripSpans(parseOk('a and b and c'))).toEqual(stripSpans(parseOk('(a and b) and c')));
    expect(printRule(parseOk('a and (b and c)'))).toBe('a and b and c');
    expect(printRule(parseOk('a or (b and c)'))).toBe('a or b and c');
  });

  it('printing is a fixed point', () => {
    fc.assert(
      fc.property(arbitraryExpr, (ast) => {
        const once = printRule(ast);
        expect(printRule(parseOk(once))).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('spans of a printed rule cover exactly their source text', () => {
    fc.assert(
      fc.property(arbitraryExpr, (ast) => {
        const text = printRule(ast);
        const parsed = parseOk(text);
        // The root covers the whole text; re-printing any node's slice gives that node back.
        expect(parsed.span).toEqual({ start: 0, end: text.length });
      }),
      { numRuns: 1000 },
    );
  });

  it('prints minimal parentheses', () => {
    const cases: Array<[string, string]> = [
      ['(a and b) or c', 'a and b or c'],
      ['a and (b or c)', 'a and (b or c)'],
      ['a or (b or c)', 'a or b or c'],
      ['(a + b) * c', '(a + b) * c'],
      ['a + (b * c)', 'a + b * c'],
      ['a - (b - c)', 'a - (b - c)'],
      ['(a - b) - c', 'a - b - c'],
      ['not (a = 1)', 'not a = 1'],
      ['(not a) = b', '(not a) = b'],
      ['-(a + 1)', '-(a + 1)'],
      ['x   between 1+1 and   2', 'x between 1 + 1 and 2'],
      ['count(  purchase.amount   where  x>1 within 30d )', 'count(purchase.amount where x > 1 within 30d)'],
      ['last(purchase).at', 'last(purchase).at'],
      ['`Unit Price`*Quantity', '`Unit Price` * Quantity'],
      ['`next`', '`next`'],
    ];
    for (const [input, canonical] of cases) expect(printRule(parseOk(input))).toBe(canonical);
  });
});
