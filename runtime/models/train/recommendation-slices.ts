import { at } from '../backtest/backtest.ts';
import { precisionAtK } from '../metrics.ts';

/**
 * Where item features should help, measured apart: customers with little history, and items new to
 * the catalogue. Both are per-customer figures over a fold's judged customers, so the backtest's
 * bootstrap gives them intervals like every other metric.
 * - `precision_at_k_little_history`: precision@k over the customers with at most LITTLE_HISTORY
 *   distinct items before the cut-off (none included).
 * - `new_item_recall`: of the new items the customers bought in the window (items first bought in
 *   the window before the cut-off), the share that their top k held.
 */
export const SLICE_METRICS = ['precision_at_k_little_history', 'new_item_recall'] as const;
export const LITTLE_HISTORY = 3;

export interface SliceRun {
  truth: ReadonlyArray<ReadonlySet<string>>;
  historySize: Int32Array;
  newItems: ReadonlySet<string>;
}

/** The slice metrics of a contender whose top-k lists per fold are `lists(fold)`; NaN where a slice is empty. */
export function sliceMeasures(
  runs: readonly SliceRun[],
  lists: (fold: number) => string[][],
  k: number,
): (metric: string, fold: number, rows: Int32Array) => number {
  const cache = new Map<number, { little: Float64Array; littlePrecision: Float64Array; newBought: Float64Array; newHit: Float64Array }>();
  const perFold = (fold: number) => {
    let c = cache.get(fold);
    if (c) return c;
    const run = runs[fold]!;
    const l = lists(fold);
    const newBought = new Float64Array(run.truth.length);
    const newHit = new Float64Array(run.truth.length);
    run.truth.forEach((t, i) => {
      const top = new Set(l[i]!.slice(0, k));
      for (const id of t) {
        if (!run.newItems.has(id)) continue;
        newBought[i]!++;
        if (top.has(id)) newHit[i]!++;
      }
    });
    const little = Float64Array.from(run.historySize, (n) => (n <= LITTLE_HISTORY ? 1 : 0));
    c = {
      little,
      littlePrecision: Float64Array.from(run.truth, (t, i) => (little[i] ? precisionAtK(l[i]!, t, k) : 0)),
      newBought,
      newHit,
    };
    cache.set(fold, c);
    return c;
  };
  return (metric, fold, rows) => {
    const c = perFold(fold);
    const ratio = (num: Float64Array, den: Float64Array) => {
      const n = at(num, rows);
      const d = at(den, rows);
      let sn = 0;
      let sd = 0;
      for (let i = 0; i < n.length; i++) {
        sn += n[i]!;
        sd += d[i]!;
      }
      return sd > 0 ? sn / sd : NaN;
    };
    if (metric === 'precision_at_k_little_history') return ratio(c.littlePrecision, c.little);
    if (metric === 'new_item_recall') return ratio(c.newHit, c.newBought);
    return NaN;
  };
}
