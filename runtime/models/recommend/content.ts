import { strength, type History, type ItemIndex, type ItemInfo } from './data.ts';

/**
 * Content-based similarity from item attributes: strings one-hot encoded, numbers standardized,
 * each item vector unit-normalized. A customer's profile is the strength-weighted sum of their
 * items' vectors; an item's score is its cosine with the profile. Items nobody interacted with
 * score like any other, which is how a new item gets recommended.
 */
export interface ContentModel {
  dims: number;
  /** Row-major items × dims, unit length (zero for an item without attributes). */
  vectors: number[];
  /** Column names, for reports: `category=gifts`, `price`. */
  columns: string[];
}

export function fitContent(items: readonly ItemInfo[], index: ItemIndex, fields: readonly string[]): ContentModel {
  const attrs = new Map(items.map((i) => [i.id, i.attributes ?? {}]));
  const columns: string[] = [];
  const encoders: Array<(a: Record<string, unknown>, out: Float64Array, at: number) => number> = [];
  for (const field of fields) {
    const values = [...attrs.values()].map((a) => a[field]).filter((v) => v !== null && v !== undefined);
    if (values.length > 0 && values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      const nums = values as number[];
      const mean = nums.reduce((s, v) => s + v, 0) / nums.length;
      const std = Math.sqrt(nums.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, nums.length - 1)) || 1;
      columns.push(field);
      encoders.push((a, out, at) => {
        const v = a[field];
        out[at] = typeof v === 'number' && Number.isFinite(v) ? (v - mean) / std : 0;
        return 1;
      });
    } else {
      const categories = [...new Set(values.map((v) => String(v)))].sort();
      const pos = new Map(categories.map((c, i) => [c, i]));
      columns.push(...categories.map((c) => `${field}=${c}`));
      encoders.push((a, out, at) => {
        const v = a[field];
        const p = v === null || v === undefined ? undefined : pos.get(String(v));
        if (p !== undefined) out[at + p] = 1;
        return categories.length;
      });
    }
  }
  const dims = columns.length;
  const vectors = new Float64Array(index.ids.length * dims);
  index.ids.forEach((id, i) => {
    const a = attrs.get(id) ?? {};
    const row = new Float64Array(dims);
    let at = 0;
    for (const enc of encoders) at += enc(a, row, at);
    let norm = 0;
    for (const v of row) norm += v * v;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let d = 0; d < dims; d++) vectors[i * dims + d] = row[d]! / norm;
  });
  return { dims, vectors: Array.from(vectors), columns };
}

export function scoreContent(model: ContentModel, history: History, out: Float64Array): void {
  const { dims, vectors } = model;
  if (dims === 0) return;
  const profile = new Float64Array(dims);
  for (const [item, w] of history) {
    const s = strength(w);
    for (let d = 0; d < dims; d++) profile[d]! += s * vectors[item * dims + d]!;
  }
  let norm = 0;
  for (const v of profile) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm === 0) return;
  const items = vectors.length / dims;
  for (let j = 0; j < items; j++) {
    let s = 0;
    for (let d = 0; d < dims; d++) s += profile[d]! * vectors[j * dims + d]!;
    out[j]! += s / norm;
  }
}
