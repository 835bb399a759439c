import { strength, type History, type ItemIndex, type ItemInfo } from './data.ts';

/**
 * Content-based similarity from item attributes. Each listed field becomes part of an item vector:
 * numbers as bands (quintiles over the catalogue, e.g. price bands; an item also leans half onto the
 * neighbouring bands, so £2 and £2.50 are alike across a band edge), strings with few distinct values
 * one-hot encoded as categories, and strings that are mostly unique per item (names,
 * descriptions) as their words, weighted by rarity (tf-idf). Each field's part is scaled to unit
 * length so every field counts the same, then the whole vector is. A customer's profile is the
 * strength-weighted sum of their items' vectors; an item's score is its cosine with the profile.
 * Items nobody interacted with score like any other, which is how a new item gets recommended.
 * Vectors are sparse: a catalogue's word vocabulary runs to thousands of columns.
 */
export interface ContentModel {
  dims: number;
  /** Column names, for reports: `category=gifts`, `price`, `name:heart`. */
  columns: string[];
  /** Per item (in index order): the non-zero columns of its unit vector, and their values. */
  cols: number[][];
  vals: number[][];
}

/** A string field is read as words when at least this share of its values are distinct. */
const TEXT_DISTINCT_SHARE = 0.5;
const MIN_WORD_LENGTH = 3;

type Encoder = (attributes: Record<string, unknown>) => Map<number, number>;

export function fitContent(items: readonly ItemInfo[], index: ItemIndex, fields: readonly string[]): ContentModel {
  const attrs = new Map(items.map((i) => [i.id, i.attributes ?? {}]));
  const columns: string[] = [];
  const encoders: Encoder[] = fields.map((field) => encoderFor(field, [...attrs.values()], columns));
  const cols: number[][] = [];
  const vals: number[][] = [];
  for (const id of index.ids) {
    const a = attrs.get(id) ?? {};
    const row = new Map<number, number>();
    for (const encode of encoders) {
      const part = encode(a);
      const norm = Math.sqrt([...part.values()].reduce((s, v) => s + v * v, 0));
      if (norm > 0) for (const [c, v] of part) row.set(c, v / norm);
    }
    const norm = Math.sqrt([...row.values()].reduce((s, v) => s + v * v, 0));
    const entries = [...row.entries()].filter(([, v]) => v !== 0).sort((x, y) => x[0] - y[0]);
    cols.push(entries.map(([c]) => c));
    vals.push(entries.map(([, v]) => v / (norm || 1)));
  }
  return { dims: columns.length, columns, cols, vals };
}

function encoderFor(field: string, all: ReadonlyArray<Record<string, unknown>>, columns: string[]): Encoder {
  const values = all.map((a) => a[field]).filter((v) => v !== null && v !== undefined);
  if (values.length > 0 && values.every((v) => typeof v === 'number' && Number.isFinite(v)))
    return bandEncoder(field, values as number[], columns);
  const texts = values.map((v) => String(v));
  if (new Set(texts).size >= TEXT_DISTINCT_SHARE * texts.length && texts.length >= 10) return wordEncoder(field, texts, columns);
  const categories = [...new Set(texts)].sort();
  const base = columns.length;
  columns.push(...categories.map((c) => `${field}=${c}`));
  const pos = new Map(categories.map((c, i) => [c, base + i]));
  return (a) => {
    const v = a[field];
    const p = v === null || v === undefined ? undefined : pos.get(String(v));
    return new Map(p === undefined ? [] : [[p, 1]]);
  };
}

/** Numbers per band of the catalogue's quantiles. */
export const BANDS = 5;

/** A number as its band (1) and the neighbouring bands (0.5): price bands, where a cheap item is like cheap items. */
function bandEncoder(field: string, nums: readonly number[], columns: string[]): Encoder {
  const sorted = [...nums].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let b = 1; b < BANDS; b++) {
    const e = sorted[Math.min(sorted.length - 1, Math.floor((b * sorted.length) / BANDS))]!;
    if (edges.length === 0 || e > edges.at(-1)!) edges.push(e);
  }
  const base = columns.length;
  const bands = edges.length + 1;
  for (let b = 0; b < bands; b++) columns.push(`${field} band ${b + 1}${b < edges.length ? ` (< ${edges[b]})` : ''}`);
  return (a) => {
    const v = a[field];
    if (typeof v !== 'number' || !Number.isFinite(v)) return new Map();
    let b = 0;
    while (b < edges.length && v >= edges[b]!) b++;
    const out = new Map([[base + b, 1]]);
    if (b > 0) out.set(base + b - 1, 0.5);
    if (b < bands - 1) out.set(base + b + 1, 0.5);
    return out;
  };
}

/** Words of a text field, weighted by inverse document frequency; words in one item only or in most items carry no similarity. */
function wordEncoder(field: string, texts: readonly string[], columns: string[]): Encoder {
  const df = new Map<string, number>();
  for (const t of texts) for (const w of new Set(words(t))) df.set(w, (df.get(w) ?? 0) + 1);
  const n = texts.length;
  const vocabulary = [...df.entries()]
    .filter(([, d]) => d >= 2 && d <= n / 2)
    .map(([w]) => w)
    .sort();
  const base = columns.length;
  columns.push(...vocabulary.map((w) => `${field}:${w}`));
  const pos = new Map(vocabulary.map((w, i) => [w, base + i]));
  const idf = new Map(vocabulary.map((w) => [w, Math.log(n / df.get(w)!)]));
  return (a) => {
    const v = a[field];
    const out = new Map<number, number>();
    if (v === null || v === undefined) return out;
    for (const w of words(String(v))) {
      const p = pos.get(w);
      if (p !== undefined) out.set(p, (out.get(p) ?? 0) + idf.get(w)!);
    }
    return out;
  };
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= MIN_WORD_LENGTH && !/^\d+$/.test(w));
}

export function scoreContent(model: ContentModel, history: History, out: Float64Array): void {
  if (model.dims === 0) return;
  const profile = new Float64Array(model.dims);
  for (const [item, w] of history) {
    const s = strength(w);
    const c = model.cols[item]!;
    const v = model.vals[item]!;
    for (let k = 0; k < c.length; k++) profile[c[k]!]! += s * v[k]!;
  }
  let norm = 0;
  for (const v of profile) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm === 0) return;
  for (let j = 0; j < model.cols.length; j++) {
    const c = model.cols[j]!;
    const v = model.vals[j]!;
    let s = 0;
    for (let k = 0; k < c.length; k++) s += profile[c[k]!]! * v[k]!;
    out[j]! += s / norm;
  }
}
