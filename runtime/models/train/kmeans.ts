import { seededRng, type Rng } from '../rng.ts';

/**
 * k-means (Lloyd's iterations) with k-means++ seeding from a seeded generator, on standardized
 * inputs. Clusters are renumbered by size, largest first, so names given in the spec are stable.
 */
export interface KMeansModel {
  kind: 'kmeans';
  k: number;
  dims: number;
  /** Row-major k × dims, in the standardized space. */
  centroids: number[];
  sizes: number[];
  inertia: number;
}

export interface KSearchRecord {
  k: number;
  inertia: number;
  silhouette: number;
}

export function kmeans(
  x: Float32Array,
  dims: number,
  k: number,
  seed: number,
  restarts = 3,
  maxIter = 100,
): { model: KMeansModel; assignment: Int32Array } {
  const rows = x.length / dims;
  if (rows < k) throw new Error(`k-means needs at least k=${k} rows (got ${rows})`);
  const rng = seededRng(seed);
  let best: { centroids: Float64Array; assignment: Int32Array; inertia: number } | undefined;
  for (let r = 0; r < restarts; r++) {
    const run = lloyd(x, dims, rows, plusPlus(x, dims, rows, k, rng), k, maxIter);
    if (!best || run.inertia < best.inertia) best = run;
  }
  return renumberBySize(best!, k, dims);
}

export function assign(model: KMeansModel, x: Float32Array): Int32Array {
  const rows = x.length / model.dims;
  const out = new Int32Array(rows);
  const c = Float64Array.from(model.centroids);
  for (let i = 0; i < rows; i++) out[i] = nearest(x, i * model.dims, c, model.k, model.dims).index;
  return out;
}

/** Mean silhouette over a seeded sample of at most `sample` rows (the exact value is quadratic). */
export function silhouette(x: Float32Array, dims: number, assignment: Int32Array, k: number, seed: number, sample = 1500): number {
  const rows = assignment.length;
  const rng = seededRng(seed ^ 0x5bd1e995);
  const picked = rows <= sample ? Array.from({ length: rows }, (_, i) => i) : Array.from({ length: sample }, () => rng.int(rows));
  let total = 0;
  let counted = 0;
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  for (const i of picked) {
    sums.fill(0);
    counts.fill(0);
    for (const j of picked) {
      if (i === j) continue;
      sums[assignment[j]!]! += Math.sqrt(dist2(x, i * dims, x, j * dims, dims));
      counts[assignment[j]!]!++;
    }
    const own = assignment[i]!;
    if (counts[own] === 0) continue; // a singleton's silhouette is 0 by convention
    const a = sums[own]! / counts[own]!;
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && counts[c]! > 0) b = Math.min(b, sums[c]! / counts[c]!);
    if (!Number.isFinite(b)) continue;
    total += (b - a) / Math.max(a, b, 1e-12);
    counted++;
  }
  return counted ? total / picked.length : 0;
}

/** Tries every k in range; keeps the best by silhouette, or the elbow of the inertia curve. */
export function searchK(
  x: Float32Array,
  dims: number,
  range: [number, number],
  selection: 'silhouette' | 'elbow',
  seed: number,
): { model: KMeansModel; assignment: Int32Array; search: KSearchRecord[] } {
  const rows = x.length / dims;
  const runs: Array<{ model: KMeansModel; assignment: Int32Array; record: KSearchRecord }> = [];
  for (let k = range[0]; k <= Math.min(range[1], rows - 1); k++) {
    const { model, assignment } = kmeans(x, dims, k, seed);
    runs.push({ model, assignment, record: { k, inertia: model.inertia, silhouette: silhouette(x, dims, assignment, k, seed) } });
  }
  if (runs.length === 0) throw new Error(`too few rows (${rows}) for k in [${range[0]}, ${range[1]}]`);
  let pick = 0;
  if (selection === 'silhouette') {
    runs.forEach((r, i) => {
      if (r.record.silhouette > runs[pick]!.record.silhouette) pick = i;
    });
  } else if (runs.length >= 3) {
    // The elbow: the k with the largest second difference of inertia.
    let bestCurve = -Infinity;
    for (let i = 1; i < runs.length - 1; i++) {
      const curve = runs[i - 1]!.record.inertia - 2 * runs[i]!.record.inertia + runs[i + 1]!.record.inertia;
      if (curve > bestCurve) {
        bestCurve = curve;
        pick = i;
      }
    }
  }
  const chosen = runs[pick]!;
  return { model: chosen.model, assignment: chosen.assignment, search: runs.map((r) => r.record) };
}

