import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Document, Scalar } from 'yaml';
import { parseRules, ruleRange, type RuleSite } from '../../compiler/1-load/rules.ts';
import { printRule } from '../../compiler/dsl/print.ts';
import type { Expr } from '../../compiler/contract/core/ast.ts';
import { arbitraryExpr } from './arbitrary.ts';
import { documentsOf } from './support.ts';

function segmentYaml(where: string): string {
  return `apiVersion: herald/v1\nkind: Segment\nmetadata: { name: s }\nspec:\n  where: ${where}\n`;
}

function onlySite(text: string): { site: RuleSite; diagnostics: ReturnType<typeof parseRules>['diagnostics'] } {
  const parsed = parseRules(documentsOf(text));
  expect(parsed.rules).toHaveLength(1);
  return { site: parsed.rules[0]!, diagnostics: parsed.diagnostics };
}

/** The text in the file that a span of the rule maps to. */
function fileSlice(site: RuleSite, start: number, end: number): string {
  const range = ruleRange(site, { start, end });
  return site.doc.file.text.slice(range.start.offset, range.end.offset);
}

describe('rule positions in YAML scalars', () => {
  it('finds rules through the schema and records the scope', () => {
    const { site } = onlySite(segmentYaml('email_consent'));
    expect(site.path).toEqual(['spec', 'where']);
    expect(site.scope).toBe('customer');
    expect(site.ast?.kind).toBe('path');
  });

  it('skips documents of unknown kind and non-string values', () => {
    const parsed = parseRules(documentsOf('kind: Nope\nspec: { where: "a and and" }\n---\nkind: Segment\nspec: { where: 5 }\n'));
    expect(parsed.rules).toEqual([]);
    expect(parsed.diagnostics).toEqual([]);
  });

  const styles: Array<[string, string, string]> = [
    ['plain', 'country = "UK" and and x', 'and'],
    ['double-quoted with escapes', '"country = \\"UK\\"\\tand \\u0041 = \\"a\\\\\\\\b\\" and and x"', 'and'],
    ['single-quoted', "'a = \"it''s\" and and x'", 'and'],
    ['plain over several lines', 'country = "UK"\n    and\n    email_consent and and x', 'and'],
    ['literal block', '|\n    country = "UK"\n      and email_consent\n    and and x\n', 'and'],
    ['folded block', '>-\n    country = "UK"\n    and email_consent\n\n    and and x\n', 'and'],
    ['literal block, keep chomping', '|+\n    a and and\n\n', 'and'],
  ];
  for (const [name, yamlValue, underlined] of styles) {
    it(`points at the exact text in a ${name} scalar`, () => {
      const text = segmentYaml(yamlValue);
      const { site, diagnostics } = onlySite(text);
      expect(diagnostics).toHaveLength(1);
      const d = diagnostics[0]!;
      expect(d.code).toBe('HL134');
      expect(text.slice(d.range!.start.offset, d.range!.end.offset)).toBe(underlined);
      // The second `and` of `and and` is the one reported.
      const lines = text.split('\n');
      expect(lines[d.range!.start.line - 1]!.slice(d.range!.start.column - 1)).toMatch(/^and (x|\s*$)|^and$/);
      expect(site.text).toContain('and and');
    });
  }

  it('maps every name of random rules back to its text, in every scalar style', () => {
    const types = [Scalar.PLAIN, Scalar.QUOTE_DOUBLE, Scalar.QUOTE_SINGLE, Scalar.BLOCK_LITERAL, Scalar.BLOCK_FOLDED] as const;
    fc.assert(
      fc.property(arbitraryExpr, fc.constantFrom(...types), fc.integer({ min: 20, max: 80 }), (ast, type, lineWidth) => {
        const rule = printRule(ast);
        const doc = new Document({ apiVersion: 'herald/v1', kind: 'Segment', metadata: { name: 's' }, spec: { where: rule } });
        (doc.getIn(['spec', 'where'], true) as Scalar).type = type;
        const text = doc.toString({ lineWidth, minContentWidth: 10 });
        const { site } = onlySite(text);
        expect(site.text).toBe(rule);
        expect(site.offsets.exact).toBe(true);
        const parsed = site.ast!;
        visitPaths(parsed, (node) => {
          const written = rule.slice(node.span.start, node.span.end);
          // Names without escapes are written in the file as in the rule, except that a long
          // double-quoted line may be broken inside a name with an escaped line break.
          if (/^[A-Za-z_][A-Za-z0-9_.]*$/.test(written)) {
            expect(fileSlice(site, node.span.start, node.span.end).replace(/\\\n\s*/g, '')).toBe(written);
          }
        });
      }),
      { numRuns: 800 },
    );
  });
});

function visitPaths(e: Expr, f: (e: Expr) => void): void {
  if (e.kind === 'path') f(e);
  for (const value of Object.values(e)) {
    if (Array.isArray(value)) value.forEach((v) => v && typeof v === 'object' && 'kind' in v && visitPaths(v as Expr, f));
    else if (value && typeof value === 'object' && 'kind' in value && 'span' in value) visitPaths(value as Expr, f);
  }
}
