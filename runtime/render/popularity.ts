/**
 * The fallback for `recommendations` until a recommendations model has scored the customer: the
 * most purchased items (by quantity, else by number of purchases), ties broken by item id so the
 * result is stable. Items the customer already bought are left out when others are available.
 */
export interface PurchaseLike {
  customer?: string;
  customer_id?: string;
  type?: string;
  item_id?: unknown;
  quantity?: unknown;
  properties?: Record<string, unknown>;
}

export function popularItems(
  events: readonly PurchaseLike[],
  items: ReadonlyArray<Record<string, unknown>>,
  count: number,
  options: { excludeBoughtBy?: string; purchaseEvent?: string } = {},
): Array<Record<string, unknown>> {
  const purchase = options.purchaseEvent ?? 'purchase';
  const totals = new Map<string, number>();
  const boughtByCustomer = new Set<string>();
  for (const e of events) {
    if ((e.type ?? purchase) !== purchase) continue;
    const props = e.properties ?? (e as Record<string, unknown>);
    const id = props.item_id;
    if (id === undefined || id === null) continue;
    const q = Number(props.quantity);
    totals.set(String(id), (totals.get(String(id)) ?? 0) + (Number.isFinite(q) && q > 0 ? q : 1));
    if (options.excludeBoughtBy !== undefined && (e.customer ?? e.customer_id) === options.excludeBoughtBy) boughtByCustomer.add(String(id));
  }
  const byId = new Map(items.map((i) => [String(i.id), i]));
  const ranked = [...totals.entries()]
    .filter(([id]) => byId.has(id))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([id]) => byId.get(id)!);
  const fresh = ranked.filter((i) => !boughtByCustomer.has(String(i.id)));
  const chosen = fresh.length >= count ? fresh : [...fresh, ...ranked.filter((i) => boughtByCustomer.has(String(i.id)))];
  return chosen.slice(0, count);
}

/** The SQL a database-backed fallback runs (events keyed by customer_id, item ids in properties). */
export type PopularItemsSource = (count: number, excludeCustomer?: string) => Promise<Array<Record<string, unknown>>>;
