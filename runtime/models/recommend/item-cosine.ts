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
  const norms = new Float64Array(items);
  const rows: Array<Array<[number, number]>> = [];
  for (const h of histories) {
    const row: Array<[number, number]> = [];
    for (const [item, w] of h) {
      const s = strength(w);
      row.push([item, s]);
      norms[item]! += s * s;
    }
    rows.push(row);
  }
  // Co-occurrence dot products, accumulated per item in a sparse map.
  const dots: Array<Map<number, number>> = Array.from({ length: items }, () => new Map());
  for (const row of rows) {
    for (const [i, wi] of row) {
      const m = dots[i]!;
      for (const [j, wj] of row) if (j !== i) m.set(j, (m.get(j) ?? 0) + wi * wj);
    }
  }
  const index: number[][] = [];
  const sim: number[][] = [];
  for (let i = 0; i < items; i++) {
    const ranked = [...dots[i]!]
      .map(([j, d]) => [j, d / Math.sqrt(norms[i]! * norms[j]!)] as const)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, neighbours);
    index.push(ranked.map((r) => r[0]));
    sim.push(ranked.map((r) => r[1]));
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
