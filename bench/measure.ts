import { performance } from 'node:perf_hooks';
import type { BenchSuite } from './types.ts';

export interface CaseResult {
  name: string;
  baseline: boolean;
  runs: number;
  /** Milliseconds. */
  median: number;
  min: number;
  max: number;
  /** median / the baseline case's median (absent when the suite has no baseline). */
  ratio?: number;
  units?: number;
  unitName?: string;
  /** Units per second at the median. */
  throughput?: number;
  /** Why the case could not be measured (its figures are NaN). */
  error?: string;
}

export interface SuiteResult {
  suite: string;
  node: string;
  platform: string;
  cases: CaseResult[];
  targets: Array<{ description: string; passed: boolean; detail?: string }>;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The p-th percentile (0-100) of samples, nearest rank; NaN without samples. */
export function percentileOf(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Runs one suite: before, then per case warmup + measured runs (setup and teardown untimed), then
 * after. Consecutive cases of the same `group` are measured interleaved (one run of each in turn,
 * the order reversed every round), so a load that comes and goes on the machine affects both
 * sides of a comparison alike instead of whichever case happened to run at the time.
 */
export async function measureSuite(
  suite: BenchSuite,
  options: { runs?: number; onCase?: (name: string) => void } = {},
): Promise<SuiteResult> {
  const runs = options.runs ?? suite.runs ?? 7;
  const warmup = suite.warmup ?? 1;
  const cases: CaseResult[] = [];
  await suite.before?.();
  try {
    for (const block of blocks(suite.cases)) cases.push(...(await measureBlock(block, warmup, runs, options.onCase)));
  } finally {
    await suite.after?.();
  }
  const base = cases.find((c) => c.baseline);
  if (base) for (const c of cases) c.ratio = c.median / base.median;
  const medians = Object.fromEntries(cases.filter((c) => c.error === undefined).map((c) => [c.name, c.median]));
  const targets = (suite.targets ?? []).map((t) => {
    let passed = false;
    let detail: string | undefined;
    try {
      passed = t.check(medians) === true;
      detail = t.detail?.(medians);
    } catch {
      passed = false; // a target that cannot be evaluated (a missing case) has not been met
    }
    return { description: t.description, passed, ...(detail !== undefined ? { detail } : {}) };
  });
  return { suite: suite.name, node: process.version, platform: `${process.platform}-${process.arch}`, cases, targets };
}

type Case = BenchSuite['cases'][number];

/** The cases in order, consecutive cases of one group together. */
function blocks(cases: readonly Case[]): Case[][] {
  const out: Case[][] = [];
  for (const c of cases) {
    const last = out[out.length - 1];
    if (last && c.group !== undefined && last[0]!.group === c.group) last.push(c);
    else out.push([c]);
  }
  return out;
}

async function measureBlock(block: readonly Case[], warmup: number, runs: number, onCase?: (name: string) => void): Promise<CaseResult[]> {
  const times = block.map(() => [] as number[]);
  const errors: Array<string | undefined> = block.map(() => undefined);
  for (const c of block) onCase?.(c.name);
  for (let i = 0; i < warmup + runs; i++) {
    const order = block.map((_, k) => k);
    if (i % 2 === 1) order.reverse();
    for (const k of order) {
      if (errors[k] !== undefined) continue;
      const c = block[k]!;
      try {
        await c.setup?.();
        const start = performance.now();
        await c.run();
        const elapsed = performance.now() - start;
        await c.teardown?.();
        if (i >= warmup) times[k]!.push(elapsed);
      } catch (e) {
        // One broken case must not hide the others' figures; its targets fail.
        errors[k] = (e as Error).message;
      }
    }
  }
  return block.map((c, k): CaseResult => {
    const base = { name: c.name, baseline: c.baseline === true };
    if (errors[k] !== undefined) return { ...base, runs: times[k]!.length, median: NaN, min: NaN, max: NaN, error: errors[k] };
    const m = median(times[k]!);
    return {
      ...base,
      runs,
      median: m,
      min: Math.min(...times[k]!),
      max: Math.max(...times[k]!),
      ...(c.units !== undefined ? { units: c.units, unitName: c.unitName ?? 'units', throughput: c.units / (m / 1000) } : {}),
    };
  });
}

function ms(value: number): string {
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 1) return `${value.toFixed(1)} ms`;
  return `${(value * 1000).toFixed(0)} µs`;
}

function rate(c: CaseResult): string {
  if (c.throughput === undefined) return '';
  const v = c.throughput;
  const n = v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : v.toFixed(0);
  return `${n} ${c.unitName}/s`;
}

export function formatTable(result: SuiteResult): string {
  const header = ['case', 'median', 'min', 'max', 'vs baseline', 'throughput'];
  const rows = result.cases.map((c) => {
    const name = `${c.name}${c.baseline ? ' (baseline)' : ''}`;
    if (c.error !== undefined) return [name, 'failed', '', '', '', c.error.split('\n')[0]!.slice(0, 80)];
    return [name, ms(c.median), ms(c.min), ms(c.max), c.ratio !== undefined ? `${c.ratio.toFixed(2)}x` : '', rate(c)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `  ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
