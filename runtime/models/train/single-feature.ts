import type { Matrix } from '../matrix.ts';

export interface SingleFeature {
  name: string;
  column: number;
  /** 1: higher values rank higher; -1: lower values do. */
  direction: 1 | -1;
  /** The quality it was chosen by, on the training rows. */
  quality: number;
}

/**
 * The best single feature as a ranking, chosen on the training rows only (choosing it on the
 * holdout would flatter the baseline), in whichever direction ranks better. `quality(scores)`
 * rates a ranking of the training rows where higher is better, e.g. AUC.
 */
export function bestSingleFeature(
  names: readonly string[],
  x: Matrix,
  quality: (scores: Float64Array) => number,
): SingleFeature | undefined {
  let best: SingleFeature | undefined;
  names.forEach((name, column) => {
    for (const direction of [1, -1] as const) {
      const q = quality(singleFeatureScores(x, column, direction));
      if (Number.isFinite(q) && (!best || q > best.quality)) best = { name, column, direction, quality: q };
    }
  });
  return best;
}

/** The feature as a score: its value in the chosen direction; a missing value ranks lowest. */
export function singleFeatureScores(x: Matrix, column: number, direction: 1 | -1): Float64Array {
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    const v = x.data[i * x.cols + column]!;
    out[i] = Number.isFinite(v) ? direction * v : -Number.MAX_VALUE;
  }
  return out;
}

/** e.g. `frequency (higher is likelier)`; `meaning` says what ranking first means. */
export function describeSingleFeature(f: SingleFeature | undefined, meaning: string): string {
  return f ? `${f.name} (${f.direction === 1 ? 'higher' : 'lower'} ${meaning})` : 'none';
}
