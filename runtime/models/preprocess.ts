import type { Matrix } from './matrix.ts';

/**
 * Normalization learned on the training rows and stored with the model: each input is centred and
 * scaled by its training mean and standard deviation. A missing or non-finite value (NaN, ±Infinity)
 * is imputed with the mean (0 after scaling), and every input that had any in training gets a 0/1
 * "<name>_missing" indicator column, so the model can learn from missingness itself.
 */
export interface Preprocessor {
  inputs: string[];
  means: number[];
  stds: number[];
  /** Indices (into `inputs`) that get an indicator column, in order. */
  flagged: number[];
  /** Indices (into `inputs`) read as log(1 + v) before scaling: non-negative and strongly skewed. */
  logged?: number[];
  /** Column names of the transformed matrix: inputs, then `<name>_missing` indicators. */
  outputs: string[];
}

export type DataIssue =
  | { kind: 'always_missing'; feature: string }
  | { kind: 'constant'; feature: string; value: number }
  | { kind: 'non_finite'; feature: string; count: number; nan: number; infinite: number };

/**
 * `logSkewed` (clusters): a non-negative input with skewness above 2 (spend, counts) is read as
 * log(1 + v), so a handful of extreme customers do not become clusters of their own.
 */
export function fitPreprocessor(
  names: readonly string[],
  x: Matrix,
  options: { logSkewed?: boolean } = {},
): { prep: Preprocessor; issues: DataIssue[] } {
  const logged = options.logSkewed ? skewedColumns(x) : [];
  if (logged.length > 0) x = logColumns(x, logged);
  const issues: DataIssue[] = [];
  const means: number[] = [];
  const stds: number[] = [];
  const flagged: number[] = [];
  for (let j = 0; j < x.cols; j++) {
    let n = 0;
    let sum = 0;
    let nan = 0;
    let infinite = 0;
    for (let i = 0; i < x.rows; i++) {
      const v = x.data[i * x.cols + j]!;
      if (Number.isNaN(v)) nan++;
      else if (!Number.isFinite(v)) infinite++;
      else {
        n++;
        sum += v;
      }
    }
    const mean = n > 0 ? sum / n : 0;
    let ss = 0;
    for (let i = 0; i < x.rows; i++) {
      const v = x.data[i * x.cols + j]!;
      if (Number.isFinite(v)) ss += (v - mean) * (v - mean);
    }
    const std = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
    const name = names[j]!;
    if (n === 0) issues.push({ kind: 'always_missing', feature: name });
    else if (std === 0) issues.push({ kind: 'constant', feature: name, value: mean });
    if (nan + infinite > 0 && n > 0) {
      issues.push({ kind: 'non_finite', feature: name, count: nan + infinite, nan, infinite });
      flagged.push(j);
    }
    means.push(mean);
    // A constant input scales by 1 so it stays finite (and becomes 0 everywhere).
    stds.push(std > 0 ? std : 1);
  }
  const outputs = [...names, ...flagged.map((j) => `${names[j]}_missing`)];
  return { prep: { inputs: [...names], means, stds, flagged, outputs, ...(logged.length ? { logged } : {}) }, issues };
}

/** The model's input matrix (float32, row-major, `outputs.length` columns). */
export function transform(prep: Preprocessor, x: Matrix): Float32Array {
  const inCols = prep.inputs.length;
  if (x.cols !== inCols) throw new Error(`expected ${inCols} feature columns, got ${x.cols}`);
  if (prep.logged?.length) x = logColumns(x, prep.logged);
  const outCols = prep.outputs.length;
  const out = new Float32Array(x.rows * outCols);
  for (let i = 0; i < x.rows; i++) {
    const src = i * inCols;
    const dst = i * outCols;
    for (let j = 0; j < inCols; j++) {
      const v = x.data[src + j]!;
      out[dst + j] = Number.isFinite(v) ? (v - prep.means[j]!) / prep.stds[j]! : 0;
    }
    for (let f = 0; f < prep.flagged.length; f++) {
      out[dst + inCols + f] = Number.isFinite(x.data[src + prep.flagged[f]!]!) ? 0 : 1;
    }
  }
  return out;
}

function skewedColumns(x: Matrix): number[] {
  const out: number[] = [];
  for (let j = 0; j < x.cols; j++) {
    let n = 0;
    let sum = 0;
    let negative = false;
    for (let i = 0; i < x.rows; i++) {
      const v = x.data[i * x.cols + j]!;
      if (!Number.isFinite(v)) continue;
      if (v < 0) negative = true;
      n++;
      sum += v;
    }
    if (negative || n < 3) continue;
    const mean = sum / n;
    let m2 = 0;
    let m3 = 0;
    for (let i = 0; i < x.rows; i++) {
      const v = x.data[i * x.cols + j]!;
      if (!Number.isFinite(v)) continue;
      m2 += (v - mean) ** 2;
      m3 += (v - mean) ** 3;
    }
    m2 /= n;
    m3 /= n;
    if (m2 > 0 && m3 / m2 ** 1.5 > 2) out.push(j);
  }
  return out;
}

/** A copy with log(1 + v) in the given columns (negative values, unseen in training, clamp to 0). */
function logColumns(x: Matrix, columns: readonly number[]): Matrix {
  const data = Float64Array.from(x.data);
  for (let i = 0; i < x.rows; i++) {
    for (const j of columns) {
      const v = data[i * x.cols + j]!;
      if (Number.isFinite(v)) data[i * x.cols + j] = Math.log1p(Math.max(0, v));
    }
  }
  return { rows: x.rows, cols: x.cols, data };
}
