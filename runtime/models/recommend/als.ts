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

/** A sparse matrix in compressed rows: row r's entries are idx/val[start[r] .. start[r+1]). */
interface Csr {
  start: Int32Array;
  idx: Int32Array;
  val: Float64Array;
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
  const rows = toCsr(histories);
  const cols = transpose(rows, items);
  const scratch = new Scratch(f);
  for (let iter = 0; iter < opts.iterations; iter++) {
    solveSide(rows, y, x, f, opts.lambda, alpha, scratch);
    solveSide(cols, x, y, f, opts.lambda, alpha, scratch);
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
export function gram(fixed: ArrayLike<number>, f: number): Float64Array {
  const n = fixed.length / f;
  const g = new Float64Array(f * f);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < f; a++) {
      const va = fixed[i * f + a]!;
      for (let b = a; b < f; b++) g[a * f + b]! += va * fixed[i * f + b]!;
    }
  }
  for (let a = 0; a < f; a++) for (let b = 0; b < a; b++) g[a * f + b] = g[b * f + a]!;
  return g;
}

/** A customer's factors from their history against fixed item factors. */
export function foldInWithGram(model: ItemFactors, yty: Float64Array, history: History): Float64Array {
  const idx = new Int32Array(history.size);
  const val = new Float64Array(history.size);
  let k = 0;
  for (const [item, w] of history) {
    idx[k] = item;
    val[k++] = strength(w);
  }
  const out = new Float64Array(model.factors);
  solveOne(idx, val, 0, k, model.y, yty, model.factors, model.lambda, model.alpha, out, 0, new Scratch(model.factors));
  return out;
}

class Scratch {
  readonly a: Float64Array;
  readonly rhs: Float64Array;
  constructor(f: number) {
    this.a = new Float64Array(f * f);
    this.rhs = new Float64Array(f);
  }
}

function toCsr(histories: readonly History[]): Csr {
  let n = 0;
  for (const h of histories) n += h.size;
  const start = new Int32Array(histories.length + 1);
  const idx = new Int32Array(n);
  const val = new Float64Array(n);
  let k = 0;
  histories.forEach((h, r) => {
    for (const [item, w] of h) {
      idx[k] = item;
      val[k++] = strength(w);
    }
    start[r + 1] = k;
  });
  return { start, idx, val };
}

function transpose(m: Csr, columns: number): Csr {
  const start = new Int32Array(columns + 1);
  for (const c of m.idx) start[c + 1]!++;
  for (let c = 0; c < columns; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, columns);
  const idx = new Int32Array(m.idx.length);
  const val = new Float64Array(m.idx.length);
  for (let r = 0; r + 1 < m.start.length; r++) {
    for (let k = m.start[r]!; k < m.start[r + 1]!; k++) {
      const at = fill[m.idx[k]!]!++;
      idx[at] = r;
      val[at] = m.val[k]!;
    }
  }
  return { start, idx, val };
}

function solveSide(m: Csr, fixed: Float64Array, target: Float64Array, f: number, lambda: number, alpha: number, scratch: Scratch) {
  const g = gram(fixed, f);
  for (let r = 0; r + 1 < m.start.length; r++)
    solveOne(m.idx, m.val, m.start[r]!, m.start[r + 1]!, fixed, g, f, lambda, alpha, target, r * f, scratch);
}

/** Solves (YᵀY + Yᵀ(C−I)Y + λI) x = Yᵀ C p for one row, by Cholesky (upper triangle accumulated, then mirrored). */
function solveOne(
  idx: Int32Array,
  val: Float64Array,
  from: number,
  to: number,
  fixed: ArrayLike<number>,
  g: Float64Array,
  f: number,
  lambda: number,
  alpha: number,
  target: Float64Array,
  offset: number,
  scratch: Scratch,
) {
  const a = scratch.a;
  const rhs = scratch.rhs;
  a.set(g);
  rhs.fill(0);
  for (let d = 0; d < f; d++) a[d * f + d]! += lambda;
  for (let k = from; k < to; k++) {
    const base = idx[k]! * f;
    const c = 1 + alpha * val[k]!;
    for (let p = 0; p < f; p++) {
      const yp = fixed[base + p]!;
      rhs[p]! += c * yp;
      const s = (c - 1) * yp;
      for (let q = p; q < f; q++) a[p * f + q]! += s * fixed[base + q]!;
    }
  }
  for (let p = 0; p < f; p++) for (let q = 0; q < p; q++) a[p * f + q] = a[q * f + p]!;
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
