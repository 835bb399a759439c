/**
 * Temporal folds for backtesting: rolling cut-offs, each learning from the past and judged on the
 * window that follows it, and one final test fold at the end of the data that no design choice,
 * tuning step or activation bar reads. Every fold's training data ends at its cut-off; every
 * backtest fold's test window ends at or before the final fold's cut-off, so the final fold's
 * outcomes are unseen until it is measured.
 */
export interface Fold {
  /** 1-based; the final test fold is numbered after the backtest folds. */
  index: number;
  /** Training data (features and labels) ends here; the test window starts here. */
  cutoff: number;
  /** The end of the test window (cutoff + window). */
  testEnd: number;
  final: boolean;
}

export interface FoldPlan {
  /** Oldest first. */
  backtest: Fold[];
  final: Fold;
}

/**
 * `count` backtest folds `stepMs` apart, the latest ending where the final fold begins. The
 * final fold's test window is the last `windowMs` of the data.
 */
export function temporalFolds(dataEnd: number, windowMs: number, count: number, stepMs: number): FoldPlan {
  if (!(windowMs > 0) || !(stepMs > 0) || !Number.isInteger(count) || count < 1) {
    throw new RangeError(
      `folds need a positive window and step and at least one fold (window ${windowMs}, step ${stepMs}, count ${count})`,
    );
  }
  const finalCutoff = dataEnd - windowMs;
  const backtest: Fold[] = [];
  for (let i = count; i >= 1; i--) {
    // The latest backtest fold's window ends at the final cut-off; earlier ones step back from it.
    const testEnd = finalCutoff - (i - 1) * stepMs;
    backtest.push({ index: count - i + 1, cutoff: testEnd - windowMs, testEnd, final: false });
  }
  return { backtest, final: { index: count + 1, cutoff: finalCutoff, testEnd: dataEnd, final: true } };
}
