import { strength, type History } from './data.ts';
import type { ItemNeighbours } from './item-cosine.ts';

/**
 * EASE (Steck, 2019): item-item weights B in closed form, B = I − P·diag(1/diag(P)) with
 * P = (XᵀX + λI)⁻¹ over the customer × item matrix X (interaction strengths), zero diagonal. The
 * inverse is dense, so it is taken over the `maxItems` items most customers bought (the rest are
 * left to the other recommenders and popularity), and each item keeps its `neighbours` largest
 * weights, scored exactly like item-item similarity.
 */
export interface EaseOptions {
  lambda: number;
  maxItems: number;
  neighbours: number;
}

export const DEFAULT_EASE: EaseOptions = { lambda: 200, maxItems: 700, neighbours: 100 };

export function fitEase(histories: Iterable<History>, items: number, opts: EaseOptions = DEFAULT_EASE): ItemNeighbours {
  const list = [...histories];
  const buyers = new Float64Array(items);
  for (const h of list) for (const i of h.keys()) buyers[i]!++;
  const kept = Array.from({ length: items }, (_, i) => i)
    .filter((i) => buyers[i]! > 0)
    .sort((a, b) => buyers[b]! - buyers[a]! || a - b)
    .slice(0, opts.maxItems)
    .sort((a, b) => a - b);
  const n = kept.length;
  const local = new Int32Array(items).fill(-1);
  kept.forEach((item, k) => (local[item] = k));
  // The Gram matrix XᵀX + λI.
  const g = new Float64Array(n * n);
  const cols: number[] = [];
  const vals: number[] = [];
  for (const h of list) {
    cols.length = 0;
    vals.length = 0;
    for (const [i, w] of h) {
      const k = local[i]!;
      if (k >= 0) {
        cols.push(k);
        vals.push(strength(w));
      }
    }
    for (let a = 0; a < cols.length; a++) {
      const row = cols[a]! * n;
      for (let b = 0; b < cols.length; b++) g[row + cols[b]!]! += vals[a]! * vals[b]!;
    }
  }
  for (let k = 0; k < n; k++) g[k * n + k]! += opts.lambda;
  invertSpdInPlace(g, n);
  const index: number[][] = Array.from({ length: items }, () => []);
  const sim: number[][] = Array.from({ length: items }, () => []);
  const row = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    // Row a of B: B[a][b] = −P[a][b] / P[b][b] (P is symmetric).
    for (let b = 0; b < n; b++) row[b] = a === b ? -Infinity : -g[a * n + b]! / g[b * n + b]!;
    const threshold = n > opts.neighbours ? Float64Array.from(row).sort()[n - opts.neighbours]! : -Infinity;
    const ranked: Array<[number, number]> = [];
    for (let b = 0; b < n; b++) if (row[b]! >= threshold && row[b]! > 0) ranked.push([kept[b]!, row[b]!]);
    ranked.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    const top = ranked.slice(0, opts.neighbours);
    index[kept[a]!] = top.map((r) => r[0]);
    sim[kept[a]!] = top.map((r) => r[1]);
  }
  return { index, sim };
}

/** Gauss–Jordan inversion of a symmetric positive definite matrix (row-major), in place. */
export function invertSpdInPlace(a: Float64Array, n: number): void {
  for (let k = 0; k < n; k++) {
    const kk = k * n;
    const pivot = a[kk + k]!;
    a[kk + k] = 1;
    for (let j = 0; j < n; j++) a[kk + j]! /= pivot;
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const ii = i * n;
      const f = a[ii + k]!;
      if (f === 0) continue;
      a[ii + k] = 0;
      for (let j = 0; j < n; j++) a[ii + j]! -= f * a[kk + j]!;
    }
  }
}
