import { normalizeItemId } from '../ingest/coerce/item-id.ts';
import { catalogueById } from './cart.ts';

/**
 * The fallback for `recommendations` until a recommendations model has scored the customer: the
 * items the most customers bought, then by units bought, then by id, so one wholesale order of
 * 80,000 paper birds does not make them everyone's favourite. Items the customer already bought
 * are left out when others are available.
 */
export interface PurchaseLike {
  customer?: string;
  customer_id?: string;
  type?: string;
  item_id?: unknown;
  quantity?: unknown;
  properties?: Record<string, unknown>;
}

/** One item's popularity: distinct buyers, then units. */
export interface Popularity {
  id: string;
  buyers: number;
  units: number;
}

/** Most popular first (the ranking both the sample-data and the database fallback use). */
export function byPopularity(a: Popularity, b: Popularity): number {
  return b.buyers - a.buyers || b.units - a.units || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The ranked ids with what the customer bought moved behind everything they have not. */
export function freshFirst(ranked: readonly string[], bought: ReadonlySet<string>, count: number): string[] {
  const fresh = ranked.filter((id) => !bought.has(id));
  return (fresh.length >= count ? fresh : [...fresh, ...ranked.filter((id) => bought.has(id))]).slice(0, count);
}

export function popularItems(
  events: readonly PurchaseLike[],
  items: ReadonlyArray<Record<string, unknown>>,
  count: number,
  options: { excludeBoughtBy?: string; purchaseEvent?: string } = {},
): Array<Record<string, unknown>> {
  const purchase = options.purchaseEvent ?? 'purchase';
  const stats = new Map<string, { buyers: Set<string>; units: number }>();
  const boughtByCustomer = new Set<string>();
  for (const e of events) {
    if ((e.type ?? purchase) !== purchase) continue;
    const props = e.properties ?? (e as Record<string, unknown>);
    const id = normalizeItemId(props.item_id);
    if (id === undefined) continue;
    const q = Number(props.quantity);
    const who = String(e.customer ?? e.customer_id ?? '');
    const s = stats.get(id) ?? { buyers: new Set<string>(), units: 0 };
    s.buyers.add(who);
    s.units += Number.isFinite(q) && q > 0 ? q : 1;
    stats.set(id, s);
    if (options.excludeBoughtBy !== undefined && who === options.excludeBoughtBy) boughtByCustomer.add(id);
  }
  const byId = catalogueById(items);
  const ranked = [...stats.entries()]
    .filter(([id]) => byId.has(id))
    .map(([id, s]) => ({ id, buyers: s.buyers.size, units: s.units }))
    .sort(byPopularity)
    .map((p) => p.id);
  return freshFirst(ranked, boughtByCustomer, count).map((id) => byId.get(id)!);
}

/** The SQL a database-backed fallback runs (events keyed by customer_id, item ids in properties). */
export type PopularItemsSource = (count: number, excludeCustomer?: string) => Promise<Array<Record<string, unknown>>>;
