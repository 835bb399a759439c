import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { load } from '../../compiler/1-load/index.ts';
import { analyze } from '../../compiler/3-analyze/index.ts';
import { sortDiagnostics, type Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { testSchemaOf, trustingValidate } from './support.ts';

/**
 * Fixture folders: test/fixtures/pipeline/analyze/<case>/input is a workspace, expected.json the
 * diagnostics phase 3 reports (code, message, position, help, notes) and the dependency order.
 * `UPDATE_SNAPSHOTS=1 npx vitest run test/analyze` rewrites the expected files.
 */
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'pipeline', 'analyze');
const update = process.env.UPDATE_SNAPSHOTS === '1';

function describeDiagnostic(d: Diagnostic) {
  const at = d.range ? `${d.file}:${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column}` : d.file;
  return { code: d.code, severity: d.severity, message: d.message, at, help: d.help, notes: d.notes };
}

describe('analyze fixtures', () => {
  for (const name of readdirSync(FIXTURES).sort()) {
    it(name, () => {
      const dir = join(FIXTURES, name);
      const optionsFile = join(dir, 'options.json');
      const options = existsSync(optionsFile) ? (JSON.parse(readFileSync(optionsFile, 'utf8')) as { reject?: string[] }) : {};
      const loaded = load(join(dir, 'input'));
      expect(loaded.diagnostics).toEqual([]);
      const validated = trustingValidate(loaded, options.reject);
      // Only the generic checks: the real kind analyzers would (rightly) reject these minimal specs.
      const result = analyze(loaded, validated, { specSchemaOf: testSchemaOf, kindAnalyzers: [] });
      const actual = {
        diagnostics: sortDiagnostics(result.diagnostics).map(describeDiagnostic),
        order: result.order,
      };
      const expectedFile = join(dir, 'expected.json');
      if (update || !existsSync(expectedFile)) writeFileSync(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
      expect(JSON.parse(JSON.stringify(actual))).toEqual(JSON.parse(readFileSync(expectedFile, 'utf8')));
    });
  }
});
