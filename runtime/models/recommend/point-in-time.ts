import type { ItemInfo } from './data.ts';

/** One observed value of an item's attribute, e.g. the unit price on a purchase line. */
export interface ItemObservation {
  itemId: string;
  /** Epoch ms. */
  at: number;
  value: number;
}

/**
 * An item's attribute as of a cut-off is the median of its last this-many observations at or
 * before it: unit prices on wholesale lines vary with quantity, so one line is a noisy price.
 */
export const OBSERVATIONS_PER_VALUE = 9;

/**
 * The catalogue as of a cut-off. The items table holds what was loaded last (prices as of the end
 * of the data), so at a cut-off in the past it would leak the future: an item first bought after
 * the cut-off is left out, and each attribute with observations on events (`observed`: field →
 * its observations, oldest first) takes its point-in-time value. An item with no observation by
 * the cut-off has no value for that field, unless the cut-off is the end of the data (`atEnd`),
 * where the catalogue's own value is current.
 */
export function catalogueAsOf(
  catalogue: readonly ItemInfo[],
  firstSold: ReadonlyMap<string, number>,
  observed: ReadonlyMap<string, readonly ItemObservation[]>,
  cutoff: number,
  atEnd: boolean,
): ItemInfo[] {
  const values = new Map<string, Map<string, number>>();
  for (const [field, list] of observed) values.set(field, valuesAsOf(list, cutoff));
  return catalogue
    .filter((i) => (firstSold.get(i.id) ?? -Infinity) <= cutoff)
    .map((item) => {
      if (values.size === 0) return item;
      const attributes: Record<string, unknown> = { ...item.attributes };
      for (const [field, byItem] of values) {
        const v = byItem.get(item.id);
        if (v !== undefined) attributes[field] = v;
        else if (!atEnd) delete attributes[field];
      }
      return { id: item.id, attributes };
    });
}

/** Per item: the median of its last OBSERVATIONS_PER_VALUE values at or before `cutoff` (observations oldest first). */
export function valuesAsOf(list: readonly ItemObservation[], cutoff: number): Map<string, number> {
  const recent = new Map<string, number[]>();
  for (const o of list) {
    if (o.at > cutoff) break;
    if (!Number.isFinite(o.value)) continue;
    let l = recent.get(o.itemId);
    if (!l) recent.set(o.itemId, (l = []));
    l.push(o.value);
    if (l.length > OBSERVATIONS_PER_VALUE) l.shift();
  }
  const out = new Map<string, number>();
  for (const [id, l] of recent) {
    const s = [...l].sort((a, b) => a - b);
    const mid = s.length >> 1;
    out.set(id, s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2);
  }
  return out;
}
