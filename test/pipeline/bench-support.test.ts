import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateWorkspace } from '../../bench/generate-workspace.ts';
import { formatTable, measureSuite, median } from '../../bench/measure.ts';
import { runPipeline } from '../../compiler/index.ts';

describe('bench workspace generator', () => {
  it('generates a workspace that compiles without errors (so benchmarks time the real path)', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'herald-gen-')), 'ws');
    const generated = generateWorkspace(dir, { definitions: 60 });
    expect(Object.values(generated.counts).reduce((a, b) => a + b, 0)).toBe(60);
    const result = runPipeline(dir, { emit: true });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(Object.keys(result.emitted!.manifest.definitions)).toHaveLength(61);
  });

  it('is deterministic', () => {
    const a = runPipeline(generateWorkspace(join(mkdtempSync(join(tmpdir(), 'herald-gen-')), 'ws'), { definitions: 40, seed: 7 }).dir, {
      emit: true,
    });
    const b = runPipeline(generateWorkspace(join(mkdtempSync(join(tmpdir(), 'herald-gen-')), 'ws'), { definitions: 40, seed: 7 }).dir, {
      emit: true,
    });
    expect(a.emitted!.files.get('manifest.json')).toBe(b.emitted!.files.get('manifest.json'));
  });
});

describe('bench measurement', () => {
  it('takes medians', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('runs warmup and measured runs, computes ratios and throughput, and evaluates targets', async () => {
    const calls: string[] = [];
    const result = await measureSuite({
      name: 'demo',
      runs: 3,
      warmup: 2,
      before: () => void calls.push('before'),
      after: () => void calls.push('after'),
      cases: [
        { name: 'base', baseline: true, run: () => void calls.push('base') },
        { name: 'work', units: 1000, unitName: 'rows', setup: () => void calls.push('setup'), run: () => void calls.push('work') },
      ],
      targets: [
        { description: 'always', check: () => true },
        { description: 'missing case', check: (m) => m['nope']! < 1 },
      ],
    });
    expect(calls.filter((c) => c === 'base')).toHaveLength(5);
    expect(calls.filter((c) => c === 'setup')).toHaveLength(5);
    expect(calls[0]).toBe('before');
    expect(calls.at(-1)).toBe('after');
    expect(result.cases.map((c) => [c.name, c.runs, c.baseline])).toEqual([
      ['base', 3, true],
      ['work', 3, false],
    ]);
    expect(result.cases[0]!.ratio).toBe(1);
    expect(result.cases[1]!.throughput).toBeGreaterThan(0);
    expect(result.targets).toEqual([
      { description: 'always', passed: true },
      { description: 'missing case', passed: false },
    ]);
    expect(formatTable(result)).toContain('base (baseline)');
  });

  it('measures the cases of a group turn about, reversing the order each round', async () => {
    const calls: string[] = [];
    const result = await measureSuite({
      name: 'pairs',
      runs: 3,
      warmup: 1,
      cases: [
        { name: 'alone', run: () => void calls.push('alone') },
        { name: 'hand', group: 'q', baseline: true, run: () => void calls.push('hand') },
        { name: 'herald', group: 'q', run: () => void calls.push('herald') },
        {
          name: 'broken',
          group: 'q',
          run: () => {
            calls.push('broken');
            throw new Error('no such table');
          },
        },
      ],
    });
    expect(calls).toEqual([
      'alone',
      'alone',
      'alone',
      'alone',
      'hand',
      'herald',
      'broken',
      'herald',
      'hand',
      'hand',
      'herald',
      'herald',
      'hand',
    ]);
    expect(result.cases.map((c) => [c.name, c.runs, c.error])).toEqual([
      ['alone', 3, undefined],
      ['hand', 3, undefined],
      ['herald', 3, undefined],
      ['broken', 0, 'no such table'],
    ]);
  });
});
