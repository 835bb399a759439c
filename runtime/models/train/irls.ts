import { tf } from '../backend.ts';

/**
 * Generalized linear models fitted to convergence by iteratively reweighted least squares, with
 * the matrix products in TensorFlow.js and the small (features + 1)² Newton system solved here by
 * Cholesky in float64. Logistic: Newton's method on the mean log loss plus `l2 × |w|²` (the
 * intercept is not penalized), with step halving so the objective never rises. Huber: a linear
 * fit whose squared loss turns linear beyond `delta` (so a few extreme rows cannot pull the line),
 * reweighting until the coefficients settle.
 */
export interface GlmFit {
  w: number[];
  b: number;
  iterations: number;
  converged: boolean;
  /** The training objective at the solution. */
  objective: number;
}

export interface GlmOptions {
  family: 'logistic' | 'huber' | 'gaussian';
  l2: number;
  maxIterations?: number;
  /** Huber: the residual beyond which the loss is linear (default 1.345 robust standard deviations). */
  delta?: number;
}

const TOLERANCE = 1e-9;

export function fitGlm(x: Float32Array, cols: number, y: Float32Array | Float64Array, opts: GlmOptions): GlmFit {
  const rows = y.length;
  const d = cols + 1;
  const design = new Float32Array(rows * d);
  for (let i = 0; i < rows; i++) {
    design.set(x.subarray(i * cols, (i + 1) * cols), i * d);
    design[i * d + cols] = 1;
  }
  const X = tf.tensor2d(design, [rows, d]);
  const Y = tf.tensor1d(Float32Array.from(y));
  const beta = new Float64Array(d);
  const maxIterations = opts.maxIterations ?? 100;
  const penalty = (b: Float64Array) => {
    let s = 0;
    for (let j = 0; j < cols; j++) s += b[j]! ** 2;
    return opts.l2 * s;
  };
  const read = (make: () => tf.Tensor): Float64Array => {
    const t = tf.tidy(make);
    const out = Float64Array.from(t.dataSync());
    t.dispose();
    return out;
  };
  const eta = (b: Float64Array): Float64Array => read(() => tf.matMul(X, tf.tensor2d(Float32Array.from(b), [d, 1])));
  const yv = Float64Array.from(y);
  try {
    let linear = eta(beta);
    let objective = opts.family === 'logistic' ? logisticObjective(linear, yv) + penalty(beta) : NaN;
    let delta = opts.delta;
    for (let iteration = 1; iteration <= maxIterations; iteration++) {
      // Per-row weights and working responses of this iteration.
      const weights = new Float64Array(rows);
      const work = new Float64Array(rows);
      if (opts.family === 'logistic') {
        for (let i = 0; i < rows; i++) {
          const p = sigmoid(linear[i]!);
          weights[i] = Math.max(p * (1 - p), 1e-10);
          work[i] = yv[i]! - p; // the gradient's residual; the Newton step solves H·step = Xᵀ(y − p)/n − 2λw
        }
      } else {
        if (opts.family === 'huber' && delta === undefined) delta = 1.345 * robustScale(yv.map((v, i) => v - linear[i]!));
        for (let i = 0; i < rows; i++) {
          const r = yv[i]! - linear[i]!;
          weights[i] = opts.family === 'huber' && Math.abs(r) > delta! ? delta! / Math.abs(r) : 1;
          work[i] = yv[i]!;
        }
      }
      const wcol = tf.tensor2d(Float32Array.from(weights), [rows, 1]);
      const xtwx = read(() => tf.matMul(tf.mul(X, wcol), X, true, false));
      const xtv = read(() => {
        const v = tf.tensor2d(Float32Array.from(work), [rows, 1]);
        return tf.matMul(X, opts.family === 'logistic' ? v : tf.mul(wcol, v), true, false);
      });
      wcol.dispose();
      for (let k = 0; k < d * d; k++) xtwx[k]! /= rows;
      for (let k = 0; k < d; k++) xtv[k]! /= rows;
      for (let j = 0; j < cols; j++) xtwx[j * d + j]! += 2 * opts.l2 + 1e-10;
      xtwx[cols * d + cols]! += 1e-10;
      let next: Float64Array;
      if (opts.family === 'logistic') {
        const grad = xtv.map((g: number, j: number) => (j < cols ? g - 2 * opts.l2 * beta[j]! : g));
        const step = solveSpd(xtwx, grad, d);
        // Step halving: Newton overshoots when the start is far off; the objective must fall.
        let t = 1;
        for (;;) {
          next = beta.map((b, j) => b + t * step[j]!);
          const nextLinear = eta(next);
          const o = logisticObjective(nextLinear, yv) + penalty(next);
          if (o <= objective + 1e-12 || t < 1e-6) {
            const change = Math.abs(objective - o);
            linear = nextLinear;
            objective = o;
            beta.set(next);
            if (change < TOLERANCE && maxAbs(step) * t < 1e-6) return finish(iteration, true);
            break;
          }
          t /= 2;
        }
      } else {
        next = solveSpd(xtwx, xtv, d);
        const moved = maxAbs(next.map((v, j) => v - beta[j]!));
        beta.set(next);
        linear = eta(beta);
        if (moved < 1e-7 || opts.family === 'gaussian') return finish(iteration, true);
      }
    }
    return finish(maxIterations, false);

    function finish(iterations: number, converged: boolean): GlmFit {
      const obj = opts.family === 'logistic' ? objective : regressionObjective(linear, yv, opts.family, delta) + penalty(beta);
      return { w: Array.from(beta.subarray(0, cols)), b: beta[cols]!, iterations, converged, objective: obj };
    }
  } finally {
    tf.dispose([X, Y]);
  }
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Mean log loss from logits, computed stably. */
function logisticObjective(linear: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const z = linear[i]!;
    s += Math.max(z, 0) - z * y[i]! + Math.log1p(Math.exp(-Math.abs(z)));
  }
  return s / y.length;
}

function regressionObjective(linear: Float64Array, y: Float64Array, family: 'huber' | 'gaussian', delta = Infinity): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const r = Math.abs(y[i]! - linear[i]!);
    s += family === 'huber' && r > delta ? delta * (r - delta / 2) : (r * r) / 2;
  }
  return s / y.length;
}

/** The median absolute deviation scaled to a normal standard deviation (never 0). */
function robustScale(residuals: Float64Array): number {
  const abs = Float64Array.from(residuals, Math.abs).sort();
  const mad = abs[Math.floor(abs.length / 2)] ?? 1;
  return Math.max(mad / 0.6745, 1e-6);
}

function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}

/** Solves A·x = b for a symmetric positive definite A (row-major n × n) by Cholesky. */
export function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) l[i * n + i] = Math.sqrt(Math.max(s, 1e-12));
      else l[i * n + j] = s / l[j * n + j]!;
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * z[k]!;
    z[i] = s / l[i * n + i]!;
  }
  const out = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * out[k]!;
    out[i] = s / l[i * n + i]!;
  }
  return out;
}