function plusPlus(x: Float32Array, dims: number, rows: number, k: number, rng: Rng): Float64Array {
  const centroids = new Float64Array(k * dims);
  const first = rng.int(rows);
  for (let d = 0; d < dims; d++) centroids[d] = x[first * dims + d]!;
  const d2 = new Float64Array(rows).fill(Infinity);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < rows; i++) {
      d2[i] = Math.min(d2[i]!, dist2(x, i * dims, centroids, (c - 1) * dims, dims));
      total += d2[i]!;
    }
    let target = rng.next() * total;
    let chosen = rows - 1;
    for (let i = 0; i < rows; i++) {
      target -= d2[i]!;
      if (target <= 0) {
        chosen = i;
        break;
      }
    }
    for (let d = 0; d < dims; d++) centroids[c * dims + d] = x[chosen * dims + d]!;
  }
  return centroids;
}

function lloyd(x: Float32Array, dims: number, rows: number, centroids: Float64Array, k: number, maxIter: number) {
  const assignment = new Int32Array(rows).fill(-1);
  let inertia = 0;
  for (let iter = 0; iter < maxIter; iter++) {
    let changed = false;
    inertia = 0;
    for (let i = 0; i < rows; i++) {
      const n = nearest(x, i * dims, centroids, k, dims);
      inertia += n.d2;
      if (assignment[i] !== n.index) {
        assignment[i] = n.index;
        changed = true;
      }
    }
    if (!changed) break;
    const sums = new Float64Array(k * dims);
    const counts = new Float64Array(k);
    for (let i = 0; i < rows; i++) {
      const c = assignment[i]!;
      counts[c]!++;
      for (let d = 0; d < dims; d++) sums[c * dims + d]! += x[i * dims + d]!;
    }
    // An emptied cluster keeps its centroid; with k-means++ seeding that is rare and harmless.
    for (let c = 0; c < k; c++)
      if (counts[c]! > 0) for (let d = 0; d < dims; d++) centroids[c * dims + d] = sums[c * dims + d]! / counts[c]!;
  }
  return { centroids, assignment, inertia };
}

function nearest(x: ArrayLike<number>, offset: number, centroids: Float64Array, k: number, dims: number) {
  let index = 0;
  let best = Infinity;
  for (let c = 0; c < k; c++) {
    const d = dist2(x, offset, centroids, c * dims, dims);
    if (d < best) {
      best = d;
      index = c;
    }
  }
  return { index, d2: best };
}

function dist2(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, dims: number): number {
  let s = 0;
  for (let d = 0; d < dims; d++) {
    const diff = a[ao + d]! - b[bo + d]!;
    s += diff * diff;
  }
  return s;
}

/** The same clustering with clusters renumbered: new cluster i is old cluster `order[i]`. */
export function renumber(
  model: KMeansModel,
  assignment: Int32Array,
  order: readonly number[],
): { model: KMeansModel; assignment: Int32Array } {
  const newIndex = new Int32Array(model.k);
  order.forEach((old, i) => (newIndex[old] = i));
  const centroids = order.flatMap((old) => model.centroids.slice(old * model.dims, (old + 1) * model.dims));
  return { model: { ...model, centroids, sizes: order.map((old) => model.sizes[old]!) }, assignment: assignment.map((c) => newIndex[c]!) };
}

function renumberBySize(run: { centroids: Float64Array; assignment: Int32Array; inertia: number }, k: number, dims: number) {
  const sizes = new Array<number>(k).fill(0);
  for (const c of run.assignment) sizes[c]!++;
  const order = Array.from({ length: k }, (_, c) => c).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  const newIndex = new Int32Array(k);
  order.forEach((old, i) => (newIndex[old] = i));
  const centroids: number[] = [];
  for (const old of order) for (let d = 0; d < dims; d++) centroids.push(run.centroids[old * dims + d]!);
  const assignment = run.assignment.map((c) => newIndex[c]!);
  const model: KMeansModel = { kind: 'kmeans', k, dims, centroids, sizes: order.map((c) => sizes[c]!), inertia: run.inertia };
  return { model, assignment };
}
