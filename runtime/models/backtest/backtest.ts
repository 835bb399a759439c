import { bootstrapOverFolds, type Estimate } from './bootstrap.ts';
import type { Fold, FoldPlan } from './folds.ts';

/**
 * A model's backtest: the same metrics for the model and each baseline, as means over the
 * backtest folds with 95% bootstrap intervals, and on the final test fold (which nothing before
 * reads), plus each fold's own figures. Written into the report and printed by `herald train`.
 */
export interface Backtest {
  folds: Array<{ index: number; cutoff: string; testEnd: string; final: boolean; train: number; test: number }>;
  /** The model first, then the baselines. */
  contenders: ContenderResult[];
  metrics: string[];
  /** How each fold's model was tuned (L2 strength by cross-validation, blend weights on a validation window). */
  tuning?: Array<{
    fold: number;
    choice: string;
    tried?: Array<{ setting: string; loss: number }>;
    iterations?: number;
    converged?: boolean;
  }>;
}

export interface ContenderResult {
  name: string;
  description: string;
  backtest: Record<string, Estimate>;
  final: Record<string, Estimate>;
  perFold: Array<Record<string, number>>;
}

/**
 * Measures a contender on fold `fold` (0-based over backtest folds then the final fold) for the
 * given rows (with repeats, for the bootstrap); NaN when the metric does not apply to it.
 */
export type Measure = (metric: string, fold: number, rows: Int32Array) => number;

export interface Contender {
  name: string;
  description: string;
  measure: Measure;
  /** The metrics this contender has (a ranking-only baseline has no log loss). */
  metrics: readonly string[];
}

/** Estimates for every contender over the plan's folds; `sizes[i]` is fold i's test row count. */
export function summarizeBacktest(
  plan: FoldPlan,
  sizes: readonly number[],
  trainRows: readonly number[],
  metrics: readonly string[],
  contenders: readonly Contender[],
  replicates = 200,
): Backtest {
  const folds = [...plan.backtest, plan.final];
  const nb = plan.backtest.length;
  const backtestSizes = sizes.slice(0, nb);
  return {
    folds: folds.map((f: Fold, i) => ({
      index: f.index,
      cutoff: new Date(f.cutoff).toISOString(),
      testEnd: new Date(f.testEnd).toISOString(),
      final: f.final,
      train: trainRows[i]!,
      test: sizes[i]!,
    })),
    metrics: [...metrics],
    contenders: contenders.map((c) => {
      const backtest: Record<string, Estimate> = {};
      const final: Record<string, Estimate> = {};
      for (const m of metrics) {
        if (!c.metrics.includes(m)) continue;
        backtest[m] = bootstrapOverFolds(backtestSizes, (f, rows) => c.measure(m, f, rows), replicates);
        final[m] = bootstrapOverFolds([sizes[nb]!], (_f, rows) => c.measure(m, nb, rows), replicates);
      }
      const perFold = folds.map((_f, i) => {
        const all = Int32Array.from({ length: sizes[i]! }, (_, r) => r);
        return Object.fromEntries(metrics.filter((m) => c.metrics.includes(m)).map((m) => [m, c.measure(m, i, all)]));
      });
      return { name: c.name, description: c.description, backtest, final, perFold };
    }),
  };
}

/** The means of a contender's backtest estimates: what the bar reads. */
export function backtestMeans(c: ContenderResult): Record<string, number> {
  return Object.fromEntries(Object.entries(c.backtest).map(([m, e]) => [m, e.mean]));
}

/** Values of `values` at `rows` (with repeats). */
export function at(values: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
  return out;
}
