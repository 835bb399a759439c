import { seededRng } from '../rng.ts';
import { strength, type History } from './data.ts';

/**
 * PureSVD (Cremonesi, Koren and Turrin, 2010): the customer × item matrix X (interaction
 * strengths, missing = 0) is factorized by a truncated SVD, X ≈ U Σ Vᵀ, and a customer's scores
 * are their row projected onto the top item factors and back: x V Vᵀ. The factors come from
 * subspace (power) iteration on XᵀX with a Rayleigh–Ritz step, on typed arrays over the sparse
 * matrix: never forming XᵀX, which is items² dense. Factors are kept in order of their singular
 * values, so the top r of a rank-R fit are a rank-r fit: a rank is chosen by scoring with the first
 * r columns.
 */
export interface PureSvdModel {
  items: number;
  /** Factors kept (columns of `v`). */
  rank: number;
  /** items × rank, row-major: the right singular vectors, largest singular value first. */
  v: Float64Array;
  singular: Float64Array;
}

export interface PureSvdOptions {
  rank: number;
  /** Power iterations: more sharpen the top factors when singular values are close. */
  iterations: number;
  /** Extra columns carried through the iteration, dropped at the end (better top factors). */
  oversample: number;
  seed: number;
}

export const DEFAULT_PURE_SVD: PureSvdOptions = { rank: 64, iterations: 3, oversample: 8, seed: 11 };
/** The ranks tried on the validation window (the top r factors of the one fit). */
export const PURE_SVD_RANKS = [16, 32, 64] as const;

