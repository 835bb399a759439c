import { seededRng } from '../rng.ts';

/** A metric's mean over the folds and its 95% interval. */
export interface Estimate {
  mean: number;
  low: number;
  high: number;
}

/**
 * The mean over folds of a per-fold metric, and its 95% percentile interval from a bootstrap over
 * customers: each replicate redraws every fold's customers with replacement (folds kept apart, so
 * a large fold cannot stand in for a small one) and averages the folds' metrics.
 * `metric(fold, rows)` measures fold `fold` on the given row indices (repeats allowed).
 */
export function bootstrapOverFolds(
  sizes: readonly number[],
  metric: (fold: number, rows: Int32Array) => number,
  replicates = 200,
  seed = 7,
): Estimate {
  const all = sizes.map((n) => Int32Array.from({ length: n }, (_, i) => i));
  const mean = average(sizes.map((_, f) => metric(f, all[f]!)));
  const rng = seededRng(seed);
  const draws: number[] = [];
  for (let r = 0; r < replicates; r++) {
    const values = sizes.map((n, f) => {
      const rows = new Int32Array(n);
      for (let i = 0; i < n; i++) rows[i] = rng.int(n);
      return metric(f, rows);
    });
    const m = average(values);
    if (Number.isFinite(m)) draws.push(m);
  }
  draws.sort((a, b) => a - b);
  if (draws.length === 0) return { mean, low: NaN, high: NaN };
  return { mean, low: quantile(draws, 0.025), high: quantile(draws, 0.975) };
}

function average(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : NaN;
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
