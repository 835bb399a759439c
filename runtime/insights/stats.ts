import { normalCdf } from '../delivery/report/stats.ts';
import type { Rng } from '../models/rng.ts';

/**
 * The statistics of `herald report`'s incrementality and of `herald plan`'s experiment planning:
 * intervals of a difference of rates (normal approximation), of a difference of means (percentile
 * bootstrap over customers, since revenue per recipient is mostly zeros and heavily skewed), the
 * Bonferroni correction for A/B/n tests, and the minimum detectable effect of a split.
 */

/** The two-sided interval's confidence before any correction. */
export const CONFIDENCE = 0.95;

/** Φ⁻¹(p): Acklam's rational approximation (relative error below 1.2e-9), enough for any interval. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * The per-comparison error rate of a family of `comparisons` tests at a family-wide `alpha`
 * (Bonferroni): A/B/n tests with more than two variants compare each variant with the holdout and
 * with each other, and without a correction one of them would look significant by chance far more
 * often than the stated 5%.
 */
export function correctedAlpha(alpha: number, comparisons: number): number {
  return comparisons > 1 ? alpha / comparisons : alpha;
}

/** The level one comparison is tested at: a family-wide `alpha` (default 5%) shared by `comparisons` tests (default 1). */
export interface TestLevel {
  alpha?: number;
  comparisons?: number;
}

/** A test level's per-comparison alpha (Bonferroni-corrected) and its two-sided critical value z₁₋α/₂. */
export function criticalValue(level: TestLevel = {}): { alpha: number; z: number } {
  const alpha = correctedAlpha(level.alpha ?? 1 - CONFIDENCE, level.comparisons ?? 1);
  return { alpha, z: normalQuantile(1 - alpha / 2) };
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
  /** The interval's confidence after any correction (0.95, or e.g. 0.9833 for three comparisons). */
  confidence: number;
}

export interface RateDifference extends Interval {
  rateTreated: number;
  rateControl: number;
  /** Two-sided p-value of the difference (unpooled z), multiplied by the number of comparisons. */
  p: number;
}

/**
 * The difference of two conversion rates x₁/n₁ − x₂/n₂ with a Wald interval (unpooled standard
 * error) at `1 − alpha`. Undefined when either group is empty.
 */
export function rateDifference(x1: number, n1: number, x2: number, n2: number, level: TestLevel = {}): RateDifference | undefined {
  if (n1 === 0 || n2 === 0) return undefined;
  const { alpha: a, z } = criticalValue(level);
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  // Agresti-Caffo: one success and one failure added to each group keeps the interval honest when
  // a rate is near 0 (a plain Wald interval collapses to a point at 0 conversions).
  const q1 = (x1 + 1) / (n1 + 2);
  const q2 = (x2 + 1) / (n2 + 2);
  const se = Math.sqrt((q1 * (1 - q1)) / (n1 + 2) + (q2 * (1 - q2)) / (n2 + 2));
  const centre = q1 - q2;
  const estimate = p1 - p2;
  const seTest = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const raw = seTest > 0 ? 2 * (1 - normalCdf(Math.abs(estimate) / seTest)) : estimate === 0 ? 1 : 0;
  return {
    estimate,
    low: centre - z * se,
    high: centre + z * se,
    confidence: 1 - a,
    rateTreated: p1,
    rateControl: p2,
    p: Math.min(1, raw * Math.max(1, level.comparisons ?? 1)),
  };
}

/** Resamples of the bootstrap: enough for stable 2.5% and 97.5% percentiles. */
export const BOOTSTRAP_RESAMPLES = 1000;

/**
 * The difference of two means (treated − control) with a percentile bootstrap interval: each
 * group is resampled with replacement (customers are the unit, so a customer's several purchases
 * move together), `resamples` times, and the interval is the `alpha/2` and `1 − alpha/2`
 * percentiles of the resampled differences. Mostly-zero values (most recipients buy nothing)
 * are resampled as "how many non-zero draws" first, which is exact and much faster.
 */
export function meanDifference(
  treated: Float64Array,
  control: Float64Array,
  rng: Rng,
  level: TestLevel = {},
  resamples = BOOTSTRAP_RESAMPLES,
): Interval | undefined {
  if (treated.length === 0 || control.length === 0) return undefined;
  const a = criticalValue(level).alpha;
  const t = sparse(treated);
  const c = sparse(control);
  const diffs = new Float64Array(resamples);
  for (let i = 0; i < resamples; i++) diffs[i] = resampledMean(t, rng) - resampledMean(c, rng);
  diffs.sort();
  return { estimate: mean(treated) - mean(control), low: percentile(diffs, a / 2), high: percentile(diffs, 1 - a / 2), confidence: 1 - a };
}

interface Sparse {
  n: number;
  nonZero: Float64Array;
}

/** Sorted, so the same values give the same resamples whatever order the customers came in. */
function sparse(values: Float64Array): Sparse {
  return { n: values.length, nonZero: values.filter((v) => v !== 0).sort() };
}

/** The mean of n draws with replacement: how many draws hit a non-zero value (binomial), then which. */
function resampledMean(s: Sparse, rng: Rng): number {
  const k = s.nonZero.length;
  if (k === 0) return 0;
  const hits = binomial(s.n, k / s.n, rng);
  let sum = 0;
  for (let i = 0; i < hits; i++) sum += s.nonZero[rng.int(k)]!;
  return sum / s.n;
}

/**
 * A binomial draw: by the waiting-time method (geometric gaps between successes), which is exact
 * and costs O(np); past a variance of 1,000 by the normal approximation, whose error there is far
 * below what a bootstrap percentile can tell apart.
 */
export function binomial(n: number, p: number, rng: Rng): number {
  if (p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(n, 1 - p, rng);
  const variance = n * p * (1 - p);
  if (variance > 1000) return Math.min(n, Math.max(0, Math.round(n * p + Math.sqrt(variance) * rng.normal())));
  const logQ = Math.log(1 - p);
  let count = 0;
  let position = 0;
  for (;;) {
    position += Math.floor(Math.log(1 - rng.next()) / logQ) + 1;
    if (position > n) return count;
    count++;
  }
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return values.length > 0 ? sum / values.length : 0;
}

/** Linear interpolation between order statistics of an ascending array. */
function percentile(sorted: Float64Array, q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** The power every plan is held to. */
export const POWER = 0.8;

/**
 * The minimum detectable effect (absolute difference of conversion rates) of a comparison of n₁
 * against n₂ recipients at base rate p, two-sided `alpha` (corrected for the comparisons) and 80%
 * power: (z₁₋α/₂ + z_power) √(p(1 − p)(1/n₁ + 1/n₂)). Infinity when a group is empty.
 */
export function minimumDetectableEffect(baseRate: number, n1: number, n2: number, level: TestLevel = {}, power = POWER): number {
  if (n1 <= 0 || n2 <= 0) return Infinity;
  const p = Math.min(Math.max(baseRate, 1e-6), 1 - 1e-6);
  const z = criticalValue(level).z + normalQuantile(power);
  return z * Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
}
