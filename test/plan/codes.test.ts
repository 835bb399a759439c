import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planCodes } from '../../compiler/diagnostics/catalogue/plan.ts';
import { insightsCodes } from '../../compiler/diagnostics/catalogue/insights.ts';
import { catalogue } from '../../compiler/diagnostics/catalogue/index.ts';
import { runCli } from '../pipeline/run-cli.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const source = [...filesUnder(join(ROOT, 'cli', 'plan')), join(ROOT, 'cli', 'commands', 'plan.ts')]
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');
const tests = filesUnder(import.meta.dirname)
  .filter((f) => !f.endsWith('codes.test.ts'))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');

describe('the plan diagnostic codes', () => {
  it('lie in the plan ranges (HL390–399, HL450–459, HL550–559), each with a title and a long explanation', () => {
    for (const e of planCodes) {
      expect(e.code, e.code).toMatch(/^HL(39|45|55)\d$/);
      expect(e.title.length, e.code).toBeGreaterThan(8);
      expect(e.explanation.length, e.code).toBeGreaterThan(150);
      expect(catalogue.get(e.code)).toBe(e);
    }
  });

  it('every code the plan emits is in the catalogue, and every catalogue code is emitted', () => {
    // The plan also reports experiment planning (HL397), whose code belongs to the insights area.
    const insights = new Set(insightsCodes.map((e) => e.code));
    const emitted = new Set(source.match(/HL\d{3}/g)?.filter((c) => !insights.has(c)));
    expect([...emitted].sort()).toEqual(planCodes.map((e) => e.code).sort());
  });

  it('every code is asserted by a test of the plan', () => {
    for (const e of planCodes) expect(tests, `${e.code} has no test in test/plan/`).toMatch(new RegExp(`\\b${e.code}\\b`));
  });

  it('herald explain-code explains them', async () => {
    const run = await runCli(['explain-code', 'HL554'], ROOT);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('HL554: no data to count audiences on');
  });
});
