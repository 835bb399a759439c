import { normalizeItemId } from '../ingest/coerce/item-id.ts';

/**
 * A customer's open basket, for previews of cart emails (`journey.entry.items`): the items added
 * to the cart since their last purchase, up to `asOf`, most recent first, each once. In a journey
 * the entry event says which items; a preview has no entry, and this is what it would hold.
 * Item ids are compared in their one spelling (ingest/coerce/item-id.ts).
 */
export interface CartEvent {
  type?: string;
  at?: unknown;
  item_id?: unknown;
  /** What the event itself knows of the item, shown when the catalogue lacks it. */
  price?: unknown;
  name?: unknown;
}

/** How many items a preview basket holds at most. */
export const CART_PREVIEW_ITEMS = 6;

/** One line of an open basket: the item's id and what the add-to-cart event said of it. */
export interface CartLine {
  id: string;
  /** The id as the event spelled it (data loaded before ids were normalised may keep it). */
  raw: string;
  price?: unknown;
  name?: unknown;
}

export function openCartLines(
  events: readonly CartEvent[],
  asOf: number,
  options: { cartEvent?: string; purchaseEvent?: string; limit?: number } = {},
): CartLine[] {
  const cart = options.cartEvent ?? 'added_to_cart';
  const purchase = options.purchaseEvent ?? 'purchase';
  const time = (e: CartEvent) => (typeof e.at === 'number' ? e.at : Date.parse(String(e.at)));
  const known = events.filter((e) => Number.isFinite(time(e)) && time(e) <= asOf);
  const lastPurchase = Math.max(-Infinity, ...known.filter((e) => e.type === purchase).map(time));
  const adds = known
    .filter((e) => e.type === cart && normalizeItemId(e.item_id) !== undefined && time(e) > lastPurchase)
    .sort((a, b) => time(b) - time(a));
  const lines: CartLine[] = [];
  const seen = new Set<string>();
  for (const e of adds) {
    const id = normalizeItemId(e.item_id)!;
    if (seen.has(id)) continue;
    seen.add(id);
    const line: CartLine = { id, raw: String(e.item_id).trim() };
    if (e.price !== undefined && e.price !== null) line.price = e.price;
    if (e.name !== undefined && e.name !== null) line.name = e.name;
    lines.push(line);
    if (lines.length >= (options.limit ?? CART_PREVIEW_ITEMS)) break;
  }
  return lines;
}

export function openCartItemIds(
  events: readonly CartEvent[],
  asOf: number,
  options: { cartEvent?: string; purchaseEvent?: string; limit?: number } = {},
): string[] {
  return openCartLines(events, asOf, options).map((l) => l.id);
}

/**
 * The item a basket line shows: the catalogue's record (looked up by normalised id) or, for an
 * item the catalogue lacks, what the event knows (id, price, name), so a basket never comes up
 * empty because a product code never reached the catalogue.
 */
export function basketItem(line: CartLine, catalogue: ReadonlyMap<string, Record<string, unknown>>): Record<string, unknown> {
  const known = catalogue.get(line.id) ?? catalogue.get(line.raw);
  if (known) return known;
  const item: Record<string, unknown> = { id: line.id };
  if (line.price !== undefined) item.price = line.price;
  // A template reads `item.name` as a catalogue field that is always there; the product code is
  // the one name the event is sure to know, so it stands in rather than failing the render.
  item.name = line.name !== undefined ? line.name : line.raw;
  return item;
}

/** A catalogue keyed by normalised item id. */
export function catalogueById(items: Iterable<Record<string, unknown>>): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const item of items) {
    const id = normalizeItemId(item.id);
    if (id !== undefined && !out.has(id)) out.set(id, item);
  }
  return out;
}
