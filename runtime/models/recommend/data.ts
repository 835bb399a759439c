/**
 * Interactions (customer, item, weight) folded into sparse per-customer histories over an item
 * index. The item index is the catalog plus every item seen in an interaction, so an item nobody
 * touched is still a candidate (content-based similarity can recommend it).
 */
export interface Interaction {
  customerId: string;
  itemId: string;
  weight: number;
  /** Epoch ms; used by the time split. */
  at?: number;
}

export interface ItemInfo {
  id: string;
  attributes?: Record<string, unknown>;
}

export interface ItemIndex {
  ids: string[];
  byId: Map<string, number>;
}

/** item index → summed weight. */
export type History = Map<number, number>;

export function buildItemIndex(items: readonly ItemInfo[], interactions: readonly Interaction[]): ItemIndex {
  const ids = [...new Set([...items.map((i) => i.id), ...interactions.map((i) => i.itemId)])].sort();
  return { ids, byId: new Map(ids.map((id, i) => [id, i])) };
}

export function buildHistories(interactions: readonly Interaction[], index: ItemIndex): Map<string, History> {
  const out = new Map<string, History>();
  for (const it of interactions) {
    const item = index.byId.get(it.itemId);
    if (item === undefined) continue;
    let h = out.get(it.customerId);
    if (!h) out.set(it.customerId, (h = new Map()));
    h.set(item, (h.get(item) ?? 0) + it.weight);
  }
  return out;
}

/** Repeated interactions count with diminishing returns: one purchase of 50 units is not 50 signals. */
export function strength(weight: number): number {
  return Math.log1p(weight);
}
