import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseRule } from '../../compiler/dsl/parse.ts';
import { printRule } from '../../compiler/dsl/print.ts';
import { stripSpans } from '../../compiler/dsl/strip-spans.ts';
import { arbitraryExpr } from './arbitrary.ts';

function parseOk(text: string) {
  const result = parseRule(text);
  if (!result.ok) throw new Error(`${text}\n${JSON.stringify(result.errors)}`);
  return result.ast;
}

describe('print/parse round trip', () => {
  it('parse(print(ast)) equals ast, spans aside', () => {
    fc.assert(
      fc.property(arbitraryExpr, (ast) => {
        expect(stripSpans(parseOk(printRule(ast)))).toEqual(stripSpans(ast));
      }),
      { numRuns: 3000 },
    );
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