/** The sparse customer × item matrix in compressed rows, strengths as values. */
interface SparseRows {
  start: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

export function fitPureSvd(histories: Iterable<History>, items: number, opts: PureSvdOptions = DEFAULT_PURE_SVD): PureSvdModel {
  const x = toRows(histories);
  const rows = x.start.length - 1;
  const l = Math.max(1, Math.min(opts.rank + opts.oversample, items, rows));
  const rng = seededRng(opts.seed);
  let v = new Float64Array(items * l);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  orthonormalizeColumns(v, items, l);
  const w = new Float64Array(rows * l);
  for (let it = 0; it < opts.iterations; it++) {
    multiply(x, v, l, w); // W = X V
    multiplyTransposed(x, w, l, items, v); // V = Xᵀ W
    orthonormalizeColumns(v, items, l);
  }
  // Rayleigh–Ritz: the eigenvectors of C = (XV)ᵀ(XV) = Vᵀ XᵀX V rotate V onto the singular vectors.
  multiply(x, v, l, w);
  const c = new Float64Array(l * l);
  for (let r = 0; r < rows; r++) {
    const o = r * l;
    for (let a = 0; a < l; a++) {
      const wa = w[o + a]!;
      if (wa === 0) continue;
      for (let b = a; b < l; b++) c[a * l + b]! += wa * w[o + b]!;
    }
  }
  for (let a = 0; a < l; a++) for (let b = 0; b < a; b++) c[a * l + b] = c[b * l + a]!;
  const { values, vectors } = symmetricEigen(c, l);
  const order = Array.from({ length: l }, (_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b);
  const rank = Math.min(opts.rank, l);
  const out = new Float64Array(items * rank);
  for (let i = 0; i < items; i++) {
    for (let k = 0; k < rank; k++) {
      const e = order[k]!;
      let s = 0;
      for (let j = 0; j < l; j++) s += v[i * l + j]! * vectors[j * l + e]!;
      out[i * rank + k] = s;
    }
  }
  v = out;
  return { items, rank, v, singular: Float64Array.from(order.slice(0, rank), (e) => Math.sqrt(Math.max(0, values[e]!))) };
}

/**
 * A customer's scores at several ranks at once: `ranks` ascending, each ≤ the model's rank;
 * returns one score vector per rank (the projection x V_r V_rᵀ built up factor by factor).
 */
export function scorePureSvd(model: PureSvdModel, history: History, ranks: readonly number[]): Float64Array[] {
  const { items, rank, v } = model;
  const p = new Float64Array(rank);
  for (const [i, w] of history) {
    const s = strength(w);
    for (let k = 0; k < rank; k++) p[k]! += s * v[i * rank + k]!;
  }
  const out: Float64Array[] = [];
  const acc = new Float64Array(items);
  let done = 0;
  for (const r of ranks) {
    const upTo = Math.min(r, rank);
    for (let i = 0; i < items; i++) {
      let s = 0;
      for (let k = done; k < upTo; k++) s += v[i * rank + k]! * p[k]!;
      acc[i]! += s;
    }
    done = Math.max(done, upTo);
    out.push(Float64Array.from(acc));
  }
  return out;
}

function toRows(histories: Iterable<History>): SparseRows {
  const start: number[] = [0];
  const col: number[] = [];
  const val: number[] = [];
  for (const h of histories) {
    for (const [i, w] of h) {
      col.push(i);
      val.push(strength(w));
    }
    start.push(col.length);
  }
  return { start: Int32Array.from(start), col: Int32Array.from(col), val: Float64Array.from(val) };
}

/** out (rows × l) = X (rows × items) · m (items × l). */
function multiply(x: SparseRows, m: Float64Array, l: number, out: Float64Array): void {
  out.fill(0);
  const rows = x.start.length - 1;
  for (let r = 0; r < rows; r++) {
    const o = r * l;
    for (let k = x.start[r]!; k < x.start[r + 1]!; k++) {
      const mi = x.col[k]! * l;
      const a = x.val[k]!;
      for (let j = 0; j < l; j++) out[o + j]! += a * m[mi + j]!;
    }
  }
}

/** out (items × l) = Xᵀ · w (rows × l). */
function multiplyTransposed(x: SparseRows, w: Float64Array, l: number, items: number, out: Float64Array): void {
  out.fill(0, 0, items * l);
  const rows = x.start.length - 1;
  for (let r = 0; r < rows; r++) {
    const o = r * l;
    for (let k = x.start[r]!; k < x.start[r + 1]!; k++) {
      const mi = x.col[k]! * l;
      const a = x.val[k]!;
      for (let j = 0; j < l; j++) out[mi + j]! += a * w[o + j]!;
    }
  }
}

/** Modified Gram–Schmidt over the l columns of a row-major n × l matrix (a column that vanishes stays 0). */
export function orthonormalizeColumns(m: Float64Array, n: number, l: number): void {
  // Columns copied out contiguous: the inner loops then walk memory in order.
  const cols = Array.from({ length: l }, (_, j) => Float64Array.from({ length: n }, (_v, i) => m[i * l + j]!));
  for (let j = 0; j < l; j++) {
    const c = cols[j]!;
    // Twice: one pass loses orthogonality when columns are nearly dependent.
    for (let pass = 0; pass < 2; pass++) {
      for (let q = 0; q < j; q++) {
        const o = cols[q]!;
        let dot = 0;
        for (let i = 0; i < n; i++) dot += c[i]! * o[i]!;
        if (dot !== 0) for (let i = 0; i < n; i++) c[i]! -= dot * o[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += c[i]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) c[i] = norm > 1e-12 ? c[i]! / norm : 0;
  }
  for (let j = 0; j < l; j++) {
    const c = cols[j]!;
    for (let i = 0; i < n; i++) m[i * l + j] = c[i]!;
  }
}

/** Cyclic Jacobi eigen-decomposition of a symmetric l × l matrix (destroyed); vectors in columns. */
export function symmetricEigen(a: Float64Array, l: number): { values: Float64Array; vectors: Float64Array } {
  const vec = new Float64Array(l * l);
  for (let i = 0; i < l; i++) vec[i * l + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < l; p++) {
      diag += a[p * l + p]! ** 2;
      for (let q = p + 1; q < l; q++) off += a[p * l + q]! ** 2;
    }
    if (off <= 1e-22 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < l; p++) {
      for (let q = p + 1; q < l; q++) {
        const apq = a[p * l + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * l + q]! - a[p * l + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cos = 1 / Math.sqrt(t * t + 1);
        const sin = t * cos;
        for (let k = 0; k < l; k++) {
          const akp = a[k * l + p]!;
          const akq = a[k * l + q]!;
          a[k * l + p] = cos * akp - sin * akq;
          a[k * l + q] = sin * akp + cos * akq;
        }
        for (let k = 0; k < l; k++) {
          const apk = a[p * l + k]!;
          const aqk = a[q * l + k]!;
          a[p * l + k] = cos * apk - sin * aqk;
          a[q * l + k] = sin * apk + cos * aqk;
        }
        for (let k = 0; k < l; k++) {
          const vkp = vec[k * l + p]!;
          const vkq = vec[k * l + q]!;
          vec[k * l + p] = cos * vkp - sin * vkq;
          vec[k * l + q] = sin * vkp + cos * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: l }, (_, i) => a[i * l + i]!), vectors: vec };
}
