import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runPipeline } from '../../compiler/index.ts';
import { lookupCode } from '../../compiler/diagnostics/catalogue/index.ts';
import { sourcesCodes } from '../../compiler/diagnostics/catalogue/sources.ts';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'ingest-diagnostics');

it('reports every Source problem once, at its exact position, with a did-you-mean', () => {
  const result = runPipeline(DIR, { emit: false });
  const actual = result.diagnostics.map((d) => ({
    code: d.code,
    severity: d.severity,
    at: `${d.file}:${d.range?.start.line}:${d.range?.start.column}`,
    message: d.message,
    ...(d.help ? { help: d.help } : {}),
  }));
  const path = join(DIR, 'expected.json');
  if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(path)) writeFileSync(path, `${JSON.stringify(actual, null, 2)}\n`);
  expect(actual).toEqual(JSON.parse(readFileSync(path, 'utf8')));
  // Every code of the sources catalogue is exercised by this fixture.
  expect(new Set(actual.map((d) => d.code))).toEqual(new Set(sourcesCodes.map((c) => c.code)));
});

it('documents every code', () => {
  for (const entry of sourcesCodes) {
    expect(lookupCode(entry.code)).toBe(entry);
    expect(entry.explanation.length).toBeGreaterThan(120);
  }
});

it('compiles the flagship Source to a block the runtime can run', () => {
  const result = runPipeline(join(import.meta.dirname, '..', '..', 'campaigns'), { emit: true });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  expect(errors).toEqual([]);
  const manifest = result.emitted!.manifest as { definitions: Record<string, { compiled?: Record<string, unknown> }> };
  const block = manifest.definitions['Source/online_retail']!.compiled!;
  expect(block).toMatchObject({
    name: 'online_retail',
    format: 'csv',
    files: ['data/online-retail/*.csv'],
    csv: { delimiter: ',', encoding: 'utf8', header: true },
    timezone: 'Europe/London',
    timestampFormat: 'YYYY-MM-DD HH:mm:ss',
    standardize: { 'customers.country': 'country' },
    piiColumns: [],
  });
  const rejectWhen = block.rejectWhen as Array<{ reason: string; rule: { text: string; ast?: unknown } }>;
  expect(rejectWhen.map((r) => r.reason)).toEqual(['missing_customer', 'negative_quantity']);
  expect(rejectWhen.every((r) => r.rule.ast !== undefined)).toBe(true);
});
