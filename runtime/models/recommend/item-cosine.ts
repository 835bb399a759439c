import { strength, type History } from './data.ts';

/**
 * Item-item collaborative filtering: cosine similarity between items' customer vectors, keeping
 * each item's `neighbours` most similar items. A customer's score for item j is the sum over their
 * items i of strength(i) × sim(i, j).
 */
export interface ItemNeighbours {
  /** Per item: neighbour indices and similarities, most similar first. */
  index: number[][];
  sim: number[][];
}

export function fitItemCosine(histories: Iterable<History>, items: number, neighbours = 50): ItemNeighbours {
  // Customer rows and item columns in compressed form (typed arrays: tens of millions of visits).
  const rowItems: number[] = [];
  const rowWeights: number[] = [];
  const rowStart: number[] = [0];
  for (const h of histories) {
    for (const [item, w] of h) {
      rowItems.push(item);
      rowWeights.push(strength(w));
    }
    rowStart.push(rowItems.length);
  }
  const ri = Int32Array.from(rowItems);
  const rw = Float64Array.from(rowWeights);
  const rs = Int32Array.from(rowStart);
  const users = rs.length - 1;
  const colCount = new Int32Array(items + 1);
  for (const i of ri) colCount[i + 1]!++;
  for (let i = 0; i < items; i++) colCount[i + 1]! += colCount[i]!;
  const colUsers = new Int32Array(ri.length);
  const colWeights = new Float64Array(ri.length);
  const fill = colCount.slice(0, items);
  const norms = new Float64Array(items);
  for (let u = 0; u < users; u++) {
    for (let k = rs[u]!; k < rs[u + 1]!; k++) {
      const i = ri[k]!;
      const at = fill[i]!++;
      colUsers[at] = u;
      colWeights[at] = rw[k]!;
      norms[i]! += rw[k]! * rw[k]!;
    }
  }
  const acc = new Float64Array(items);
  const touched = new Int32Array(items);
  const index: number[][] = [];
  const sim: number[][] = [];
  for (let i = 0; i < items; i++) {
    let nTouched = 0;
    for (let c = colCount[i]!; c < colCount[i + 1]!; c++) {
      const u = colUsers[c]!;
      const wi = colWeights[c]!;
      for (let k = rs[u]!; k < rs[u + 1]!; k++) {
        const j = ri[k]!;
        if (j === i) continue;
        if (acc[j] === 0) touched[nTouched++] = j;
        acc[j]! += wi * rw[k]!;
      }
    }
    const sims = new Float64Array(nTouched);
    for (let t = 0; t < nTouched; t++) {
      const j = touched[t]!;
      sims[t] = acc[j]! / Math.sqrt(norms[i]! * norms[j]!);
      acc[j] = 0;
    }
    // Only the top `neighbours` are kept: find the threshold with a native numeric sort, then
    // order just those (ties by item index, for determinism).
    const threshold = nTouched > neighbours ? Float64Array.from(sims).sort()[nTouched - neighbours]! : -Infinity;
    const ranked: Array<[number, number]> = [];
    for (let t = 0; t < nTouched; t++) if (sims[t]! >= threshold) ranked.push([touched[t]!, sims[t]!]);
    ranked.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const top = ranked.slice(0, neighbours);
    index.push(top.map((r) => r[0]));
    sim.push(top.map((r) => r[1]));
  }
  return { index, sim };
}

export function scoreItemCosine(model: ItemNeighbours, history: History, out: Float64Array): void {
  for (const [i, w] of history) {
    const s = strength(w);
    const idx = model.index[i];
    const sims = model.sim[i];
    if (!idx || !sims) continue;
    for (let n = 0; n < idx.length; n++) out[idx[n]!]! += s * sims[n]!;
  }
}
