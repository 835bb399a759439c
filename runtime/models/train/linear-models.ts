import { seededRng, shuffleInPlace } from '../rng.ts';
import { logScale, predictDense, type DenseModel } from './dense.ts';
import { fitGlm, type GlmFit } from './irls.ts';

/** The L2 strengths tried by cross-validation (0: none). */
export const L2_GRID = [0, 1e-4, 1e-3, 1e-2, 1e-1] as const;

export interface LinearOptions {
  output: 'sigmoid' | 'linear';
  /** Regression: fit log(1 + y) and scale back (see DenseModel.target.log). */
  logTarget?: boolean;
  /** Regression: Huber loss (robust to a few extreme rows) instead of least squares. */
  robust?: boolean;
  /** A fixed L2 strength; absent: chosen from L2_GRID by `cvFolds`-fold cross-validation on these rows. */
  l2?: number;
  cvFolds?: number;
  seed: number;
}

export interface LinearFit {
  model: DenseModel;
  l2: number;
  iterations: number;
  converged: boolean;
  /** The cross-validation behind the chosen L2: mean validation loss per strength. */
  cv?: Array<{ l2: number; loss: number }>;
}

/**
 * A logistic or linear model fitted to convergence (IRLS) on preprocessed inputs, as a one-layer
 * DenseModel so scoring is the same as for every other dense model. The L2 strength is chosen by
 * cross-validation inside the rows given (never the evaluation rows): the lowest mean validation
 * log loss (logistic) or squared error in the fitted scale (linear).
 */
export function fitLinear(x: Float32Array, cols: number, y: Float64Array, opts: LinearOptions): LinearFit {
  let cv: LinearFit['cv'];
  let l2 = opts.l2;
  if (l2 === undefined) {
    const k = opts.cvFolds ?? 5;
    const order = shuffleInPlace(
      Int32Array.from({ length: y.length }, (_, i) => i),
      seededRng(opts.seed ^ 0x5bd1e995),
    ) as Int32Array;
    cv = L2_GRID.map((candidate) => {
      let loss = 0;
      for (let f = 0; f < k; f++) {
        const valid: number[] = [];
        const train: number[] = [];
        order.forEach((row, i) => (i % k === f ? valid : train).push(row));
        const m = fitOnce(take(x, cols, train), cols, pick(y, train), { ...opts, l2: candidate }).model;
        const p = predictDense(m, take(x, cols, valid), cols);
        loss += validationLoss(m, p, pick(y, valid), opts) / k;
      }
      return { l2: candidate, loss };
    });
    l2 = cv.reduce((best, c) => (c.loss < best.loss - 1e-12 ? c : best)).l2;
  }
  const fit = fitOnce(x, cols, y, { ...opts, l2 });
  return { ...fit, l2, ...(cv ? { cv } : {}) };
}

function fitOnce(x: Float32Array, cols: number, y: Float64Array, opts: LinearOptions & { l2: number }): Omit<LinearFit, 'l2' | 'cv'> {
  if (opts.output === 'sigmoid') {
    const g = fitGlm(x, cols, y, { family: 'logistic', l2: opts.l2 });
    return { model: dense(g, cols, 'sigmoid'), iterations: g.iterations, converged: g.converged };
  }
  const fitted = opts.logTarget ? y.map((v) => Math.log1p(Math.max(0, v))) : y;
  const target = standardize(fitted);
  const scaled = fitted.map((v) => (v - target.mean) / target.std);
  const g = fitGlm(x, cols, scaled, { family: opts.robust ? 'huber' : 'gaussian', l2: opts.l2 });
  const model = dense(g, cols, 'linear');
  model.target = target;
  if (opts.logTarget) model.target.log = logScale(model, x, cols, Float32Array.from(y));
  return { model, iterations: g.iterations, converged: g.converged };
}

function validationLoss(model: DenseModel, p: Float64Array, y: Float64Array, opts: LinearOptions): number {
  let s = 0;
  if (opts.output === 'sigmoid') {
    for (let i = 0; i < y.length; i++) {
      const q = Math.min(1 - 1e-12, Math.max(1e-12, p[i]!));
      s -= y[i]! * Math.log(q) + (1 - y[i]!) * Math.log(1 - q);
    }
    return s / y.length;
  }
  // In the fitted scale (log spend for a log target), where the loss was minimized.
  const t = (v: number) => (opts.logTarget ? Math.log1p(Math.max(0, v)) : v);
  const std = model.target?.std ?? 1;
  for (let i = 0; i < y.length; i++) s += ((t(p[i]!) - t(y[i]!)) / std) ** 2;
  return s / y.length;
}

function dense(g: GlmFit, cols: number, output: 'sigmoid' | 'linear'): DenseModel {
  return { kind: 'dense', output, layers: [{ inputs: cols, units: 1, activation: 'linear', w: g.w, b: [g.b] }] };
}

function standardize(y: Float64Array): { mean: number; std: number } {
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const std = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, y.length - 1));
  return { mean, std: std > 0 ? std : 1 };
}

function take(x: Float32Array, cols: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => out.set(x.subarray(r * cols, (r + 1) * cols), i * cols));
  return out;
}

function pick(y: Float64Array, rows: readonly number[]): Float64Array {
  return Float64Array.from(rows, (r) => y[r]!);
}
