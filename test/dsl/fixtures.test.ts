import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRules } from '../../compiler/1-load/rules.ts';
import { sortDiagnostics, type Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { analyzeSegment } from '../../compiler/3-analyze/kinds/segment.ts';
import { analyzeTrait } from '../../compiler/3-analyze/kinds/trait.ts';
import { dslCodes } from '../../compiler/diagnostics/catalogue/dsl.ts';
import { definitionsOf, documentsOf, fakeContext, summarize } from './support.ts';

/**
 * Fixture folders: test/fixtures/dsl/<case>/input.yaml (Trait and Segment documents over the
 * flagship data model) → expected.json (every diagnostic: code, message, line:col range, the text
 * it underlines, help). Phase 1 (syntax) runs first; phase 3 (types) only when syntax is clean.
 * UPDATE_SNAPSHOTS=1 rewrites expected.json.
 */
const ROOT = join(import.meta.dirname, '..', 'fixtures', 'dsl');

function run(text: string): Diagnostic[] {
  const documents = documentsOf(text, 'input.yaml');
  const parsed = parseRules(documents);
  if (parsed.diagnostics.length > 0) return parsed.diagnostics;
  const definitions = definitionsOf(documents);
  const ctx = fakeContext(definitions);
  for (const def of definitions) {
    if (def.kind === 'Trait') analyzeTrait(def, ctx);
    if (def.kind === 'Segment') analyzeSegment(def, ctx);
  }
  return ctx.diagnostics;
}

describe('rule DSL fixtures', () => {
  for (const name of readdirSync(ROOT).sort()) {
    const dir = join(ROOT, name);
    if (!existsSync(join(dir, 'input.yaml'))) continue;
    it(name, () => {
      const text = readFileSync(join(dir, 'input.yaml'), 'utf8');
      const actual = sortDiagnostics(run(text)).map((d) => summarize(d, text));
      const expectedFile = join(dir, 'expected.json');
      if (process.env.UPDATE_SNAPSHOTS === '1') {
        writeFileSync(expectedFile, JSON.stringify(actual, null, 2) + '\n');
      }
      expect(actual).toEqual(JSON.parse(readFileSync(expectedFile, 'utf8')));
    });
  }
});

describe('rule DSL catalogue', () => {
  it('every code has a fixture asserting its message and position', () => {
    const seen = new Set<string>();
    for (const name of readdirSync(ROOT)) {
      const file = join(ROOT, name, 'expected.json');
      if (existsSync(file)) for (const d of JSON.parse(readFileSync(file, 'utf8')) as Array<{ code: string }>) seen.add(d.code);
    }
    expect(dslCodes.map((c) => c.code).filter((code) => !seen.has(code))).toEqual([]);
  });

  it('every code has a title and a long explanation', () => {
    for (const entry of dslCodes) {
      expect(entry.title.length, entry.code).toBeGreaterThan(5);
      expect(entry.explanation.length, entry.code).toBeGreaterThan(80);
    }
  });
});
