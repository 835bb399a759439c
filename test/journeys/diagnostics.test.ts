import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../compiler/index.ts';
import { sortDiagnostics } from '../../compiler/diagnostics/diagnostic.ts';
import { journeysCodes } from '../../compiler/diagnostics/catalogue/journeys.ts';
import { FIXTURES, describeDiagnostic, workspaceFrom } from './support.ts';

/**
 * Fixture folders: test/fixtures/journeys/<case>/input.yaml (and, where the case needs it, its own
 * herald.yaml) on top of the shared _workspace/; expected.json lists every diagnostic reported in
 * input.yaml: code, severity, message, position and help. `UPDATE_SNAPSHOTS=1 npx vitest run
 * test/journeys/diagnostics.test.ts` rewrites the expected files (review the diff).
 */
const update = process.env.UPDATE_SNAPSHOTS === '1';
const cases = readdirSync(FIXTURES)
  .filter((n) => !n.startsWith('_'))
  .sort();

describe('journey, campaign and test diagnostics', () => {
  for (const name of cases) {
    it(name, () => {
      const dir = workspaceFrom(join(FIXTURES, '_workspace'), join(FIXTURES, name));
      const result = runPipeline(dir, { emit: false });
      const actual = sortDiagnostics(result.diagnostics.filter((d) => d.file === 'input.yaml')).map(describeDiagnostic);
      const file = join(FIXTURES, name, 'expected.json');
      if (update || !existsSync(file)) writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
      expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
      // The case is named after the code it is about, which must be among what it reports.
      expect(actual.map((d) => d.code)).toContain(name.slice(0, 5));
    });
  }

  it('every compile-time journey code has a fixture, and every code a long explanation', () => {
    const covered = new Set(cases.map((c) => c.slice(0, 5)));
    const compileTime = journeysCodes.filter((c) => Number(c.code.slice(2)) < 500).map((c) => c.code);
    expect(compileTime.filter((c) => !covered.has(c))).toEqual([]);
    for (const entry of journeysCodes) expect(entry.explanation.length, entry.code).toBeGreaterThan(120);
  });
});
