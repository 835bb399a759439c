import { seededRng } from '../rng.ts';
import { strength, type History } from './data.ts';

/**
 * Implicit-feedback matrix factorization by alternating least squares (Hu, Koren & Volinsky 2008):
 * preference p = 1 for every interaction, confidence c = 1 + alpha × strength. Only the item factors
 * are stored; a customer's factors are solved at scoring time from their current history (one small
 * f×f solve), so a customer's newest interactions count without retraining.
 */
export interface ItemFactors {
  factors: number;
  /** Row-major items × factors. */
  y: number[];
  lambda: number;
  alpha: number;
}

export function fitAls(
  histories: readonly History[],
  items: number,
  opts: { factors: number; iterations: number; lambda: number; alpha?: number; seed: number },
): ItemFactors {
  const f = opts.factors;
  const alpha = opts.alpha ?? 10;
  const rng = seededRng(opts.seed);
  const users = histories.length;
  const x = new Float64Array(users * f);
  const y = new Float64Array(items * f);
  for (let i = 0; i < y.length; i++) y[i] = rng.normal() * 0.01;
  // Item columns: per item, (user, strength).
  const cols: Array<Array<[number, number]>> = Array.from({ length: items }, () => []);
  const rows: Array<Array<[number, number]>> = histories.map((h, u) => {
    const row: Array<[number, number]> = [];
    for (const [item, w] of h) {
      row.push([item, strength(w)]);
      cols[item]!.push([u, strength(w)]);
    }
    return row;
  });
  for (let iter = 0; iter < opts.iterations; iter++) {
    solveSide(rows, y, x, f, opts.lambda, alpha);
    solveSide(cols, x, y, f, opts.lambda, alpha);
  }
  return { factors: f, y: Array.from(y), lambda: opts.lambda, alpha };
}

export function scoreAls(model: ItemFactors, userFactors: Float64Array, out: Float64Array): void {
  const f = model.factors;
  const items = model.y.length / f;
  for (let j = 0; j < items; j++) {
    let s = 0;
    for (let d = 0; d < f; d++) s += userFactors[d]! * model.y[j * f + d]!;
    out[j]! += s;
  }
}

/** Gram matrix of fixed item factors, shared by every fold-in of one scoring run. */
export function gram(fixed: Float64Array | number[], f: number): Float64Array {
  const n = fixed.length / f;
  const g = new Float64Array(f * f);
  for (let i = 0; i < n; i++) for (let a = 0; a < f; a++) for (let b = 0; b < f; b++) g[a * f + b]! += fixed[i * f + a]! * fixed[i * f + b]!;
  return g;
}

export function foldInWithGram(model: ItemFactors, yty: Float64Array, history: History): Float64Array {
  const row: Array<[number, number]> = [...history].map(([item, w]) => [item, strength(w)]);
  const out = new Float64Array(model.factors);
  solveOne(row, model.y, yty, model.factors, model.lambda, model.alpha, out, 0);
  return out;
}

function solveSide(lists: Array<Array<[number, number]>>, fixed: Float64Array, target: Float64Array, f: number, lambda: number, alpha: number) {
  const g = gram(fixed, f);
  for (let u = 0; u < lists.length; u++) solveOne(lists[u]!, fixed, g, f, lambda, alpha, target, u * f);
}

/** Solves (YᵀY + Yᵀ(C−I)Y + λI) x = Yᵀ C p for one row, by Cholesky. */
function solveOne(
  list: ReadonlyArray<[number, number]>,
  fixed: ArrayLike<number>,
  g: Float64Array,
  f: number,
  lambda: number,
  alpha: number,
  target: Float64Array,
  offset: number,
) {
  const a = Float64Array.from(g);
  const rhs = new Float64Array(f);
  for (let d = 0; d < f; d++) a[d * f + d]! += lambda;
  for (const [j, s] of list) {
    const c = 1 + alpha * s;
    for (let p = 0; p < f; p++) {
      const yp = fixed[j * f + p]!;
      rhs[p]! += c * yp;
      for (let q = 0; q < f; q++) a[p * f + q]! += (c - 1) * yp * fixed[j * f + q]!;
    }
  }
  choleskySolve(a, rhs, f);
  for (let d = 0; d < f; d++) target[offset + d] = rhs[d]!;
}

/** In place: a becomes its Cholesky factor, b the solution. a is symmetric positive definite (λ > 0). */
function choleskySolve(a: Float64Array, b: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    let s = a[j * n + j]!;
    for (let k = 0; k < j; k++) s -= a[j * n + k]! ** 2;
    const d = Math.sqrt(Math.max(s, 1e-12));
    a[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let t = a[i * n + j]!;
      for (let k = 0; k < j; k++) t -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = t / d;
    }
  }
  for (let i = 0; i < n; i++) {
    let t = b[i]!;
    for (let k = 0; k < i; k++) t -= a[i * n + k]! * b[k]!;
    b[i] = t / a[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let t = b[i]!;
    for (let k = i + 1; k < n; k++) t -= a[k * n + i]! * b[k]!;
    b[i] = t / a[i * n + i]!;
  }
}
