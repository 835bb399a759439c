import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../compiler/index.ts';
import { sortDiagnostics, type Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import { deliveryCodes } from '../../compiler/diagnostics/catalogue/delivery.ts';

/**
 * Fixture folders for the delivery settings' checks: test/fixtures/delivery-settings/<case>/
 * workspace/ and expected.json (the errors and the HL31x diagnostics of a full analysis).
 * `UPDATE_SNAPSHOTS=1` rewrites expected.json.
 */
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'delivery-settings');
const update = process.env.UPDATE_SNAPSHOTS === '1';
afterAll(() => stopMjmlWorker());

function summarize(d: Diagnostic) {
  const r = d.range;
  return {
    code: d.code,
    severity: d.severity,
    at: `${d.file ?? '-'}${r ? `:${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}` : ''}`,
    message: d.message,
    ...(d.help ? { help: d.help } : {}),
  };
}

describe('delivery settings diagnostics', () => {
  const cases = readdirSync(FIXTURES).sort();
  for (const name of cases) {
    it(name, () => {
      const result = runPipeline(join(FIXTURES, name, 'workspace'), { emit: false });
      // Unused-definition warnings and the like are other checks' business.
      const actual = {
        diagnostics: sortDiagnostics(result.diagnostics.filter((d) => d.severity === 'error' || /^HL31[5-9]$/.test(d.code))).map(summarize),
      };
      const file = join(FIXTURES, name, 'expected.json');
      if (update || !existsSync(file)) {
        writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
        if (!update) throw new Error(`wrote ${file}; check it and run again`);
        return;
      }
      expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    });
  }

  it('has a fixture for every compile-time delivery code', () => {
    const seen = new Set(
      cases.flatMap((c) =>
        (JSON.parse(readFileSync(join(FIXTURES, c, 'expected.json'), 'utf8')) as { diagnostics: Array<{ code: string }> }).diagnostics.map(
          (d) => d.code,
        ),
      ),
    );
    for (const e of deliveryCodes.filter((e) => e.code < 'HL5')) expect(seen, e.code).toContain(e.code);
  });

  it('every delivery code has a title and a real explanation', () => {
    for (const e of deliveryCodes) {
      expect(e.title.length, e.code).toBeGreaterThan(3);
      expect(e.explanation.length, e.code).toBeGreaterThan(100);
    }
  });
});
