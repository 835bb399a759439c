/**
 * A customer's open basket, for previews of cart emails (`journey.entry.items`): the items added
 * to the cart since their last purchase, up to `asOf`, most recent first, each once. In a journey
 * the entry event says which items; a preview has no entry, and this is what it would hold.
 */
export interface CartEvent {
  type?: string;
  at?: unknown;
  item_id?: unknown;
}

/** How many items a preview basket holds at most. */
export const CART_PREVIEW_ITEMS = 6;

export function openCartItemIds(events: readonly CartEvent[], asOf: number, options: { cartEvent?: string; purchaseEvent?: string; limit?: number } = {}): string[] {
  const cart = options.cartEvent ?? 'added_to_cart';
  const purchase = options.purchaseEvent ?? 'purchase';
  const time = (e: CartEvent) => (typeof e.at === 'number' ? e.at : Date.parse(String(e.at)));
  const known = events.filter((e) => Number.isFinite(time(e)) && time(e) <= asOf);
  const lastPurchase = Math.max(-Infinity, ...known.filter((e) => e.type === purchase).map(time));
  const adds = known.filter((e) => e.type === cart && e.item_id !== undefined && e.item_id !== null && time(e) > lastPurchase).sort((a, b) => time(b) - time(a));
  const ids: string[] = [];
  for (const e of adds) {
    const id = String(e.item_id);
    if (!ids.includes(id)) ids.push(id);
    if (ids.length >= (options.limit ?? CART_PREVIEW_ITEMS)) break;
  }
  return ids;
}
