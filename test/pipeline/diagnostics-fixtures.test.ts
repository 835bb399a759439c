import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../compiler/index.ts';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';

/**
 * Fixture folders: test/fixtures/pipeline/diagnostics/<case>/input is a workspace, expected.json
 * every diagnostic the whole compiler (load, validate, analyze, emit) reports for it: code,
 * severity, message, position, help and notes. For problems only the kind analyzers and emitters
 * see, which the phase fixtures (test/fixtures/validate, pipeline/analyze, dsl) do not run.
 * `UPDATE_SNAPSHOTS=1 npx vitest run test/pipeline` rewrites the expected files.
 */
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'pipeline', 'diagnostics');
const update = process.env.UPDATE_SNAPSHOTS === '1';

function describeDiagnostic(d: Diagnostic) {
  const at = d.range ? `${d.file}:${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column}` : d.file;
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    at,
    ...(d.help ? { help: d.help } : {}),
    ...(d.notes?.length ? { notes: d.notes } : {}),
  };
}

describe('whole-compiler diagnostic fixtures', () => {
  for (const name of readdirSync(FIXTURES).sort()) {
    it(name, () => {
      const dir = join(FIXTURES, name);
      const actual = { diagnostics: runPipeline(join(dir, 'input'), { emit: true }).diagnostics.map(describeDiagnostic) };
      const file = join(dir, 'expected.json');
      if (update || !existsSync(file)) {
        writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
        if (!update) throw new Error(`wrote ${file}; check it and run again`);
        return;
      }
      expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
      // The fixture's name starts with the code it is there for.
      expect(actual.diagnostics.map((d) => d.code.toLowerCase())).toContain(name.split('-')[0]);
    });
  }
});
